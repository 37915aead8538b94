/**
 * The mock providers check requests the way the real APIs do and answer 400 in their own error shape,
 * so a translation that only satisfies our own reading of a request fails in the end-to-end tests.
 * Valid multi-turn tool conversations pass, and after a tool result the mocks answer in text.
 */
import { startMockProviders, type Flavor, type JsonObject, type MockProviders } from '../support/providers';
import { at, bodyJson, rawRequest, sseJson } from './helpers';

let mocks: MockProviders;
beforeAll(async () => {
  mocks = await startMockProviders();
});
afterAll(() => mocks.close());

const PATH: Record<Flavor, string> = { openai: '/v1/chat/completions', anthropic: '/v1/messages', gemini: '/v1beta/models/gemini-2.0-flash:generateContent' };
const HEADERS: Record<Flavor, Record<string, string>> = { openai: {}, anthropic: { 'anthropic-version': '2023-06-01' }, gemini: {} };
const send = (flavor: Flavor, body: JsonObject, path = PATH[flavor]) => rawRequest(mocks[flavor].url, path, { body, headers: HEADERS[flavor] });

const user = (content: string) => ({ role: 'user', content });
const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } };
const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} };

const INVALID: Array<[Flavor, string, JsonObject, string]> = [
  ['openai', 'an unknown field', { model: 'm', messages: [user('hi')], max_output_tokens: 5 }, 'Unrecognized request argument supplied: max_output_tokens'],
  ['openai', 'a role it does not know', { model: 'm', messages: [{ role: 'model', content: 'hi' }] }, 'messages[0].role'],
  ['openai', 'arguments as an object', { model: 'm', messages: [user('hi'), { role: 'assistant', tool_calls: [{ ...call, function: { name: 'f', arguments: {} } }] }, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] }, 'function.arguments'],
  ['openai', 'a tool message answering no call', { model: 'm', messages: [user('hi'), { role: 'tool', tool_call_id: 'call_9', content: 'x' }] }, "messages with role 'tool' must be a response"],
  ['openai', 'a tool message with another id', { model: 'm', messages: [user('hi'), { role: 'assistant', tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_2', content: 'x' }] }, "messages with role 'tool' must be a response"],
  ['openai', 'tool calls left unanswered', { model: 'm', messages: [user('hi'), { role: 'assistant', tool_calls: [call] }, user('and?')] }, 'did not have response messages: call_1'],
  ['openai', 'an assistant message with nothing', { model: 'm', messages: [user('hi'), { role: 'assistant' }] }, "'content'"],
  ['openai', 'stream_options without stream', { model: 'm', messages: [user('hi')], stream_options: { include_usage: true } }, 'stream_options'],
  ['openai', 'a temperature above 2', { model: 'm', messages: [user('hi')], temperature: 3 }, 'temperature'],
  ['openai', 'an invalid tool name', { model: 'm', messages: [user('hi')], tools: [{ type: 'function', function: { name: 'get weather' } }] }, "Invalid 'name'"],
  ['openai', 'an image that is not a URL', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'iVBORw0KGgo=' } }] }] }, 'image_url.url'],
  ['anthropic', 'no max_tokens', { model: 'm', messages: [user('hi')] }, 'max_tokens: Field required'],
  ['anthropic', 'a system role message', { model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }, user('hi')] }, 'messages.0.role'],
  ['anthropic', 'an assistant turn first', { model: 'm', max_tokens: 5, messages: [{ role: 'assistant', content: 'Hello!' }, user('hi')] }, 'first message must use the "user" role'],
  ['anthropic', 'turns that do not alternate', { model: 'm', max_tokens: 5, messages: [user('a'), user('b')] }, 'roles must alternate'],
  ['anthropic', 'an empty text block', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'text content blocks must be non-empty'],
  ['anthropic', 'a tool_result for an unknown tool_use', { model: 'm', max_tokens: 5, messages: [user('hi'), { role: 'assistant', content: [toolUse] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'x' }] }] }, 'unexpected `tool_use_id`'],
  ['anthropic', 'a tool_use without its result', { model: 'm', max_tokens: 5, messages: [user('hi'), { role: 'assistant', content: [toolUse] }, user('and?')] }, 'without `tool_result` blocks immediately after'],
  ['anthropic', 'a tool_result after text', { model: 'm', max_tokens: 5, messages: [user('hi'), { role: 'assistant', content: [toolUse] }, { role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] }] }, 'must come first'],
  ['anthropic', 'a tool id with a colon', { model: 'm', max_tokens: 5, messages: [user('hi'), { role: 'assistant', content: [{ ...toolUse, id: 'call:1' }] }] }, 'content.0.id'],
  ['anthropic', 'a data URL as base64 data', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'data:image/png;base64,AAAA' } }] }] }, 'source.data'],
  ['anthropic', 'a temperature above 1', { model: 'm', max_tokens: 5, temperature: 1.5, messages: [user('hi')] }, 'temperature'],
  ['anthropic', 'an OpenAI field', { model: 'm', max_tokens: 5, messages: [user('hi')], response_format: { type: 'json_object' } }, 'Extra inputs are not permitted'],
  ['anthropic', 'a tool without input_schema', { model: 'm', max_tokens: 5, messages: [user('hi')], tools: [{ name: 'f' }] }, 'input_schema'],
  ['gemini', 'an unknown field', { contents: [{ parts: [{ text: 'hi' }] }], messages: [] }, 'Unknown name "messages"'],
  ['gemini', 'an assistant role', { contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] }, 'valid role'],
  ['gemini', 'a part with no data', { contents: [{ role: 'user', parts: [{}] }] }, "oneof field 'data'"],
  ['gemini', 'empty parts', { contents: [{ role: 'user', parts: [] }] }, 'parts must not be empty'],
  ['gemini', 'a functionCall in a user turn', { contents: [{ role: 'user', parts: [{ functionCall: { name: 'f', args: {} } }] }] }, 'only allowed in model turns'],
  ['gemini', 'a functionResponse with another name', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'g', response: {} } }] }] }, 'number of function response parts'],
  ['gemini', 'a function call left unanswered', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ text: 'and?' }] }] }, 'number of function response parts'],
  ['gemini', 'a functionResponse that is not an object', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: 'x' } }] }] }, 'functionResponse.response'],
  ['gemini', 'an unknown generation field', { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { max_tokens: 5 } }, 'Unknown name "max_tokens"'],
  ['gemini', 'both schema forms', { contents: [{ parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT' }, parametersJsonSchema: { type: 'object' } }] }] }, 'cannot both be set'],
];

describe.each(INVALID)('%s refuses %s', (flavor, _name, body, message) => {
  it('with 400 in its own error shape', async () => {
    const res = await send(flavor, body);
    expect(res.status).toBe(400);
    const json = bodyJson(res);
    const text = at(json, 'error', 'message');
    expect(String(text)).toContain(message);
    if (flavor === 'anthropic') expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    if (flavor === 'openai') expect(json).toMatchObject({ error: { type: 'invalid_request_error' } });
    if (flavor === 'gemini') expect(json).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });
});

describe('valid tool conversations pass, and the model answers a tool result in text', () => {
  it.each<[Flavor, JsonObject]>([
    ['openai', { model: 'm', tools: [tool], messages: [{ role: 'system', content: 's' }, user('use f'), { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: 'done' }] }],
    ['anthropic', { model: 'm', max_tokens: 50, system: 's', tools: [{ name: 'f', input_schema: { type: 'object' } }], messages: [user('use f'), { role: 'assistant', content: [{ type: 'text', text: 'ok' }, toolUse] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }, { type: 'text', text: 'thanks' }] }] }],
    ['gemini', { tools: [{ functionDeclarations: [{ name: 'f' }] }], contents: [{ role: 'user', parts: [{ text: 'use f' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'done' } } }] }] }],
  ])('%s', async (flavor, body) => {
    const res = await send(flavor, body);
    expect(res.status).toBe(200);
    const json = bodyJson(res);
    const finish = flavor === 'openai' ? at(json, 'choices', 0, 'finish_reason') : flavor === 'anthropic' ? at(json, 'stop_reason') : at(json, 'candidates', 0, 'finishReason');
    expect(finish).toBe(flavor === 'openai' ? 'stop' : flavor === 'anthropic' ? 'end_turn' : 'STOP');
  });
});

describe('tool calls on request, streamed', () => {
  it('openai streams tool_calls deltas with index, id and name first', async () => {
    const res = await rawRequest(mocks.openai.url, PATH.openai, { body: { model: 'm', stream: true, tools: [tool], messages: [user('call f please')] } });
    const chunks = sseJson(res);
    expect(at(chunks[0]?.json, 'choices', 0, 'delta', 'tool_calls', 0)).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/) as unknown as string, type: 'function', function: { name: 'f' } });
    expect(chunks.map((c) => at(c.json, 'choices', 0, 'finish_reason')).filter((f) => f !== null)).toEqual(['tool_calls']);
  });

  it('gemini streams a whole functionCall part', async () => {
    const res = await rawRequest(mocks.gemini.url, '/v1beta/models/g:streamGenerateContent?alt=sse', { body: { tools: [{ functionDeclarations: [{ name: 'f' }] }], contents: [{ role: 'user', parts: [{ text: 'call f' }] }] } });
    const chunks = sseJson(res);
    expect(at(chunks.at(-1)?.json, 'candidates', 0, 'content', 'parts', 0, 'functionCall', 'name')).toBe('f');
  });
});
