import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { RewriteError } from '../request/rewrite';
import { SseParser } from '../sse';
import { createStreamDecoder, decodeSseBody, parseResponse, rewriteResponse, rewriteSseEvent } from './index';

describe('parseResponse', () => {
  it('reads embeddings usage only', () => {
    const body: CreateEmbeddingResponse = { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens: 8, total_tokens: 8 } };
    const parsed = parseResponse('openai.embeddings', Buffer.from(JSON.stringify(body)));
    expect(parsed.ok && parsed.response).toMatchObject({ model: 'text-embedding-3-small', texts: [], toolCalls: [], usage: { inputTokens: 8, outputTokens: 0, totalTokens: 8 } });
  });

  it.each([
    ['', 'the response body is not valid JSON: the body is empty'],
    ['<html>502</html>', 'the response body is not valid JSON: expected a value at line 1, column 1 (position 0)'],
    ['[1]', 'the response body is not a JSON object'],
  ])('fails on %j', (text, message) => {
    expect(parseResponse('openai.chat_completions', Buffer.from(text))).toEqual({ ok: false, message });
  });

  it('tolerates missing fields', () => {
    const parsed = parseResponse('anthropic.messages', Buffer.from('{"content":[{"type":"server_tool_use","id":"x","name":"web_search","input":{}}]}'));
    expect(parsed.ok && parsed.response).toMatchObject({ texts: [], toolCalls: [] });
    expect(parsed.ok && parsed.response.usage).toBeUndefined();
    expect(parsed.ok && parsed.response.finishReason).toBeUndefined();
  });
});

describe('rewriteResponse', () => {
  const parsed = parseResponse('openai.chat_completions', Buffer.from('{"choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}]}'));
  if (!parsed.ok) throw new Error('parse failed');
  it('rejects positions that do not exist', () => {
    expect(() => rewriteResponse(parsed.response, { texts: new Map([[3, 'x']]) })).toThrow(RewriteError);
    expect(() => rewriteResponse(parsed.response, { toolCalls: new Map([[0, '{}']]) })).toThrow(RewriteError);
  });
});

describe('streams', () => {
  it('turns an SSE framing failure into an error event', () => {
    const events = decodeSseBody('openai.chat_completions', Buffer.from(`data: ${'x'.repeat(100)}\n\n`), { maxEventBytes: 50 });
    expect(events).toEqual([{ type: 'error', message: 'an SSE event exceeds 50 bytes', code: 'event_too_large' }]);
  });

  it('rewriteSseEvent keeps the event name and id, and changes only the pointed text', () => {
    const text = 'event: content_block_delta\nid: 9\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"call 555-0100"}}\n\n';
    const [event] = new SseParser().push(Buffer.from(text)).events;
    if (!event) throw new Error('no event');
    const decoded = createStreamDecoder('anthropic.messages').decode(event);
    const delta = decoded.events[0];
    if (delta?.type !== 'text_delta' || typeof decoded.data !== 'object' || decoded.data === null || Array.isArray(decoded.data)) throw new Error('unexpected decode');
    expect(rewriteSseEvent(event, decoded.data, [{ pointer: delta.pointer, text: 'call [PHONE_1]' }])).toBe(
      'event: content_block_delta\nid: 9\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"call [PHONE_1]"}}\n\n',
    );
    expect(rewriteSseEvent(event, decoded.data, [])).toBe(text);
  });

  it('rewriteSseEvent writes JSON-encoded arguments as objects (Gemini functionCall.args)', () => {
    const data = { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { q: 'secret' } } }] } }] };
    const out = rewriteSseEvent({ data: JSON.stringify(data) }, data, [{ pointer: ['candidates', 0, 'content', 'parts', 0, 'functionCall', 'args'], text: '{"q":"[X]"}', encoding: 'json' }]);
    expect(out).toBe('data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"q":"[X]"}}}]}}]}\n\n');
  });
});
