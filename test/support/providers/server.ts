/**
 * The mock provider HTTP server: one plain node:http server per flavour. It records each request, resolves
 * the test directives (headers, then the scripted queue), asks the flavour handler for a reply and puts it
 * on the wire. `/_mock/*` is the control API (never recorded):
 *   GET    /_mock/requests   recorded requests (JSON array)
 *   DELETE /_mock/requests   clear them
 *   POST   /_mock/faults     queue entries (JSON, see FaultEntry and parseFaultEntries; a non-JSON body is one fault spec)
 *   GET    /_mock/faults     pending entries
 *   DELETE /_mock/faults     clear the queue
 *   GET    /_mock/health     {ok, flavor}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicHandler } from './anthropic';
import { hashSeed } from './chunking';
import { FaultQueue, resolveDirectives, type Directives } from './faults';
import { geminiHandler } from './gemini';
import { asObject } from './json';
import { openaiHandler } from './openai';
import { isJsonContent, Recorder } from './recorder';
import { Timers } from './timers';
import type { FaultEntry, Flavor, FlavorHandler, Json, MockProviderHandle, MockProviderOptions, MockProviders, ProviderReply, ProviderRequest } from './types';
import { acceptsGzip, sendReply } from './wire';

export const HANDLERS: Record<Flavor, FlavorHandler> = { openai: openaiHandler, anthropic: anthropicHandler, gemini: geminiHandler };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendControl(res: ServerResponse, status: number, body?: Json | object): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const ENTRY_FIELDS = ['path', 'fault', 'reply', 'usage', 'chunking'] as const;

/** Accepts a string, an entry, an array of them, or `{ "faults": [...] }`; checks field types. */
export function parseFaultEntries(json: Json | undefined): Array<FaultEntry | string> {
  const wrapped = asObject(json);
  const list = Array.isArray(json) ? json : wrapped && Array.isArray(wrapped.faults) ? wrapped.faults : [json ?? null];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    const obj = asObject(item);
    if (!obj) throw new Error('mock faults: each entry must be a string or an object');
    const entry: { -readonly [K in keyof FaultEntry]: FaultEntry[K] } = {};
    for (const [key, value] of Object.entries(obj)) {
      const field = ENTRY_FIELDS.find((f) => f === key);
      if (!field) throw new Error(`mock faults: unknown field "${key}" (known: ${ENTRY_FIELDS.join(', ')})`);
      if (typeof value !== 'string') throw new Error(`mock faults: field "${key}" must be a string`);
      entry[field] = value;
    }
    return entry;
  });
}

export function startMockProvider(options: MockProviderOptions): Promise<MockProviderHandle> {
  const handler = HANDLERS[options.flavor];
  const recorder = new Recorder(options.flavor);
  const queue = new FaultQueue();
  const timers = new Timers();

  function control(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    const route = `${req.method ?? 'GET'} ${path}`;
    switch (route) {
      case 'GET /_mock/requests':
        return sendControl(res, 200, recorder.all());
      case 'DELETE /_mock/requests':
        recorder.clear();
        return sendControl(res, 204);
      case 'GET /_mock/faults':
        return sendControl(res, 200, queue.pending());
      case 'DELETE /_mock/faults':
        queue.clear();
        return sendControl(res, 204);
      case 'GET /_mock/health':
        return sendControl(res, 200, { ok: true, flavor: options.flavor });
      case 'POST /_mock/faults':
        try {
          // A non-JSON body is one spec string, so `curl -d 'status=500' .../_mock/faults` works.
          const json = isJsonContent(req.headers['content-type'], body) ? (JSON.parse(body) as Json) : body.trim();
          const queued = queue.push(...parseFaultEntries(json));
          return sendControl(res, 201, { queued, pending: queue.pending().length });
        } catch (err) {
          return sendControl(res, 400, { error: err instanceof Error ? err.message : String(err) });
        }
      default:
        return sendControl(res, 404, { error: `unknown mock control route ${route}` });
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const body = await readBody(req);
    if (url.pathname.startsWith('/_mock/')) return control(req, res, url.pathname, body);
    const recorded = recorder.record(req, url, body);
    let path = url.pathname;
    if (options.pathPrefix !== undefined) {
      if (!path.startsWith(`${options.pathPrefix}/`)) {
        const reply = handler.error(404, `Not found: ${path} (this server lives under ${options.pathPrefix})`);
        return sendReply(res, reply, { gzip: false, chunking: undefined, fault: {}, seed: 0, eol: handler.sseLineEnding, timers });
      }
      path = path.slice(options.pathPrefix.length);
    }

    let directives: Directives;
    try {
      directives = resolveDirectives(req.headers, queue.take(url.pathname));
    } catch (err) {
      // A malformed directive is a bug in the test: answer loudly rather than silently ignoring it.
      const reply = handler.error(400, err instanceof Error ? err.message : String(err));
      return sendReply(res, reply, { gzip: false, chunking: undefined, fault: {}, seed: 0, eol: handler.sseLineEnding, timers });
    }
    const { fault } = directives;
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.slowFirstByteMs !== undefined) {
      await timers.sleep(fault.slowFirstByteMs);
      if (res.destroyed || req.socket.destroyed) return;
    }

    const preq: ProviderRequest = {
      method: recorded.method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: recorded.json,
      replyText: directives.replyText,
      usage: directives.usage,
    };
    let reply: ProviderReply;
    if (fault.status !== undefined) reply = handler.error(fault.status, fault.message ?? `mock fault: HTTP ${fault.status}`, fault.retryAfterSeconds);
    else reply = (options.apiKey !== undefined ? handler.checkAuth(preq, options.apiKey) : undefined) ?? handler.handle(preq);
    if (fault.retryAfterMs !== undefined) reply = { ...reply, headers: { ...reply.headers, 'retry-after-ms': String(fault.retryAfterMs) } };
    const cutAt = fault.sseErrorAfterEvents;
    if (reply.kind === 'sse' && cutAt !== undefined) {
      const errorEvent = reply.errorEvent(Math.min(cutAt, reply.events.length), fault.message ?? 'mock fault: stream error');
      reply = { ...reply, events: [...reply.events.slice(0, cutAt), errorEvent] };
    }
    await sendReply(res, reply, {
      gzip: acceptsGzip(req.headers['accept-encoding']),
      chunking: directives.chunking,
      fault,
      seed: hashSeed(`${req.method} ${req.url} ${body}`),
      eol: handler.sseLineEnding,
      timers,
    });
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      // A bug in the mock itself: say so in the provider's shape if we still can, else cut the connection.
      if (!res.headersSent) {
        const reply = handler.error(500, `mock internal error: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      } else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const { port, address } = server.address() as AddressInfo;
      const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        port,
        flavor: options.flavor,
        requests: () => recorder.all(),
        clearRequests: () => recorder.clear(),
        queueFaults: (...entries) => void queue.push(...entries),
        clearFaults: () => queue.clear(),
        close: () =>
          (closing ??= new Promise<void>((done) => {
            timers.cancelAll();
            server.close(() => done());
            // Also cuts stalled streams and idle keep-alive sockets, so close() never waits on a client.
            server.closeAllConnections();
          })),
      });
    });
  });
}

export interface StartAllOptions {
  readonly host?: string;
  readonly apiKeys?: Partial<Record<Flavor, string>>;
}

/** Starts all three flavours (ports default to ephemeral); if one fails the others are closed again. */
export async function startMockProviders(ports: Partial<Record<Flavor, number>> = {}, options: StartAllOptions = {}): Promise<MockProviders> {
  const started: MockProviderHandle[] = [];
  try {
    for (const flavor of ['openai', 'anthropic', 'gemini'] as const) {
      started.push(await startMockProvider({ flavor, port: ports[flavor] ?? 0, host: options.host, apiKey: options.apiKeys?.[flavor] }));
    }
  } catch (err) {
    await Promise.all(started.map((h) => h.close()));
    throw err;
  }
  const [openai, anthropic, gemini] = started;
  return { openai, anthropic, gemini, close: async () => void (await Promise.all(started.map((h) => h.close()))) };
}
