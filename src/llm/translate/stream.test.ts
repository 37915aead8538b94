import type { ApiFamily } from '../apis';
import { SseParser } from '../sse';
import { createResponseTranslator } from './index';
import { PROVIDER_STREAMS, API_OF, streamEssence, TRANSLATION_PAIRS as PAIRS } from './fixtures';


function translator(from: ApiFamily, to: ApiFamily, includeUsage = true) {
  return createResponseTranslator({ from: API_OF[from], to, mode: 'streamed', status: 200, model: 'client-model', includeUsage, now: () => 1700000000 });
}

/** Feeds `pieces` one by one (one output per input, as Envoy's STREAMED mode requires) and flushes. */
function run(from: ApiFamily, to: ApiFamily, pieces: readonly Buffer[], includeUsage = true): string {
  const t = translator(from, to, includeUsage);
  const out = pieces.map((piece) => t.push(piece));
  out.push(t.end());
  return Buffer.concat(out).toString('utf8');
}

/** Ids the translator invents when the provider sent none (Gemini tool calls) are random. */
const normalise = (text: string): string => text.replace(/\b(call|toolu)_[0-9a-f]{24}\b/g, '$1_X');

function events(text: string) {
  const parser = new SseParser();
  const parsed = parser.push(Buffer.from(text));
  expect(parser.end().truncated).toBe(false);
  return parsed.events;
}

describe.each(PAIRS)('stream %s -> %s', (from, to) => {
  const whole = Buffer.from(PROVIDER_STREAMS[from]);
  const expected = run(from, to, [whole]);

  it('keeps text, the tool call, the finish reason and the usage', () => {
    const provider = streamEssence(from, whole);
    const client = streamEssence(to, expected);
    expect(client.errors).toEqual([]);
    expect(client.text).toBe('Héllo 東京 🎨');
    expect(client.toolCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(client.finish).toBe('tool_calls');
    expect(client.usage).toEqual(provider.usage);
    expect(provider.usage).toEqual({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 });
  });

  it('gives the same bytes whatever the chunking: split at every byte, and one byte at a time', () => {
    const reference = normalise(expected);
    for (let cut = 1; cut < whole.length; cut++) {
      const split = run(from, to, [whole.subarray(0, cut), whole.subarray(cut)]);
      if (normalise(split) !== reference) throw new Error(`output differs when the provider stream is split at byte ${cut}`);
    }
    const bytes = [...whole].map((byte) => Buffer.from([byte]));
    expect(normalise(run(from, to, bytes))).toBe(reference);
  });

  it('reports a provider error event in the client stream and stops', () => {
    const errors: Record<ApiFamily, string> = {
      openai: 'data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n',
      anthropic: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"overloaded"}}\n\n',
      gemini: 'data: {"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}\r\n\r\n',
    };
    const firstEvent = PROVIDER_STREAMS[from].split(from === 'gemini' ? '\r\n\r\n' : '\n\n')[0] + (from === 'gemini' ? '\r\n\r\n' : '\n\n');
    const out = run(from, to, [Buffer.from(firstEvent + errors[from]), Buffer.from(PROVIDER_STREAMS[from])]);
    const client = streamEssence(to, out);
    expect(client.errors).toHaveLength(1);
    expect(out).toContain('overloaded');
  });

  it('ends the client stream with an error when the provider stream is cut inside an event', () => {
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const out = run(from, to, [cut]);
    expect(streamEssence(to, out).errors).toHaveLength(1);
  });
});

describe('client event sequences', () => {
  it('Anthropic: message_start, one block per part with indexes in order, message_delta, message_stop', () => {
    const out = run('openai', 'anthropic', [Buffer.from(PROVIDER_STREAMS.openai)]);
    const sequence = events(out).map((e) => {
      const data = JSON.parse(e.data) as { type: string; index?: number; content_block?: { type: string }; delta?: { type?: string } };
      expect(e.event).toBe(data.type);
      return [data.type, data.index, data.content_block?.type ?? data.delta?.type].filter((v) => v !== undefined).join(':');
    });
    expect(sequence).toEqual([
      'message_start',
      'content_block_start:0:text',
      'content_block_delta:0:text_delta',
      'content_block_delta:0:text_delta',
      'content_block_stop:0',
      'content_block_start:1:tool_use',
      'content_block_delta:1:input_json_delta',
      'content_block_delta:1:input_json_delta',
      'content_block_stop:1',
      'message_delta',
      'message_stop',
    ]);
    const start = JSON.parse(events(out)[0]?.data ?? '{}') as { message: { id: string; model: string } };
    expect(start.message).toMatchObject({ id: 'msg_chatcmpl-abc', model: 'client-model' });
    const delta = JSON.parse(events(out).at(-2)?.data ?? '{}') as object;
    expect(delta).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 5 } });
  });

  it.each([true, false])('OpenAI: role first, tool_calls deltas, one finish_reason, usage chunk only when asked (%s), [DONE]', (includeUsage) => {
    const out = run('anthropic', 'openai', [Buffer.from(PROVIDER_STREAMS.anthropic)], includeUsage);
    const list = events(out);
    expect(list.at(-1)?.data).toBe('[DONE]');
    const chunks = list.slice(0, -1).map((e) => JSON.parse(e.data) as { id: string; object: string; model: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown });
    for (const c of chunks) expect(c).toMatchObject({ id: 'chatcmpl-msg_1', object: 'chat.completion.chunk', model: 'client-model', created: 1700000000 });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const toolDeltas = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as unknown[] | undefined) ?? []);
    expect(toolDeltas[0]).toEqual({ index: 0, id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(toolDeltas.slice(1)).toEqual([{ index: 0, function: { arguments: '{"city":' } }, { index: 0, function: { arguments: '"Paris"}' } }]);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason !== null && c.choices.length > 0).map((c) => c.choices[0]?.finish_reason)).toEqual(['tool_calls']);
    const usageChunks = chunks.filter((c) => c.choices.length === 0);
    if (includeUsage) {
      expect(usageChunks).toHaveLength(1);
      expect(usageChunks[0]?.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 0 } });
      for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    } else {
      expect(usageChunks).toHaveLength(0);
      for (const c of chunks) expect('usage' in c).toBe(false);
    }
  });

  it('Gemini: text chunks, the function call whole, finishReason and usageMetadata last', () => {
    const out = run('anthropic', 'gemini', [Buffer.from(PROVIDER_STREAMS.anthropic)]);
    const chunks = events(out).map((e) => JSON.parse(e.data) as { candidates: Array<{ content: { parts: unknown[] }; finishReason?: string }>; usageMetadata?: unknown; modelVersion: string; responseId: string });
    for (const c of chunks) expect(c).toMatchObject({ modelVersion: 'client-model', responseId: 'msg_1' });
    expect(chunks.map((c) => c.candidates[0]?.content.parts)).toEqual([[{ text: 'Héllo ' }], [{ text: '東京 🎨' }], [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }]]);
    expect(chunks.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15, cachedContentTokenCount: 4 } });
    expect(chunks.slice(0, -1).every((c) => c.candidates[0]?.finishReason === undefined)).toBe(true);
  });

  it('finishes cleanly when an OpenAI-compatible server ends after the finish chunk without [DONE]', () => {
    const withoutDone = PROVIDER_STREAMS.openai.replace('data: [DONE]\n\n', '');
    const out = run('openai', 'anthropic', [Buffer.from(withoutDone)]);
    expect(streamEssence('anthropic', out)).toMatchObject({ errors: [], finish: 'tool_calls', text: 'Héllo 東京 🎨' });
  });

  it('returns nothing more once the client stream is complete', () => {
    const t = translator('openai', 'anthropic');
    t.push(Buffer.from(PROVIDER_STREAMS.openai));
    expect(t.push(Buffer.from(PROVIDER_STREAMS.openai)).length).toBe(0);
    expect(t.end().length).toBe(0);
  });
});
