import type { ApiFamily, ParseableApiId } from '../apis';
import type { JsonObject } from '../json';
import { parseRequest } from '../request/parse';
import { translateRequest, TranslationError, type TranslatedRequest } from './index';
import { TRANSLATION_PAIRS as PAIRS } from './fixtures';

const API: Record<ApiFamily, ParseableApiId> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.generate_content' };

function canonical(family: ApiFamily, body: JsonObject, stream = false) {
  const api: ParseableApiId = family === 'gemini' && stream ? 'gemini.stream_generate_content' : API[family];
  const parsed = parseRequest(api, Buffer.from(JSON.stringify(body)), family === 'gemini' ? { pathModel: 'client-model', pathStream: stream } : {});
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.message}`);
  return parsed.request;
}

function translate(from: ApiFamily, body: JsonObject, to: ApiFamily, options: { stream?: boolean; defaultMaxOutputTokens?: number } = {}): TranslatedRequest & { json: JsonObject } {
  const translated = translateRequest(canonical(from, body, options.stream), to, { model: 'M', ...(options.defaultMaxOutputTokens ? { defaultMaxOutputTokens: options.defaultMaxOutputTokens } : {}) });
  return { ...translated, json: JSON.parse(translated.body.toString('utf8')) as JsonObject };
}

const SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const PNG = 'iVBORw0KGgo=';

/**
 * One conversation (system prompt, an image, an assistant turn with text and a tool call, the tool's
 * result, a follow-up question, a forced tool, sampling limits) as each API writes it.
 */
const CONVERSATION: Record<ApiFamily, JsonObject> = {
  openai: {
    model: 'M',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
      { role: 'assistant', content: 'Checking the weather.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'user', content: 'And tomorrow?' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: SCHEMA } }],
    tool_choice: 'required',
    max_completion_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    stop: ['END'],
  },
  anthropic: {
    model: 'M',
    max_tokens: 100,
    system: 'Be brief.',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking the weather.' }, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' }, { type: 'text', text: 'And tomorrow?' }] },
    ],
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: SCHEMA }],
    tool_choice: { type: 'any' },
    temperature: 0.5,
    top_p: 0.9,
    stop_sequences: ['END'],
  },
  gemini: {
    contents: [
      { role: 'user', parts: [{ text: 'What is in this image?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
      { role: 'model', parts: [{ text: 'Checking the weather.' }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }, { text: 'And tomorrow?' }] },
    ],
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: SCHEMA }] }],
    toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    generationConfig: { maxOutputTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['END'] },
  },
};

/** Gemini as a source: calls carry the ids the other APIs use (Gemini omits them when it writes). */
const GEMINI_WITH_IDS: JsonObject = {
  ...CONVERSATION.gemini,
  contents: [
    { role: 'user', parts: [{ text: 'What is in this image?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
    { role: 'model', parts: [{ text: 'Checking the weather.' }, { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { id: 'call_1', name: 'get_weather', response: { output: 'sunny' } } }, { text: 'And tomorrow?' }] },
  ],
};
const SOURCE: Record<ApiFamily, JsonObject> = { openai: CONVERSATION.openai, anthropic: CONVERSATION.anthropic, gemini: GEMINI_WITH_IDS };


describe('translateRequest: one conversation in every direction', () => {
  it.each(PAIRS)('%s -> %s', (from, to) => {
    expect(translate(from, SOURCE[from], to).json).toEqual(CONVERSATION[to]);
  });

  it.each(PAIRS)('%s -> %s -> back is the original', (from, to) => {
    const there = translate(from, SOURCE[from], to).json;
    const back = translate(to, to === 'gemini' ? withGeminiIds(there) : there, from).json;
    expect(back).toEqual(from === 'gemini' ? CONVERSATION.gemini : SOURCE[from]);
  });

  it.each([
    ['openai', false, '/v1/chat/completions', 'openai.chat_completions'],
    ['anthropic', true, '/v1/messages', 'anthropic.messages'],
    ['gemini', false, '/v1beta/models/M:generateContent', 'gemini.generate_content'],
    ['gemini', true, '/v1beta/models/M:streamGenerateContent?alt=sse', 'gemini.stream_generate_content'],
  ] as const)('the %s endpoint (stream %s) is %s', (to, stream, path, providerApi) => {
    const from: ApiFamily = to === 'openai' ? 'anthropic' : 'openai';
    const body = { ...SOURCE[from], ...(stream ? { stream: true } : {}) };
    expect(translate(from, body, to, { stream })).toMatchObject({ path, providerApi });
  });
});

/** Gemini's reader pairs results with calls by name when ids are absent: equivalent to adding them. */
function withGeminiIds(body: JsonObject): JsonObject {
  return { ...body, contents: GEMINI_WITH_IDS.contents ?? [] };
}

const USER = (text: string) => ({ role: 'user', content: text });

describe('translateRequest: fields', () => {
  it.each<[string, ApiFamily, JsonObject, ApiFamily, JsonObject]>([
    ['stream asks OpenAI for usage', 'anthropic', { model: 'x', max_tokens: 5, stream: true, messages: [USER('hi')] }, 'openai', { stream: true, stream_options: { include_usage: true }, max_completion_tokens: 5 }],
    ['stream flag to Anthropic', 'openai', { model: 'x', stream: true, messages: [USER('hi')] }, 'anthropic', { stream: true, max_tokens: 4096 }],
    ['Anthropic temperature is capped at 1', 'openai', { model: 'x', temperature: 1.7, messages: [USER('hi')] }, 'anthropic', { temperature: 1 }],
    ['top_k to Gemini', 'anthropic', { model: 'x', max_tokens: 5, top_k: 40, messages: [USER('hi')] }, 'gemini', { generationConfig: { topK: 40, maxOutputTokens: 5 } }],
    ['topK to Anthropic', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { topK: 7 } }, 'anthropic', { top_k: 7 }],
    ['a single stop string', 'openai', { model: 'x', stop: 'STOP', messages: [USER('hi')] }, 'gemini', { generationConfig: { stopSequences: ['STOP'] } }],
    ['JSON mode to Gemini', 'openai', { model: 'x', response_format: { type: 'json_object' }, messages: [USER('hi')] }, 'gemini', { generationConfig: { responseMimeType: 'application/json' } }],
    [
      'a JSON schema to Gemini',
      'openai',
      { model: 'x', response_format: { type: 'json_schema', json_schema: { name: 'w', schema: SCHEMA } }, messages: [USER('hi')] },
      'gemini',
      { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: SCHEMA } },
    ],
    ['Gemini JSON mode to OpenAI', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { responseMimeType: 'application/json' } }, 'openai', { response_format: { type: 'json_object' } }],
    [
      'Gemini OpenAPI schemas become JSON Schema',
      'gemini',
      { contents: [{ parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } } }] }] },
      'openai',
      { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { n: { type: ['integer', 'null'] } } } } }] },
    ],
    ['a named tool to Anthropic', 'openai', { model: 'x', tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'f' } }, messages: [USER('hi')] }, 'anthropic', { tool_choice: { type: 'tool', name: 'f' }, tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }] }],
    ['no parallel calls to Anthropic', 'openai', { model: 'x', tools: [{ type: 'function', function: { name: 'f' } }], parallel_tool_calls: false, messages: [USER('hi')] }, 'anthropic', { tool_choice: { type: 'auto', disable_parallel_tool_use: true } }],
    ['a named tool to Gemini', 'anthropic', { model: 'x', max_tokens: 5, tools: [{ name: 'f', input_schema: SCHEMA }], tool_choice: { type: 'tool', name: 'f' }, messages: [USER('hi')] }, 'gemini', { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } } }],
    ['tool_choice none to OpenAI', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name: 'f' }] }], toolConfig: { functionCallingConfig: { mode: 'NONE' } } }, 'openai', { tool_choice: 'none' }],
    ['image URLs to Anthropic', 'openai', { model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }, 'anthropic', { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }] }],
    ['developer messages join the system prompt', 'openai', { model: 'x', messages: [{ role: 'system', content: 'A' }, { role: 'developer', content: 'B' }, USER('hi')] }, 'anthropic', { system: 'A\n\nB' }],
    ['Anthropic system blocks to Gemini', 'anthropic', { model: 'x', max_tokens: 5, system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }], messages: [USER('hi')] }, 'gemini', { systemInstruction: { parts: [{ text: 'A' }, { text: 'B' }] } }],
    ['thinking blocks stay behind', 'anthropic', { model: 'x', max_tokens: 5, messages: [USER('hi'), { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Yo' }] }, USER('again')] }, 'openai', { messages: [USER('hi'), { role: 'assistant', content: 'Yo' }, USER('again')] }],
    ['tool ids Anthropic would refuse are made safe on both sides', 'openai', {
      model: 'x',
      messages: [USER('hi'), { role: 'assistant', content: null, tool_calls: [{ id: 'call:1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'call:1', content: 'ok' }],
    }, 'anthropic', { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'ok' }] }] }],
    ['an assistant greeting first gets a user turn before it for Anthropic', 'openai', { model: 'x', messages: [{ role: 'system', content: 'S' }, { role: 'assistant', content: 'Hello!' }, USER('hi')] }, 'anthropic', {
      system: 'S',
      messages: [{ role: 'user', content: [{ type: 'text', text: '(conversation start)' }] }, { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    }],
    ['consecutive user turns are merged for Anthropic', 'gemini', { contents: [{ role: 'user', parts: [{ text: 'a' }] }, { role: 'user', parts: [{ text: 'b' }] }] }, 'anthropic', { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] }],
    ['a tool error result', 'anthropic', {
      model: 'x',
      max_tokens: 5,
      messages: [USER('hi'), { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true }] }],
    }, 'gemini', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { error: 'boom' } } }] }] }],
  ])('%s', (_name, from, body, to, expected) => {
    expect(translate(from, body, to, { stream: body.stream === true }).json).toMatchObject(expected);
  });

  it("writes the cap into the OpenAI provider's field: max_tokens for servers that read nothing else (Ollama)", () => {
    const body = { model: 'x', max_tokens: 5, messages: [USER('hi')] };
    const translated = translateRequest(canonical('anthropic', body), 'openai', { model: 'M', maxTokensField: 'max_tokens' });
    const json = JSON.parse(translated.body.toString('utf8')) as JsonObject;
    expect(json.max_tokens).toBe(5);
    expect(json.max_completion_tokens).toBeUndefined();
    expect(translate('anthropic', body, 'openai').json).toMatchObject({ max_completion_tokens: 5 });
  });

  it('uses the catalogue cap for Anthropic max_tokens when the client set none', () => {
    expect(translate('openai', { model: 'x', messages: [USER('hi')] }, 'anthropic', { defaultMaxOutputTokens: 321 }).json.max_tokens).toBe(321);
  });

  it('Gemini calls without ids get ids the results are paired with (by name, in order)', () => {
    const body: JsonObject = {
      contents: [
        { role: 'user', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }, { functionCall: { name: 'g', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'g', response: { output: 'G' } } }, { functionResponse: { name: 'f', response: { v: 1 } } }] },
      ],
    };
    const messages = translate('gemini', body, 'openai').json.messages as JsonObject[];
    const calls = (messages[1]?.tool_calls as JsonObject[]).map((c) => c.id);
    expect(calls).toEqual(['call_1_0', 'call_1_1']);
    expect(messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'call_1_1', content: 'G' },
      { role: 'tool', tool_call_id: 'call_1_0', content: '{"v":1}' },
    ]);
  });
});

describe('translateRequest: what the provider API cannot express is refused with the field at fault', () => {
  it.each<[string, ApiFamily, JsonObject, ApiFamily, string | undefined]>([
    ['several choices', 'openai', { model: 'x', n: 3, messages: [USER('hi')] }, 'anthropic', 'n'],
    ['audio input', 'openai', { model: 'x', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }, 'anthropic', 'messages[0].content[0].type'],
    ['a tool message without its call', 'openai', { model: 'x', messages: [USER('hi'), { role: 'tool', tool_call_id: 'nope', content: 'x' }] }, 'gemini', 'messages[1].tool_call_id'],
    ['arguments that are not a JSON object', 'openai', { model: 'x', messages: [USER('hi'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1' } }] }] }, 'anthropic', 'messages[1].tool_calls[0].function.arguments'],
    ['an Anthropic server tool', 'anthropic', { model: 'x', max_tokens: 5, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [USER('hi')] }, 'openai', 'tools[0]'],
    ['a tool_result without its tool_use', 'anthropic', { model: 'x', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'y' }] }] }, 'openai', 'messages[0].content[0].tool_use_id'],
    ['an image URL for Gemini', 'openai', { model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }, 'gemini', undefined],
    ['Gemini built-in tools', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], tools: [{ googleSearch: {} }] }, 'openai', 'tools[0]'],
    ['several Gemini candidates', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { candidateCount: 2 } }, 'anthropic', 'generationConfig.candidateCount'],
    ['audio output', 'openai', { model: 'x', modalities: ['text', 'audio'], messages: [USER('hi')] }, 'gemini', 'modalities'],
    ['OpenAI web search', 'openai', { model: 'x', web_search_options: {}, messages: [USER('hi')] }, 'anthropic', 'web_search_options'],
    ['Gemini cached content', 'gemini', { contents: [{ parts: [{ text: 'hi' }] }], cachedContent: 'cachedContents/abc' }, 'openai', 'cachedContent'],
    ['a video by URL', 'gemini', { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://example.com/v.mp4', mimeType: 'video/mp4' } }] }] }, 'anthropic', 'contents[0].parts[0].fileData.mimeType'],
    ['a functionResponse without its call', 'gemini', { contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }, 'openai', 'contents[0].parts[0].functionResponse.name'],
  ])('%s', (_name, from, body, to, param) => {
    let thrown: unknown;
    try {
      translate(from, body, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TranslationError);
    expect((thrown as TranslationError).param).toBe(param);
  });

  it('the Responses API is not translated', () => {
    const parsed = parseRequest('openai.responses', Buffer.from(JSON.stringify({ model: 'x', input: 'hi' })));
    if (!parsed.ok) throw new Error('fixture');
    expect(() => translateRequest(parsed.request, 'anthropic', { model: 'M' })).toThrow(TranslationError);
  });
});
