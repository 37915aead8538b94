import type { CachedCompletion, CacheableApi } from './entry';
import { CompletionRecorder } from './recorder';
import { chunkText, replay } from './replay';

const text = 'You can reset your password from the sign-in page: choose "Forgot password", follow the link we email you, and pick a new one. 🔐 The link is valid for one hour.';
const finishOf: Record<CacheableApi, string> = { 'openai.chat_completions': 'stop', 'anthropic.messages': 'end_turn', 'gemini.generate_content': 'STOP', 'gemini.stream_generate_content': 'STOP' };
const completion = (api: CacheableApi): CachedCompletion => ({ v: 1, api, model: 'model-x', text, finish: finishOf[api], usage: { inputTokens: 12, outputTokens: 34 }, storedAt: 1 });

/** Feeds a body to a recorder in small chunks, as Envoy's STREAMED mode would. */
function record(api: CacheableApi, mode: 'buffered' | 'streamed', body: Buffer, chunk = 7) {
  const recorder = new CompletionRecorder(api, mode, 'fallback', 1 << 20, () => 5);
  if (mode === 'buffered') recorder.push(body);
  else for (let i = 0; i < body.length; i += chunk) expect(recorder.push(body.subarray(i, i + chunk))).toEqual(body.subarray(i, i + chunk));
  recorder.end();
  return recorder.result();
}

describe('replay and recording are inverse', () => {
  const apis: CacheableApi[] = ['openai.chat_completions', 'anthropic.messages', 'gemini.generate_content', 'gemini.stream_generate_content'];
  it.each(apis.flatMap((api) => [[api, false], [api, true]] as const))('%s stream=%s', (api, stream) => {
    const replayed = replay(completion(api), { stream, includeUsage: true });
    expect(replayed.contentType.startsWith(stream ? 'text/event-stream' : 'application/json')).toBe(true);
    const result = record(api, stream ? 'streamed' : 'buffered', replayed.body);
    expect(result).toMatchObject({ ok: true, completion: { ...completion(api), storedAt: 5 } });
  });

  it('OpenAI streams carry usage only when asked, and end with [DONE]', () => {
    const withoutUsage = replay(completion('openai.chat_completions'), { stream: true, includeUsage: false }).body.toString();
    expect(withoutUsage).not.toContain('usage');
    expect(withoutUsage.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('Anthropic streams go from message_start to message_stop', () => {
    const events = [...replay(completion('anthropic.messages'), { stream: true, includeUsage: false }).body.toString().matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
  });

  it('chunks text at spaces without splitting characters', () => {
    const chunks = chunkText(text.repeat(3));
    expect(chunks.join('')).toBe(text.repeat(3));
    expect(chunks.length).toBeGreaterThan(1);
  });
});

describe('what the recorder refuses', () => {
  const sse = (events: object[]) => Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''));
  const chunk = (choice: object) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [choice] });

  it.each([
    ['a stream without its terminator', Buffer.concat([sse([chunk({ index: 0, delta: { content: 'hi' }, finish_reason: null })])]), 'partial_stream'],
    ['a stream cut inside an event', Buffer.from('data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"}'), 'partial_stream'],
    ['tool calls', Buffer.concat([sse([chunk({ index: 0, delta: { tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: null }), chunk({ index: 0, delta: {}, finish_reason: 'tool_calls' })]), Buffer.from('data: [DONE]\n\n')]), 'tool_calls'],
    ['a truncated answer', Buffer.concat([sse([chunk({ index: 0, delta: { content: 'hi' }, finish_reason: null }), chunk({ index: 0, delta: {}, finish_reason: 'length' })]), Buffer.from('data: [DONE]\n\n')]), 'finish'],
    ['a second choice', Buffer.concat([sse([chunk({ index: 1, delta: { content: 'hi' }, finish_reason: null })]), Buffer.from('data: [DONE]\n\n')]), 'choices'],
    ['an error event', Buffer.concat([sse([chunk({ index: 0, delta: { content: 'hi' }, finish_reason: null }), { error: { message: 'overloaded', type: 'server_error' } }])]), 'stream_error'],
  ])('%s', (_name, body, reason) => {
    expect(record('openai.chat_completions', 'streamed', body)).toEqual({ ok: false, reason });
  });

  it('an answer over the size bound', () => {
    const recorder = new CompletionRecorder('openai.chat_completions', 'buffered', 'm', 100);
    const body = replay(completion('openai.chat_completions'), { stream: false, includeUsage: false }).body;
    recorder.push(body);
    recorder.end();
    expect(recorder.result()).toEqual({ ok: false, reason: 'too_large' });
  });

  it('a body that is not the API\'s JSON', () => {
    expect(record('anthropic.messages', 'buffered', Buffer.from('{"nope":true}'))).toEqual({ ok: false, reason: 'no_finish' });
    expect(record('anthropic.messages', 'buffered', Buffer.from('not json'))).toEqual({ ok: false, reason: 'unreadable' });
  });
});
