import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cacheSchema, compileCachePolicies } from './config';
import { HttpEmbedder } from './embed/http';
import { ONNX_INSTALL_HINT, OnnxEmbedder, onnxRuntimeAvailable } from './embed/onnx';
import { WordPieceTokenizer } from './embed/wordpiece';

const compile = (input: unknown, tenants = ['acme', 'globex']) => {
  const problems: Array<{ path: string; message: string }> = [];
  const policies = compileCachePolicies(cacheSchema.parse(input), { tenantIds: new Set(tenants), resolve: (f) => f, problem: (p, message) => problems.push({ path: p, message }) });
  return { policies, problems };
};

describe('cache config', () => {
  it('is off by default, with conservative defaults', () => {
    const { policies } = compile({});
    expect(policies.get('acme')).toMatchObject({ enabled: false, mode: 'exact', threshold: 0.8, ttlMs: 3_600_000, maxEntries: 10_000, scope: 'tenant', maxTemperature: 0.3, unsetTemperature: 'skip', tools: false, chargeOnHit: 'none' });
  });

  it('merges a tenant override over the defaults', () => {
    const { policies } = compile({ defaults: { enabled: true, mode: 'semantic', ttlSeconds: 60 }, tenants: { globex: { scope: 'user', threshold: 0.9, enabled: false } } });
    expect(policies.get('acme')).toMatchObject({ enabled: true, mode: 'semantic', ttlMs: 60_000, scope: 'tenant', threshold: 0.8 });
    expect(policies.get('globex')).toMatchObject({ enabled: false, mode: 'semantic', ttlMs: 60_000, scope: 'user', threshold: 0.9 });
    expect(policies.get('acme')?.embedder.id).toBe('lexical-v1');
  });

  it('reports overrides of unknown tenants and bad values with their paths', () => {
    expect(compile({ tenants: { initech: { enabled: true } } }).problems).toEqual([{ path: 'cache.tenants.initech', message: 'unknown tenant "initech"' }]);
    const parsed = cacheSchema.safeParse({ defaults: { threshold: 1.5, mode: 'fuzzy' }, tenants: { acme: { typo: 1 } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['defaults.mode', 'defaults.threshold', 'tenants.acme']);
  });

  it('takes the budgets\' Redis settings with its own key prefix', () => {
    expect(cacheSchema.parse({ redis: { host: 'redis' } }).redis).toMatchObject({ host: 'redis', port: 6379, keyPrefix: 'llmgw:cache:' });
    expect(cacheSchema.parse({ redis: { host: 'redis', keyPrefix: 'x:' } }).redis?.keyPrefix).toBe('x:');
  });

  it('refuses the onnx embedder with install instructions when onnxruntime-node is missing', () => {
    if (onnxRuntimeAvailable()) return; // installed by the operator: nothing to refuse
    const { problems } = compile({ defaults: { enabled: true, mode: 'semantic', embedder: { type: 'onnx', modelFile: 'm.onnx', vocabFile: 'vocab.txt' } } }, ['acme']);
    expect(problems).toEqual([{ path: 'cache.defaults.embedder.type', message: ONNX_INSTALL_HINT }]);
    expect(ONNX_INSTALL_HINT).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node');
  });
});

describe('http embedder', () => {
  let server: http.Server;
  let url: string;
  let reply: (res: http.ServerResponse, body: string) => void;
  const seen: Array<{ auth?: string; body: string }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
        reply(res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/embeddings`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts {model, input} with the key and normalises the vector', async () => {
    reply = (res) => res.end(JSON.stringify({ data: [{ embedding: [3, 4] }] }));
    // A generous timeout: this case is not about timeouts, and a loaded machine can be slow to answer.
    const embedder = new HttpEmbedder({ url, model: 'text-embedding-3-small', apiKey: () => 'sk-embed', timeoutMs: 10_000 });
    const vector = await embedder.embed('hello');
    expect(vector?.kind === 'dense' && Array.from(vector.values)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(seen.at(-1)).toEqual({ auth: 'Bearer sk-embed', body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello' }) });
  });

  // Only the timeout case has a short timeout: in the others a slow answer on a loaded machine would be
  // reported as a timeout instead of the failure under test. (The server's 300 ms timer starts after the
  // client's 100 ms one in this same process, so the client always gives up first.)
  it.each([
    ['an error status', (res: http.ServerResponse) => res.writeHead(500).end('{}'), 'status 500', 10_000],
    ['a malformed answer', (res: http.ServerResponse) => res.end('{"data":[]}'), 'malformed answer', 10_000],
    ['a timeout', (res: http.ServerResponse) => setTimeout(() => res.end('{}'), 300), 'timeout', 100],
  ])('fails open to a miss on %s', async (_name, handler, reason, timeoutMs) => {
    reply = handler;
    const failures: string[] = [];
    const embedder = new HttpEmbedder({ url, model: 'm', apiKey: () => undefined, timeoutMs, onFailure: (r) => failures.push(r) });
    expect(await embedder.embed('hello')).toBeUndefined();
    expect(failures).toEqual([reason]);
  });
});

describe('onnx embedder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-onnx-'));
  const vocab = path.join(dir, 'vocab.txt');
  writeFileSync(vocab, ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'reset', 'my', 'pass', '##word', '?'].join('\n'));

  it('tokenises with WordPiece', () => {
    const tokenizer = new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'reset', 'my', 'pass', '##word', '?'].join('\n'));
    expect(tokenizer.encode('Reset my PASSWORD?', 16)).toEqual([2, 4, 5, 6, 7, 8, 3]);
    expect(tokenizer.encode('Reset my zebra', 16)).toEqual([2, 4, 5, 1, 3]);
    expect(tokenizer.encode('reset my password', 4)).toEqual([2, 4, 5, 3]);
  });

  it('mean-pools the model output into a unit vector (runtime injected)', async () => {
    const fed: Record<string, unknown>[] = [];
    const embedder = new OnnxEmbedder({
      modelFile: 'model.onnx',
      vocabFile: vocab,
      maxTokens: 16,
      load: async () => ({
        Tensor: class {
          constructor(
            readonly type: 'int64',
            readonly data: BigInt64Array,
            readonly dims: readonly number[],
          ) {}
        },
        InferenceSession: {
          create: async () => ({
            inputNames: ['input_ids', 'attention_mask', 'token_type_ids'],
            outputNames: ['last_hidden_state'],
            run: async (feeds: Record<string, { dims: readonly number[] }>) => {
              fed.push(feeds);
              const tokens = feeds.input_ids?.dims[1] ?? 0;
              return { last_hidden_state: { data: Float32Array.from({ length: tokens * 2 }, (_, i) => (i % 2 === 0 ? 1 : 0)), dims: [1, tokens, 2] } };
            },
          }),
        },
      }),
    });
    const vector = await embedder.embed('reset my password');
    expect(vector?.kind === 'dense' && Array.from(vector.values)).toEqual([1, 0]);
    expect(Object.keys(fed[0] ?? {})).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
  });

  it('is a miss, with the install hint reported, when the runtime cannot be loaded', async () => {
    const failures: string[] = [];
    const embedder = new OnnxEmbedder({ modelFile: 'model.onnx', vocabFile: vocab, maxTokens: 16, onFailure: (r) => failures.push(r), load: () => Promise.reject(new Error(ONNX_INSTALL_HINT)) });
    expect(await embedder.embed('reset my password')).toBeUndefined();
    expect(failures).toEqual([ONNX_INSTALL_HINT]);
  });
});
