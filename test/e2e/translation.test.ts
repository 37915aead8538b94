/**
 * Translation end to end: each official SDK calls a model served by a provider of another API (the
 * mock providers check requests the way the real APIs do), streamed and not, with a tool call and
 * the tool's result sent back. The SDKs' own helpers (`finalChatCompletion()`, `finalMessage()`, the
 * genai response getters) must accept what comes back and return the shapes the real providers give.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, type Content } from '@google/genai';
import { TRANSLATION_PAIRS } from '../../src/llm/translate/fixtures';
import type { Flavor } from '../support/providers';
import { PROVIDER_KEYS, TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

/** One model per provider, named by who serves it; every client calls the two of the other APIs. */
const MODELS: Record<Flavor, { name: string; upstream: string }> = {
  openai: { name: 'served-by-openai', upstream: 'gpt-4o-mini' },
  anthropic: { name: 'served-by-anthropic', upstream: 'claude-3-5-haiku-20241022' },
  gemini: { name: 'served-by-gemini', upstream: 'gemini-2.0-flash' },
};
const CREDENTIAL: Record<Flavor, [string, string]> = {
  openai: ['authorization', `Bearer ${PROVIDER_KEYS.openai}`],
  anthropic: ['x-api-key', PROVIDER_KEYS.anthropic],
  gemini: ['x-goog-api-key', PROVIDER_KEYS.gemini],
};
const UPSTREAM_PATH: Record<Flavor, (stream: boolean) => string> = {
  openai: () => '/v1/chat/completions',
  anthropic: () => '/v1/messages',
  gemini: (stream) => `/v1beta/models/gemini-2.0-flash:${stream ? 'streamGenerateContent' : 'generateContent'}`,
};

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    models: Object.fromEntries(
      (Object.keys(MODELS) as Flavor[]).map((flavor) => [MODELS[flavor].name, { provider: flavor, upstreamModel: MODELS[flavor].upstream, maxOutputTokens: 1024, pricing: { input: 1, output: 2 } }]),
    ),
  });
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  for (const flavor of ['openai', 'anthropic', 'gemini'] as const) gateway.mocks[flavor].clearRequests();
  gateway.edge.clearRecords();
});

const QUESTION = 'Use get_weather for Paris';
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** What every client's answer is reduced to, so one table checks all of them. */
interface Answer {
  readonly text: string;
  readonly toolCalls: ReadonlyArray<{ id?: string; name: string; args: Record<string, unknown> }>;
  /** Normalised: stop, tool, length. */
  readonly finish: string;
  readonly usage: { input: number; output: number } | undefined;
  readonly model: string | undefined;
}

interface Client {
  ask(model: string, stream: boolean, withTools: boolean): Promise<Answer>;
  /** Sends the first answer's tool call back with its result and returns the model's next answer. */
  answerTool(model: string, stream: boolean, first: Answer): Promise<Answer>;
}

const openaiClient = (): Client => {
  const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: WEATHER_SCHEMA } }];
  const run = async (model: string, stream: boolean, messages: OpenAI.ChatCompletionMessageParam[], withTools: boolean): Promise<Answer> => {
    const params = { model, messages, ...(withTools ? { tools } : {}) };
    const completion = stream
      ? await client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion()
      : await client.chat.completions.create(params);
    const choice = completion.choices[0];
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    return {
      text: choice?.message.content ?? '',
      toolCalls: (choice?.message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [{ id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) as Record<string, unknown> }] : [])),
      finish: choice?.finish_reason === 'tool_calls' ? 'tool' : (choice?.finish_reason ?? ''),
      usage: completion.usage ? { input: completion.usage.prompt_tokens, output: completion.usage.completion_tokens } : undefined,
      model: completion.model,
    };
  };
  return {
    ask: (model, stream, withTools) => run(model, stream, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: QUESTION }], withTools),
    answerTool: (model, stream, first) => {
      const call = first.toolCalls[0];
      if (!call?.id) throw new Error('no tool call to answer');
      return run(
        model,
        stream,
        [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }] },
          { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' },
        ],
        true,
      );
    },
  };
};

const anthropicClient = (): Client => {
  const client = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
  const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather of a city', input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema }];
  const run = async (model: string, stream: boolean, messages: Anthropic.MessageParam[], withTools: boolean): Promise<Answer> => {
    const params = { model, max_tokens: 256, system: 'You are terse.', messages, ...(withTools ? { tools } : {}) };
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect(message).toMatchObject({ type: 'message', role: 'assistant' });
    expect(message.id).toMatch(/^msg_/);
    return {
      text: message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(''),
      toolCalls: message.content.flatMap((block) => (block.type === 'tool_use' ? [{ id: block.id, name: block.name, args: block.input as Record<string, unknown> }] : [])),
      finish: message.stop_reason === 'tool_use' ? 'tool' : message.stop_reason === 'end_turn' ? 'stop' : (message.stop_reason ?? ''),
      usage: { input: message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0), output: message.usage.output_tokens },
      model: message.model,
    };
  };
  return {
    ask: (model, stream, withTools) => run(model, stream, [{ role: 'user', content: QUESTION }], withTools),
    answerTool: (model, stream, first) => {
      const call = first.toolCalls[0];
      if (!call?.id) throw new Error('no tool call to answer');
      return run(
        model,
        stream,
        [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: call.id, name: call.name, input: call.args }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21 C' }] },
        ],
        true,
      );
    },
  };
};

const genaiClient = (): Client => {
  const client = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });
  const config = (withTools: boolean) => ({
    systemInstruction: 'You are terse.',
    ...(withTools ? { tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather of a city', parametersJsonSchema: WEATHER_SCHEMA }] }] } : {}),
  });
  const run = async (model: string, stream: boolean, contents: Content[], withTools: boolean): Promise<Answer> => {
    let text = '';
    const toolCalls: Array<{ id?: string; name: string; args: Record<string, unknown> }> = [];
    let finish = '';
    let usage: Answer['usage'];
    let modelVersion: string | undefined;
    const take = (response: Awaited<ReturnType<typeof client.models.generateContent>>): void => {
      // (`response.text` warns when a function call is present; the parts are read directly.)
      text += (response.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? '').join('');
      for (const call of response.functionCalls ?? []) toolCalls.push({ ...(call.id ? { id: call.id } : {}), name: call.name ?? '', args: call.args ?? {} });
      finish = response.candidates?.[0]?.finishReason ?? finish;
      const meta = response.usageMetadata;
      if (meta) usage = { input: meta.promptTokenCount ?? 0, output: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0) };
      modelVersion = response.modelVersion ?? modelVersion;
    };
    if (stream) for await (const chunk of await client.models.generateContentStream({ model, contents, config: config(withTools) })) take(chunk);
    else take(await client.models.generateContent({ model, contents, config: config(withTools) }));
    return { text, toolCalls, finish: finish === 'STOP' ? (toolCalls.length > 0 ? 'tool' : 'stop') : finish, usage, model: modelVersion };
  };
  return {
    ask: (model, stream, withTools) => run(model, stream, [{ role: 'user', parts: [{ text: QUESTION }] }], withTools),
    answerTool: (model, stream, first) => {
      const call = first.toolCalls[0];
      if (!call) throw new Error('no tool call to answer');
      return run(
        model,
        stream,
        [
          { role: 'user', parts: [{ text: QUESTION }] },
          { role: 'model', parts: [{ functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: call.args } }] },
          { role: 'user', parts: [{ functionResponse: { ...(call.id ? { id: call.id } : {}), name: call.name, response: { output: 'sunny, 21 C' } } }] },
        ],
        true,
      );
    },
  };
};

const CLIENTS: Record<Flavor, () => Client> = { openai: openaiClient, anthropic: anthropicClient, gemini: genaiClient };
const CASES = TRANSLATION_PAIRS.flatMap(([client, provider]) => [false, true].map((stream) => [client, provider, stream] as const));

describe.each(CASES)('%s SDK -> %s provider (stream: %s)', (clientFlavor, providerFlavor, stream) => {
  const model = MODELS[providerFlavor].name;

  it('answers a plain question in the client API, with the model it asked for and the provider usage', async () => {
    const answer = await CLIENTS[clientFlavor]().ask(model, stream, false);
    expect(answer.text).toBe(`mock-${providerFlavor} reply to: ${QUESTION}`);
    expect(answer.toolCalls).toEqual([]);
    expect(answer.finish).toBe('stop');
    expect(answer.model).toBe(model);

    const received = gateway.mocks[providerFlavor].requests();
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe(UPSTREAM_PATH[providerFlavor](stream));
    const [header, value] = CREDENTIAL[providerFlavor];
    expect(received[0]?.headers[header]).toBe(value);
    expect(JSON.stringify(received[0]?.headers)).not.toContain(TEST_KEYS.acme);
    // The system prompt reached the provider where its API keeps it.
    expect(received[0]?.body).toContain('You are terse.');

    const audit = await auditOfLastRequest(gateway);
    expect(audit).toMatchObject({ modelRequested: model, modelServed: MODELS[providerFlavor].upstream, provider: providerFlavor, status: 200, outcome: 'completed', stream });
    expect(audit?.tokens.source).toBe('provider');
    // Budgets settle and cost is priced on the model that served the request.
    expect(audit?.costUsd).toBeCloseTo(((audit?.tokens.input ?? 0) * 1 + (audit?.tokens.output ?? 0) * 2) / 1e6, 12);
    expect(answer.usage).toEqual({ input: audit?.tokens.input, output: audit?.tokens.output });
    expect(audit?.decisions).toContainEqual({ stage: 'translate', action: 'allow', reason: `${clientFlavor} -> ${providerFlavor}` });
  });

  it('relays a tool call and takes the tool result back', async () => {
    const client = CLIENTS[clientFlavor]();
    const first = await client.ask(model, stream, true);
    expect(first.finish).toBe('tool');
    expect(first.toolCalls).toHaveLength(1);
    expect(first.toolCalls[0]).toMatchObject({ name: 'get_weather', args: { city: QUESTION } });
    if (clientFlavor !== 'gemini') expect(first.toolCalls[0]?.id).toMatch(/^[A-Za-z0-9_-]+$/);

    // The conversation with the call and its result must pass the provider's own checks (pairing by id or name).
    const second = await client.answerTool(model, stream, first);
    expect(second.toolCalls).toEqual([]);
    expect(second.finish).toBe('stop');
    expect(second.text).toMatch(new RegExp(`^mock-${providerFlavor} reply to: `));
    const last = gateway.mocks[providerFlavor].requests().at(-1);
    expect(last?.body).toContain('sunny, 21 C');
  });
});

describe('streams the provider delivers in awkward pieces', () => {
  it.each(['bytes', 'split', 'random'] as const)('chunking %s: the SDK helper still gets the whole answer', async (chunking) => {
    gateway.mocks.anthropic.queueFaults({ chunking });
    gateway.mocks.gemini.queueFaults({ chunking });
    const openai = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_SCHEMA } }];
    const completion = await openai.chat.completions.stream({ model: MODELS.anthropic.name, tools, messages: [{ role: 'user', content: QUESTION }] }).finalChatCompletion();
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: QUESTION }) } });
    const anthropic = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: MODELS.gemini.name, max_tokens: 100, messages: [{ role: 'user', content: 'Grüße aus 東京 🎨' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'mock-gemini reply to: Grüße aus 東京 🎨' }]);
  });
});

describe('OpenAI stream_options.include_usage through translation', () => {
  it.each([true, false])('include_usage %s: the usage chunk comes only when asked for', async (includeUsage) => {
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: MODELS.anthropic.name,
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices.length === 0 && c.usage)).toHaveLength(includeUsage ? 1 : 0);
    expect(chunks.some((c) => 'usage' in c && c.usage !== null && c.choices.length > 0)).toBe(false);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop')).toHaveLength(1);
    // Budgets still settle on what the provider reported.
    expect((await auditOfLastRequest(gateway))?.tokens.source).toBe('provider');
  });
});

describe('provider errors in the client API', () => {
  it('an Anthropic 429 reaches an OpenAI client as a RateLimitError in OpenAI shape', async () => {
    gateway.mocks.anthropic.queueFaults('status=429;retry-after=3;message=slow down');
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: MODELS.anthropic.name, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('slow down') as unknown as string });
  });

  it("Anthropic's 529 (overloaded) reaches an OpenAI client as a 503", async () => {
    gateway.mocks.anthropic.queueFaults('status=529;message=Overloaded');
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: MODELS.anthropic.name, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).error).toMatchObject({ code: 'upstream_unavailable' });
  });

  it('an OpenAI 400 reaches an Anthropic client as a BadRequestError in Anthropic shape', async () => {
    gateway.mocks.openai.queueFaults('status=400;message=bad things');
    const client = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
    const error = await client.messages.create({ model: MODELS.openai.name, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('bad things') as unknown as string } });
  });

  it('a Gemini 503 reaches an OpenAI client as an InternalServerError with the 503 kept', async () => {
    gateway.mocks.gemini.queueFaults('status=503;message=overloaded');
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: MODELS.gemini.name, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((await auditOfLastRequest(gateway))?.errorCode).toBe('upstream_error');
  });

  it('a request the provider API cannot express is refused before it leaves (400 in the client shape)', async () => {
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: MODELS.anthropic.name, n: 2, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'invalid_request', param: 'n' });
    expect(gateway.mocks.anthropic.requests()).toHaveLength(0);
  });
});

describe('images, JSON mode and sampling reach the provider in its own terms', () => {
  const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('openai SDK -> Anthropic: a data-URL image becomes a base64 image block; stop and temperature carried', async () => {
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: MODELS.anthropic.name,
      temperature: 0.2,
      stop: ['END'],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } }] }],
    });
    expect(gateway.mocks.anthropic.requests()[0]?.json).toMatchObject({
      temperature: 0.2,
      stop_sequences: ['END'],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } }] }],
    });
  });

  it('@anthropic-ai/sdk -> Gemini: a base64 image becomes inlineData', async () => {
    const client = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
    await client.messages.create({
      model: MODELS.gemini.name,
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } }, { type: 'text', text: 'Describe' }] }],
    });
    expect(gateway.mocks.gemini.requests()[0]?.json).toMatchObject({
      contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: PIXEL } }, { text: 'Describe' }] }],
      generationConfig: { maxOutputTokens: 50 },
    });
  });

  it('openai SDK -> Gemini: JSON mode becomes responseMimeType', async () => {
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: MODELS.gemini.name, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'Give JSON' }] });
    expect(gateway.mocks.gemini.requests()[0]?.json).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } });
  });

  it('@google/genai -> OpenAI: a JSON schema becomes response_format json_schema', async () => {
    const client = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });
    await client.models.generateContent({ model: MODELS.openai.name, contents: 'Give JSON', config: { responseMimeType: 'application/json', responseJsonSchema: WEATHER_SCHEMA } });
    expect(gateway.mocks.openai.requests()[0]?.json).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'response', schema: WEATHER_SCHEMA } } });
  });
});

/** Every leaf path of a value with its JSON type (array items folded into `[]`); undefined values are absent. */
function shapeOf(value: unknown, path = '$', out = new Map<string, string>()): Map<string, string> {
  if (value === undefined) return out;
  if (Array.isArray(value)) {
    out.set(path, 'array');
    for (const item of value) shapeOf(item, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    out.set(path, 'object');
    for (const [key, item] of Object.entries(value)) shapeOf(item, `${path}.${key}`, out);
  } else {
    const type = value === null ? 'null' : typeof value;
    const seen = out.get(path);
    out.set(path, seen && seen !== type ? `${seen}|${type}` : type);
  }
  return out;
}

/**
 * The SDK's result for a model served through translation has the shape of its result for a model
 * served natively (the mock provider of the client's own API): no field the real API never sends, no
 * field of another type, and every field the native answer has but a few the provider cannot know.
 */
function expectSameShape(translated: unknown, native: unknown, mayLack: readonly RegExp[]): void {
  const t = shapeOf(translated);
  const n = shapeOf(native);
  const foreign = [...t].filter(([path, type]) => n.get(path) !== undefined && n.get(path) !== type && !(n.get(path) ?? '').split('|').includes(type));
  expect(foreign).toEqual([]);
  expect([...t.keys()].filter((path) => !n.has(path))).toEqual([]);
  expect([...n.keys()].filter((path) => !t.has(path) && !mayLack.some((re) => re.test(path)))).toEqual([]);
}

describe('the SDK helpers return the same shapes as for a natively served model', () => {
  // The model of the client's own API is served without translation: the reference shape.
  const NATIVE = { openai: MODELS.openai.name, anthropic: MODELS.anthropic.name, gemini: MODELS.gemini.name } as const;

  it.each([false, true])('openai: chat.completions (stream helper %s), text and tool call', async (stream) => {
    const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_SCHEMA } }];
    const call = (model: string, withTools: boolean) => {
      const params = { model, messages: [{ role: 'user' as const, content: QUESTION }], ...(withTools ? { tools } : {}) };
      return stream ? client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion() : client.chat.completions.create(params);
    };
    // OpenAI-only extras the other providers have no value for: service tier, fingerprint, annotations, audio/prediction details.
    const mayLack = [/service_tier/, /system_fingerprint/, /annotations/, /audio_tokens/, /prediction_tokens/, /\.refusal$/];
    for (const withTools of [false, true]) {
      const native = await call(NATIVE.openai, withTools);
      for (const provider of ['anthropic', 'gemini'] as const) expectSameShape(await call(MODELS[provider].name, withTools), native, mayLack);
    }
  });

  it.each([false, true])('anthropic: messages (stream helper %s), text and tool use', async (stream) => {
    const client = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema }];
    const call = (model: string, withTools: boolean) => {
      const params = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: QUESTION }], ...(withTools ? { tools } : {}) };
      return stream ? client.messages.stream(params).finalMessage() : client.messages.create(params);
    };
    const mayLack = [/usage\.service_tier/];
    for (const withTools of [false, true]) {
      const native = await call(NATIVE.anthropic, withTools);
      for (const provider of ['openai', 'gemini'] as const) expectSameShape(await call(MODELS[provider].name, withTools), native, mayLack);
    }
  });

  it.each([false, true])('genai: generateContent (stream %s), text and function call', async (stream) => {
    const client = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });
    const config = (withTools: boolean) => (withTools ? { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: WEATHER_SCHEMA }] }] } : {});
    const call = async (model: string, withTools: boolean): Promise<unknown[]> => {
      const strip = (r: object) => {
        const { sdkHttpResponse: _http, ...rest } = r as { sdkHttpResponse?: unknown };
        return rest;
      };
      if (!stream) return [strip(await client.models.generateContent({ model, contents: QUESTION, config: config(withTools) }))];
      const chunks: unknown[] = [];
      for await (const chunk of await client.models.generateContentStream({ model, contents: QUESTION, config: config(withTools) })) chunks.push(strip(chunk));
      return chunks;
    };
    // Gemini reports token counts per modality; the other providers do not.
    const mayLack = [/promptTokensDetails/];
    for (const withTools of [false, true]) {
      const native = await call(NATIVE.gemini, withTools);
      for (const provider of ['openai', 'anthropic'] as const) expectSameShape(await call(MODELS[provider].name, withTools), native, mayLack);
    }
  });
});
