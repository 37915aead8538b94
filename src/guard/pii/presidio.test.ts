import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardRegistry } from '../registry';
import { registerPiiPlugins } from './plugin';
import { codePointOffsets, createPresidioInspector, DetectorUnavailableError, presidioParamsSchema, type PresidioParams } from './presidio';

type Handler = (body: Record<string, unknown>, res: ServerResponse) => void;

/** A fake Presidio analyzer: POST /analyze answered by the current handler; requests recorded. */
class FakePresidio {
  handler: Handler = (_body, res) => res.end('[]');
  readonly requests: { path: string; body: Record<string, unknown> }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        this.requests.push({ path: req.url ?? '', body });
        res.setHeader('content-type', 'application/json');
        this.handler(body, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const context = { channel: 'user', role: 'user', segment: 2 } as const;

describe('pii.presidio remote analyser', () => {
  const fake = new FakePresidio();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const params = (over: Partial<PresidioParams> = {}): PresidioParams => presidioParamsSchema.parse({ url: fake.url, ...over });

  it('posts {text, language} to /analyze and maps the results to findings', async () => {
    fake.handler = (body, res) => {
      const text = body.text as string;
      const at = text.indexOf('jane');
      res.end(JSON.stringify([{ entity_type: 'PERSON', start: at, end: at + 4, score: 0.85, analysis_explanation: null, recognition_metadata: {} }]));
    };
    const inspector = createPresidioInspector(params({ entities: ['PERSON'], scoreThreshold: 0.4 }));
    const findings = await inspector.inspect('hello jane', context);
    expect(fake.requests.at(-1)).toEqual({ path: '/analyze', body: { text: 'hello jane', language: 'en', entities: ['PERSON'], score_threshold: 0.4 } });
    expect(findings).toEqual([{ detector: 'pii.presidio', type: 'PERSON', score: 0.85, channel: 'user', segment: 2, start: 6, end: 10 }]);
    expect(inspector.outcomes()).toEqual({ ok: 1, fail_open: 0, fail_closed: 0 });
  });

  it('converts Presidio code-point offsets to JavaScript string offsets', async () => {
    const text = '😀😀 call jane';
    fake.handler = (_body, res) => res.end(JSON.stringify([{ entity_type: 'PERSON', start: 8, end: 12, score: 0.9 }]));
    const [finding] = await createPresidioInspector(params()).inspect(text, context);
    expect(text.slice(finding!.start, finding!.end)).toBe('jane');
    expect(codePointOffsets('a😀b')(2)).toBe(3);
  });

  it('fails closed by default: timeout, HTTP error, bad response and connection refused all throw', async () => {
    const closed = createPresidioInspector(params({ timeoutMs: 100 }));
    fake.handler = (_body, res) => void setTimeout(() => res.end('[]'), 1000);
    await expect(closed.inspect('x', context)).rejects.toMatchObject({ name: 'DetectorUnavailableError', reason: 'timeout', code: 'detector_unavailable' });
    fake.handler = (_body, res) => {
      res.statusCode = 500;
      res.end('{"error":"boom"}');
    };
    await expect(closed.inspect('x', context)).rejects.toMatchObject({ reason: 'http_error' });
    fake.handler = (_body, res) => res.end('{"not":"a list"}');
    await expect(closed.inspect('x', context)).rejects.toMatchObject({ reason: 'bad_response' });
    fake.handler = (_body, res) => res.end('not json');
    await expect(closed.inspect('x', context)).rejects.toBeInstanceOf(DetectorUnavailableError);
    const refused = createPresidioInspector(presidioParamsSchema.parse({ url: 'http://127.0.0.1:1' }));
    await expect(refused.inspect('x', context)).rejects.toMatchObject({ reason: 'network' });
    expect(closed.outcomes()).toEqual({ ok: 0, fail_open: 0, fail_closed: 4 });
  });

  it('fails open when configured: no findings, counted, reported to the observer', async () => {
    const seen: string[] = [];
    const open = createPresidioInspector(params({ failMode: 'open', timeoutMs: 100 }), (outcome, reason) => seen.push(`${outcome}:${reason ?? ''}`));
    fake.handler = (_body, res) => void setTimeout(() => res.end('[]'), 1000);
    await expect(open.inspect('x', context)).resolves.toEqual([]);
    expect(open.outcomes()).toEqual({ ok: 0, fail_open: 1, fail_closed: 0 });
    expect(seen).toEqual(['fail_open:timeout']);
  });

  it('is registered with the local plug-in; params are validated with their config path', () => {
    const registry = registerPiiPlugins(new GuardRegistry());
    expect(registry.ids()).toEqual(['pii', 'pii.presidio']);
    expect(registry.createInspector('pii.presidio', { url: 'ftp://x', failMode: 'maybe' }, 'guards.input.1.params')).toMatchObject({
      ok: false,
      problems: [{ path: 'guards.input.1.params.url' }, { path: 'guards.input.1.params.failMode' }],
    });
    expect(registry.createInspector('pii', { thresholds: { EMAIL: 0.5 } }, 'guards.input.0.params')).toMatchObject({
      ok: false,
      problems: [{ path: 'guards.input.0.params.thresholds.EMAIL' }],
    });
  });

  it('the local plug-in reports findings with offsets and never the matched text', async () => {
    const registry = registerPiiPlugins(new GuardRegistry());
    const created = registry.createInspector('pii', { entities: ['EMAIL_ADDRESS'] }, 'x');
    if (!created.ok) throw new Error('expected ok');
    const findings = await created.value.inspect('to: jane@example.com', context);
    expect(findings).toEqual([{ detector: 'pii', type: 'EMAIL_ADDRESS', score: 0.95, channel: 'user', segment: 2, start: 4, end: 20 }]);
  });
});
