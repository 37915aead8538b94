/**
 * What translation between the OpenAI, Anthropic and Gemini APIs costs, in this process, against a
 * baseline measured the same way: a plain JSON.parse + JSON.stringify of the same bytes (the least
 * any rewrite of a JSON body costs).
 *
 * - request: translateRequest on a ~1.8 KB multi-turn request with a tool call and its result (already
 *   parsed, as the pipeline hands it over), for each direction;
 * - response: a JSON response with text, a tool call and usage, for each direction;
 * - stream: a 50-event provider stream fed one event per chunk (as Envoy's STREAMED mode delivers it);
 *   the cost per chunk, against parse + stringify of each event's data.
 *
 * Run: `make bench` (or `node dist/bench/translation.js` after `make build`). Settings: BENCH_TRANSLATION_MS
 * (time per case, default 1000, split in 5 alternating rounds).
 */
import { performance } from 'node:perf_hooks';
import type { ApiFamily, ParseableApiId } from '../src/llm/apis';
import { parseRequest } from '../src/llm/request/parse';
import { createResponseTranslator, translateRequest } from '../src/llm/translate';
import { PROVIDER_JSON } from '../src/llm/translate/fixtures';

const FAMILIES: readonly ApiFamily[] = ['openai', 'anthropic', 'gemini'];
const PAIRS = FAMILIES.flatMap((from) => FAMILIES.filter((to) => to !== from).map((to) => [from, to] as const));
const CASE_MS = Number(process.env.BENCH_TRANSLATION_MS ?? 1000);
const CLIENT_API: Record<ApiFamily, ParseableApiId> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.generate_content' };
const STREAM_API: Record<ApiFamily, ParseableApiId> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.stream_generate_content' };

const ROUNDS = 5;

/** Mean microseconds per call of `fn`, run in batches for about `ms` after a warm-up. */
function meanUs(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 100; i++) fn();
  let calls = 0;
  let batch = 16;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - started;
    if (batch < 4096) batch *= 2;
  }
  return (elapsed * 1000) / calls;
}

/**
 * The case and its baseline measured in alternating rounds, the median of each kept: on a shared
 * machine a burst of load then hits both sides instead of skewing the ratio.
 */
function compare(fn: () => unknown, base: () => unknown): { us: number; baselineUs: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(meanUs(fn, CASE_MS / ROUNDS));
    b.push(meanUs(base, CASE_MS / ROUNDS));
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
  return { us: median(a), baselineUs: median(b) };
}

const baseline = (body: Buffer) => () => Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));

/** The benchmark conversation, written by the client in OpenAI's API (and translated once into the others). */
function openAiRequest(): Buffer {
  const filler = 'The quarterly report covers revenue, costs, hiring and the roadmap for the next two quarters. ';
  return Buffer.from(
    JSON.stringify({
      model: 'bench-model',
      messages: [
        { role: 'system', content: `You are a careful analyst. ${filler}` },
        { role: 'user', content: `Summarise this. ${filler.repeat(6)}` },
        { role: 'assistant', content: 'I will look up the figures.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_figures', arguments: '{"quarter":"Q3","region":"EMEA"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: `{"revenue": 1200000, "costs": 800000, "notes": "${filler.trim()}"}` },
        { role: 'user', content: `Now compare with last year. ${filler.repeat(3)}` },
      ],
      tools: [{ type: 'function', function: { name: 'get_figures', description: 'Quarterly figures', parameters: { type: 'object', properties: { quarter: { type: 'string' }, region: { type: 'string' } }, required: ['quarter'] } } }],
      max_completion_tokens: 512,
      temperature: 0.3,
    }),
  );
}

function canonical(family: ApiFamily, body: Buffer) {
  const parsed = parseRequest(CLIENT_API[family], body, family === 'gemini' ? { pathModel: 'bench-model' } : {});
  if (!parsed.ok) throw new Error(`bench request does not parse as ${family}: ${parsed.error.message}`);
  return parsed.request;
}

function requestBodies(): Record<ApiFamily, Buffer> {
  const openai = openAiRequest();
  const request = canonical('openai', openai);
  return {
    openai,
    anthropic: translateRequest(request, 'anthropic', { model: 'bench-model' }).body,
    gemini: translateRequest(request, 'gemini', { model: 'bench-model' }).body,
  };
}

/** 50 events of the provider's stream: 47 or so word deltas, then finish, usage and the terminator. */
function providerStream(family: ApiFamily): Buffer[] {
  const words = Array.from({ length: 46 }, (_, i) => `word${i} `);
  const sse = (data: object, event?: string) => Buffer.from(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  switch (family) {
    case 'openai': {
      const chunk = (delta: object, finish: string | null = null) => ({ id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
      return [
        sse(chunk({ role: 'assistant', content: '' })),
        ...words.map((w) => sse(chunk({ content: w }))),
        sse(chunk({}, 'stop')),
        sse({ id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 500, completion_tokens: 46, total_tokens: 546 } }),
        Buffer.from('data: [DONE]\n\n'),
      ];
    }
    case 'anthropic':
      return [
        sse({ type: 'message_start', message: { id: 'msg_b', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 500, output_tokens: 1 } } }, 'message_start'),
        sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
        ...words.map((text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
        sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
        sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 46 } }, 'message_delta'),
        sse({ type: 'message_stop' }, 'message_stop'),
      ];
    case 'gemini':
      return [...words, ...words.slice(0, 4)].map((text, i, all) =>
        sse({
          candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(i === all.length - 1 ? { finishReason: 'STOP' } : {}), index: 0 }],
          usageMetadata: { promptTokenCount: 500, candidatesTokenCount: i + 1, totalTokenCount: 501 + i },
          modelVersion: 'm',
          responseId: 'r',
        }),
      );
  }
}

interface Row {
  readonly kind: string;
  readonly from: ApiFamily;
  readonly to: ApiFamily;
  readonly size: string;
  readonly us: number;
  readonly baselineUs: number;
}

function main(): void {
  const rows: Row[] = [];
  const bodies = requestBodies();
  for (const [from, to] of PAIRS) {
    const request = canonical(from, bodies[from]);
    rows.push({ kind: 'request', from, to, size: `${bodies[from].length} B`, ...compare(() => translateRequest(request, to, { model: 'bench-model' }), baseline(bodies[from])) });
  }
  for (const [from, to] of PAIRS) {
    const body = Buffer.from(JSON.stringify(PROVIDER_JSON[from]));
    const translate = () => {
      const t = createResponseTranslator({ from: CLIENT_API[from], to, mode: 'buffered', status: 200, model: 'client-model', includeUsage: false });
      t.push(body);
      return t.end();
    };
    rows.push({ kind: 'response', from, to, size: `${body.length} B`, ...compare(translate, baseline(body)) });
  }
  for (const [from, to] of PAIRS) {
    const chunks = providerStream(from);
    const datas = chunks.map((c) => c.toString('utf8').split('data: ')[1]?.trim() ?? '""');
    const translate = () => {
      const t = createResponseTranslator({ from: STREAM_API[from], to, mode: 'streamed', status: 200, model: 'client-model', includeUsage: true });
      for (const chunk of chunks) t.push(chunk);
      return t.end();
    };
    const plain = () => {
      for (const data of datas) JSON.stringify(data === '[DONE]' ? null : JSON.parse(data));
    };
    const perStream = compare(translate, plain);
    rows.push({ kind: 'stream/chunk', from, to, size: `${chunks.length} chunks`, us: perStream.us / chunks.length, baselineUs: perStream.baselineUs / chunks.length });
  }

  const out = process.stdout;
  out.write('== translation cost (this process; baseline = JSON.parse + JSON.stringify of the same bytes; medians of 5 alternating rounds) ==\n');
  out.write('request: from an already parsed request (the pipeline parses once) to the provider body bytes; response: bytes to bytes\n');
  out.write('kind          from       to         input        mean us  baseline us   ratio\n');
  for (const r of rows) {
    out.write(`${r.kind.padEnd(13)} ${r.from.padEnd(10)} ${r.to.padEnd(10)} ${r.size.padEnd(11)} ${r.us.toFixed(2).padStart(8)} ${r.baselineUs.toFixed(2).padStart(12)} ${(r.us / r.baselineUs).toFixed(2).padStart(6)}x\n`);
  }
  out.write('\n');
}

main();
