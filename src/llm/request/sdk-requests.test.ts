/**
 * Bodies exactly as the official SDKs send them (captured through their `fetch` option, nothing
 * leaves the process), run through matchApi + parseRequest.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, Type } from '@google/genai';
import OpenAI from 'openai';
import { isParseableApi, matchApi } from '../apis';
import type { CanonicalRequest } from '../canonical';
import { parseRequest } from './parse';

interface Captured {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly headers: Map<string, string>;
  readonly body: Buffer;
}

/** A fetch that records the request and answers 500 (the SDK call then fails; we only want the request). */
function recorder(): { fetch: typeof fetch; calls: Captured[] } {
  const calls: Captured[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url);
    const headers = new Map<string, string>();
    new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
    const body = typeof init?.body === 'string' ? Buffer.from(init.body) : Buffer.alloc(0);
    calls.push({ method: init?.method ?? 'GET', pathWithQuery: url.pathname + url.search, headers, body });
    return new Response('{"error":{"message":"recorded"}}', { status: 500, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fake, calls };
}

async function captureOne(run: (fetchImpl: typeof fetch) => Promise<unknown>): Promise<Captured> {
  const { fetch: fetchImpl, calls } = recorder();
  await run(fetchImpl).catch(() => undefined);
  const call = calls[0];
  if (!call) throw new Error('the SDK sent nothing');
  return call;
}

function gatewayView(call: Captured): CanonicalRequest {
  const match = matchApi(call.method, call.pathWithQuery, call.headers);
  if (match.kind !== 'matched' || !isParseableApi(match.api)) throw new Error(`not matched: ${JSON.stringify(match)}`);
  const result = parseRequest(match.api, call.body, { ...(match.model === undefined ? {} : { pathModel: match.model }), ...(match.stream === undefined ? {} : { pathStream: match.stream }) });
  if (!result.ok) throw new Error(`not parsed: ${JSON.stringify(result.error)}`);
  return result.request;
}

const openai = (fetchImpl: typeof fetch) => new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway/v1', maxRetries: 0, fetch: fetchImpl });
const anthropic = (fetchImpl: typeof fetch) => new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway', maxRetries: 0, fetch: fetchImpl });
const genai = (fetchImpl: typeof fetch) => new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: 'http://gateway', fetch: fetchImpl, retryOptions: { attempts: 1 } } });

describe('requests as the SDKs send them', () => {
  it('openai chat.completions.create (streaming, tools)', async () => {
    const call = await captureOne((f) =>
      openai(f).chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'result' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      }),
    );
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'openai.chat_completions', model: 'gpt-4o-mini', stream: true, includeUsage: true, tools: [{ name: 'f', kind: 'function' }] });
    expect(view.segments.map((s) => [s.channel, s.text])).toEqual([['system', 'sys'], ['user', 'hi'], ['tool_call_arguments', '{"a":1}'], ['tool_result', 'result']]);
    expect(view.media).toHaveLength(1);
  });

  it('openai responses.create', async () => {
    const call = await captureOne((f) =>
      openai(f).responses.create({
        model: 'gpt-4.1',
        instructions: 'be brief',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'q' }] },
          { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c', output: 'out' },
        ],
        max_output_tokens: 100,
      }),
    );
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'openai.responses', model: 'gpt-4.1', maxOutputTokens: 100 });
    expect(view.segments.map((s) => [s.channel, s.text])).toEqual([['system', 'be brief'], ['user', 'q'], ['tool_call_arguments', '{}'], ['tool_result', 'out']]);
  });

  it('openai embeddings.create', async () => {
    const call = await captureOne((f) => openai(f).embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }));
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'openai.embeddings', model: 'text-embedding-3-small' });
    expect(view.segments.map((s) => s.text)).toEqual(['a', 'b']);
  });

  it('anthropic messages.create with tool use', async () => {
    const call = await captureOne((f) =>
      anthropic(f).messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 256,
        system: 'sys',
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Oslo' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'cold' }] }] },
        ],
        tools: [{ name: 'weather', input_schema: { type: 'object' } }],
        stream: true,
      }),
    );
    expect(call.headers.has('anthropic-version')).toBe(true);
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'anthropic.messages', family: 'anthropic', stream: true, maxOutputTokens: 256 });
    expect(view.segments.map((s) => [s.channel, s.text])).toEqual([['system', 'sys'], ['user', 'weather?'], ['tool_call_arguments', '{"city":"Oslo"}'], ['tool_result', 'cold']]);
  });

  it('google genai generateContentStream (always alt=sse)', async () => {
    const call = await captureOne((f) =>
      genai(f).models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: [
          { role: 'user', parts: [{ text: 'plan' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw==' } }] },
          { role: 'model', parts: [{ functionCall: { name: 'cal', args: { d: 1 } } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'cal', response: { ok: true } } }] },
        ],
        config: {
          systemInstruction: 'sys',
          maxOutputTokens: 64,
          candidateCount: 1,
          temperature: 0.5,
          responseMimeType: 'application/json',
          tools: [{ functionDeclarations: [{ name: 'cal', parameters: { type: Type.OBJECT } }] }],
        },
      }),
    );
    expect(call.pathWithQuery).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'gemini.stream_generate_content', model: 'gemini-2.5-flash', stream: true, maxOutputTokens: 64, n: 1, temperature: 0.5, responseFormat: { type: 'json_object' }, tools: [{ name: 'cal', kind: 'function' }] });
    expect(view.segments.map((s) => [s.channel, s.text])).toEqual([['system', 'sys'], ['user', 'plan'], ['tool_call_arguments', '{"d":1}'], ['tool_result', '{"ok":true}']]);
    expect(view.media.map((m) => m.modality)).toEqual(['image']);
  });

  it('google genai generateContent', async () => {
    const call = await captureOne((f) => genai(f).models.generateContent({ model: 'gemini-2.5-pro', contents: 'hello' }));
    const view = gatewayView(call);
    expect(view).toMatchObject({ api: 'gemini.generate_content', model: 'gemini-2.5-pro', stream: false });
    expect(view.segments.map((s) => s.text)).toEqual(['hello']);
  });
});
