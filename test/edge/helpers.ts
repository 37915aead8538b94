/**
 * Shared pieces of the edge conformance tests: a scripted processor + the edge + one small upstream
 * per cluster of envoy-local.yaml, an HTTP client that can pace a request body, and condition waits
 * (never wall-clock assertions).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { type Edge, startEdge } from '../support/edge/edge';
import { type EdgeOverrides, defaultEnvoyConfigPath } from '../support/edge/envoy-config';
import type { DynamicMetadataHook } from '../support/edge/exchange';
import type { ProtoProcessingResponse } from '../../src/extproc/envoy-types';
import { type Script, type ScriptStep, type ScriptedProcessor, kindOf, passThrough, send, setHeader, startScriptedProcessor } from '../support/edge/scripted-processor';

export interface UpstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export type UpstreamHandler = (request: UpstreamRequest, res: http.ServerResponse) => void | Promise<void>;

export interface TestUpstream {
  readonly name: string;
  readonly url: string;
  readonly requests: UpstreamRequest[];
  close(): Promise<void>;
}

/** Replies 200 with a small JSON naming the cluster, with a Content-Length. */
export function jsonHandler(name: string, payload: object = { cluster: name }): UpstreamHandler {
  return (_request, res) => {
    const body = Buffer.from(JSON.stringify(payload));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
}

export async function startUpstream(name: string, handler: UpstreamHandler = jsonHandler(name)): Promise<TestUpstream> {
  const requests: UpstreamRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      requests.push(request);
      void Promise.resolve(handler(request, res)).catch((error: unknown) => {
        res.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

export interface Harness {
  readonly edge: Edge;
  readonly processor: ScriptedProcessor;
  readonly upstreams: Readonly<Record<'openai' | 'anthropic' | 'gemini', TestUpstream>>;
}

export interface HarnessOptions {
  readonly script?: Script;
  readonly overrides?: EdgeOverrides;
  readonly handlers?: Partial<Record<'openai' | 'anthropic' | 'gemini', UpstreamHandler>>;
  readonly dynamicMetadata?: DynamicMetadataHook;
  /** Give the edge this ext_proc address instead of the scripted processor's (T3: unreachable). */
  readonly extProcAddress?: string;
  /** Another Envoy bootstrap than envoy/envoy-local.yaml. */
  readonly envoyConfigPath?: string;
  /**
   * The cluster the processor routes to, as the sidecar does (see `routed`); default 'openai'.
   * envoy-local.yaml has no fallback route: a request no one routes gets Envoy's JSON 404. `false`
   * sends the script's answers exactly as written (tests about routing itself, R4).
   */
  readonly route?: ClusterName | false;
}

export type ClusterName = 'openai' | 'anthropic' | 'gemini';

const cleanups: Array<() => Promise<void>> = [];

/** Call once per test file: closes every harness after each test so jest exits with no open handles. */
export function closeHarnessesAfterEach(): void {
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const script = options.script ?? passThrough;
  const route = options.route ?? 'openai';
  const processor = await startScriptedProcessor(route === false ? script : routed(script, route));
  cleanups.push(() => processor.close());
  const upstreams = {
    openai: await startUpstream('openai', options.handlers?.openai),
    anthropic: await startUpstream('anthropic', options.handlers?.anthropic),
    gemini: await startUpstream('gemini', options.handlers?.gemini),
  };
  for (const upstream of Object.values(upstreams)) cleanups.push(() => upstream.close());
  const edge = await startEdge({
    envoyConfigPath: options.envoyConfigPath,
    extProc: { address: options.extProcAddress ?? processor.address },
    upstreams: Object.fromEntries(Object.entries(upstreams).map(([name, u]) => [name, u.url])),
    overrides: options.overrides,
    dynamicMetadata: options.dynamicMetadata,
  });
  // Closed first (pushed last): the edge resets in-flight requests and closes its processor channel.
  cleanups.push(() => edge.close());
  return { edge, processor, upstreams };
}

/**
 * `script`, routing like the sidecar: its answer to the first request-path message of a stream
 * (request_headers, or request_body when headers are skipped) also sets x-llmgw-cluster: `cluster`,
 * after the script's own header mutations, with clear_route_cache, so Envoy selects the route again
 * (R4). Left exactly as written: answers that set clear_route_cache (either way) or touch x-llmgw-cluster
 * themselves, answers that are not that message's CommonResponse (immediate_response, a spurious kind),
 * and every later answer.
 */
export function routed(script: Script, cluster: ClusterName): Script {
  return (request, ctx) => {
    const result = script(request, ctx);
    const kind = kindOf(request);
    if (kind !== 'request_headers' && kind !== 'request_body') return result;
    if (ctx.stream.requests.slice(0, ctx.messageIndex).some((earlier) => kindOf(earlier).startsWith('request_'))) return result;
    if (!result) return result;
    if (!Array.isArray(result)) return withRoute(result as ProtoProcessingResponse, kind, cluster) ?? result;
    let done = false;
    return (result as readonly ScriptStep[]).map((step) => {
      if (done || step.step !== 'send') return step;
      done = true;
      const changed = withRoute(step.response, kind, cluster);
      return changed ? send(changed) : step;
    });
  };
}

function withRoute(response: ProtoProcessingResponse, kind: 'request_headers' | 'request_body', cluster: ClusterName): ProtoProcessingResponse | undefined {
  const answer = response[kind];
  if (!answer || (response.response !== undefined && response.response !== kind)) return undefined;
  const common = answer.response ?? {};
  const mutation = common.header_mutation ?? {};
  const touchesCluster =
    (mutation.set_headers ?? []).some((option) => option.header?.key?.toLowerCase() === 'x-llmgw-cluster') ||
    (mutation.remove_headers ?? []).some((name) => name.toLowerCase() === 'x-llmgw-cluster');
  if (common.clear_route_cache !== undefined || touchesCluster) return undefined;
  const set_headers = [...(mutation.set_headers ?? []), setHeader('x-llmgw-cluster', cluster)];
  return { ...response, [kind]: { ...answer, response: { ...common, header_mutation: { ...mutation, set_headers }, clear_route_cache: true } } };
}

/**
 * A copy of envoy-local.yaml with the catch-all route sending to `cluster` (the fallback envoy-local.yaml
 * used to have), for tests where the processor never gets to route a request: fail-open before any
 * answer (T2, T3, S3 with failure_mode_allow), observability mode (S6), or no request message at all
 * (S1). With the shipped file those requests get the JSON 404 and reach no provider.
 */
export function withFallbackRoute(cluster: ClusterName = 'openai'): string {
  return envoyVariant((doc) => {
    const routesPath = [...HCM_PATH, 'route_config', 'virtual_hosts', 0, 'routes'];
    const routes = doc.getIn(routesPath) as YAML.YAMLSeq;
    const last = routes.items.length - 1;
    doc.deleteIn([...routesPath, last, 'direct_response']);
    doc.setIn([...routesPath, last, 'route'], doc.createNode({ cluster, auto_host_rewrite: true, timeout: '600s' }));
  });
}

export interface HttpResult {
  /** 0 when no response head arrived. */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The response ended normally (false: reset or truncated). */
  readonly complete: boolean;
  readonly error?: string;
  json(): unknown;
}

export interface RequestOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  /** Whole body, sent at once. */
  readonly body?: string | Buffer;
  /** Body sent piece by piece; `between` runs before each piece (and may wait for the edge). */
  readonly chunks?: ReadonlyArray<string | Buffer>;
  readonly between?: (index: number) => Promise<void>;
}

export function httpRequest(base: string, options: RequestOptions = {}): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve) => {
    let settled = false;
    const done = (result: Omit<HttpResult, 'json'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...result, json: () => JSON.parse(result.body.toString('utf8')) as unknown });
    };
    const req = http.request(`${base}${options.path ?? '/v1/chat/completions'}`, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
      res.on('close', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: false, error: 'response closed early' }));
      res.on('error', () => undefined);
    });
    req.on('error', (error) => done({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false, error: error.message }));
    void (async () => {
      if (options.chunks) {
        req.flushHeaders();
        for (let i = 0; i < options.chunks.length; i++) {
          await options.between?.(i);
          if (settled || req.destroyed) return;
          req.write(options.chunks[i]);
        }
        req.end();
      } else {
        req.end(options.body);
      }
    })();
  });
}

/** Polls a condition (every 2 ms) until it holds; fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export const CHAT_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });

export function jsonHeaders(body: string | Buffer): http.OutgoingHttpHeaders {
  return { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
}

/**
 * An SSE upstream: writes `events` one by one, each only after `gate(i)` resolves, so each event is
 * its own network read at the edge (B3 chunk boundaries follow reads).
 */
export function sseHandler(events: readonly string[], gate: (index: number) => Promise<void> = async () => undefined): UpstreamHandler {
  return async (_request, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (let i = 0; i < events.length; i++) {
      await gate(i);
      if (res.destroyed) return;
      res.write(events[i]);
    }
    res.end();
  };
}

/** ProcessingRequests of one kind the processor has received so far (all streams). */
export function received(h: Harness, kind: string): number {
  return h.processor.streams.reduce((n, s) => n + s.requests.filter((r) => r.request === kind).length, 0);
}

/** Where the HttpConnectionManager sits in envoy-local.yaml. */
export const HCM_PATH: readonly (string | number)[] = ['static_resources', 'listeners', 0, 'filter_chains', 0, 'filters', 0, 'typed_config'];

/** A copy of envoy-local.yaml changed by `edit`, in a temp dir removed after the test. */
export function envoyVariant(edit: (doc: YAML.Document) => void): string {
  const doc = YAML.parseDocument(fs.readFileSync(defaultEnvoyConfigPath(), 'utf8'));
  edit(doc);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-config-'));
  const file = path.join(dir, 'envoy.yaml');
  fs.writeFileSync(file, doc.toString());
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return file;
}
