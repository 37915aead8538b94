import { GoogleGenAI } from '@google/genai';
import { formatSseEvent } from '../sse';
import { geminiFinishReason } from './gemini-generate';
import { decodeSseBody, parseResponse, rewriteResponse } from './index';
import type { StreamEvent } from './types';

const usageMetadata = { promptTokenCount: 80, candidatesTokenCount: 20, thoughtsTokenCount: 12, cachedContentTokenCount: 64, toolUsePromptTokenCount: 5, totalTokenCount: 117 };
const response = {
  candidates: [
    {
      index: 0,
      finishReason: 'STOP',
      content: { role: 'model', parts: [{ text: 'Planning...', thought: true }, { text: 'Here is the plan.' }, { functionCall: { id: 'fc1', name: 'calendar', args: { day: 'mon' } } }] },
    },
    { index: 1, finishReason: 'MAX_TOKENS', content: { role: 'model', parts: [{ text: 'Second candidate' }] } },
  ],
  usageMetadata,
  modelVersion: 'gemini-2.5-flash',
  responseId: 'r1',
};

describe('Gemini: JSON response', () => {
  const parsed = parseResponse('gemini.generate_content', Buffer.from(JSON.stringify(response)));
  if (!parsed.ok) throw new Error(parsed.message);

  it('reads texts, function calls, finish and usage (thoughts counted as output)', () => {
    expect(parsed.response).toMatchObject({
      model: 'gemini-2.5-flash',
      finishReason: 'tool_calls',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 85, outputTokens: 32, cachedInputTokens: 64, reasoningTokens: 12, totalTokens: 117 },
    });
    expect(parsed.response.texts.map((t) => [t.index, t.kind, t.text, t.pointer.join('.')])).toEqual([
      [0, 'reasoning', 'Planning...', 'candidates.0.content.parts.0.text'],
      [0, 'text', 'Here is the plan.', 'candidates.0.content.parts.1.text'],
      [1, 'text', 'Second candidate', 'candidates.1.content.parts.0.text'],
    ]);
    expect(parsed.response.toolCalls).toEqual([{ index: 0, choice: 0, id: 'fc1', name: 'calendar', arguments: '{"day":"mon"}', pointer: ['candidates', 0, 'content', 'parts', 2, 'functionCall', 'args'], encoding: 'json' }]);
  });

  it('rewrites function args as an object', () => {
    const body = JSON.parse(rewriteResponse(parsed.response, { toolCalls: new Map([[0, '{"day":"[DAY]"}']]) }).toString());
    expect(body.candidates[0].content.parts[2].functionCall.args).toEqual({ day: '[DAY]' });
  });

  it('a blocked prompt is a content filter finish', () => {
    const blocked = parseResponse('gemini.generate_content', Buffer.from(JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } })));
    expect(blocked.ok && blocked.response).toMatchObject({ finishReason: 'content_filter', rawFinishReason: 'SAFETY', usage: { inputTokens: 3, outputTokens: 0 } });
  });

  it.each<[string, boolean, string]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'other'],
    ['FINISH_REASON_UNSPECIFIED', false, 'other'],
  ])('%s (called tool: %s) -> %s', (raw, calledTool, reason) => {
    expect(geminiFinishReason(raw, calledTool)).toBe(reason);
  });
});

/** Google separates events with CRLF. */
const chunks = [
  { candidates: [{ content: { role: 'model', parts: [{ text: 'Here ' }] }, index: 0 }], usageMetadata: { promptTokenCount: 80, totalTokenCount: 80 }, modelVersion: 'gemini-2.5-flash' },
  { candidates: [{ content: { role: 'model', parts: [{ text: 'it is.' }] }, index: 0 }], modelVersion: 'gemini-2.5-flash' },
  { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'calendar', args: { day: 'mon' } } }] }, finishReason: 'STOP', index: 0 }], usageMetadata, modelVersion: 'gemini-2.5-flash' },
];
const streamText = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');

describe('Gemini: stream', () => {
  it('yields canonical events; the end of the stream after a finish is done', () => {
    expect(decodeSseBody('gemini.stream_generate_content', Buffer.from(streamText))).toEqual<StreamEvent[]>([
      { type: 'text_delta', index: 0, text: 'Here ', pointer: ['candidates', 0, 'content', 'parts', 0, 'text'] },
      { type: 'usage', usage: { inputTokens: 80, outputTokens: 0, totalTokens: 80 } },
      { type: 'text_delta', index: 0, text: 'it is.', pointer: ['candidates', 0, 'content', 'parts', 0, 'text'] },
      { type: 'tool_call_delta', index: 0, choice: 0, name: 'calendar', argumentsDelta: '{"day":"mon"}', pointer: ['candidates', 0, 'content', 'parts', 0, 'functionCall', 'args'], encoding: 'json' },
      { type: 'finish', index: 0, reason: 'tool_calls', raw: 'STOP' },
      { type: 'usage', usage: { inputTokens: 85, outputTokens: 32, cachedInputTokens: 64, reasoningTokens: 12, totalTokens: 117 } },
      { type: 'done' },
    ]);
  });

  it('reports error chunks and streams that stop before a finish reason', () => {
    expect(decodeSseBody('gemini.stream_generate_content', Buffer.from('data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n'))).toEqual([
      { type: 'error', message: 'The model is overloaded.', code: 'UNAVAILABLE', status: 503 },
    ]);
    expect(decodeSseBody('gemini.stream_generate_content', Buffer.from(streamText.split('\r\n\r\n')[0] + '\r\n\r\n')).pop()).toEqual({ type: 'error', message: 'the stream ended before a finishReason', code: 'stream_truncated' });
  });

  it('the genai SDK reads our re-encoded events', async () => {
    const reencoded = chunks.map((c) => formatSseEvent({ data: JSON.stringify(c) })).join('');
    const sdk = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://gateway', retryOptions: { attempts: 1 }, fetch: async () => new Response(reencoded, { status: 200, headers: { 'content-type': 'text/event-stream' } }) } });
    let text = '';
    let calls = 0;
    for await (const part of await sdk.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' })) {
      for (const p of part.candidates?.[0]?.content?.parts ?? []) {
        text += p.text ?? '';
        if (p.functionCall) calls += 1;
      }
    }
    expect(text).toBe('Here it is.');
    expect(calls).toBe(1);
  });
});
