import Anthropic from '@anthropic-ai/sdk';
import { ApiError as GoogleApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import {
  anthropicType,
  apiError,
  bodyTooLarge,
  ERROR_CODE_HEADER,
  googleStatus,
  internalError,
  invalidApiKey,
  isErrorCode,
  methodNotAllowed,
  modelNotAllowed,
  openAiType,
  quoteValue,
  rateLimited,
  renderError,
  type ApiError,
  type RenderedError,
} from './errors';

/** A fetch that answers every call with `rendered`, so the real SDKs parse our error bodies. */
function answering(rendered: RenderedError): typeof fetch {
  return async () => new Response(new Uint8Array(rendered.body), { status: rendered.status, headers: rendered.headers });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the SDK call to fail');
}

const CASES: Array<[ApiError, string, string, string]> = [
  // error, OpenAI SDK class, Anthropic SDK class, Google status
  [apiError(400, 'invalid_json', 'The request body is not valid JSON: expected a value at line 1, column 2 (position 1).'), 'BadRequestError', 'BadRequestError', 'INVALID_ARGUMENT'],
  [apiError(400, 'missing_model', 'The request must name a model.', { param: 'model' }), 'BadRequestError', 'BadRequestError', 'INVALID_ARGUMENT'],
  [invalidApiKey(), 'AuthenticationError', 'AuthenticationError', 'UNAUTHENTICATED'],
  [modelNotAllowed('gpt-5-pro'), 'PermissionDeniedError', 'PermissionDeniedError', 'PERMISSION_DENIED'],
  [apiError(404, 'unknown_path', 'No API here.'), 'NotFoundError', 'NotFoundError', 'NOT_FOUND'],
  [bodyTooLarge(40_000_000, 33_554_432), 'APIError', 'ContentTooLargeError', 'INVALID_ARGUMENT'],
  [rateLimited('Token budget exhausted for this minute.', 12.2), 'RateLimitError', 'RateLimitError', 'RESOURCE_EXHAUSTED'],
  [internalError(), 'InternalServerError', 'InternalServerError', 'INTERNAL'],
];

describe('renderError shapes', () => {
  it.each(CASES)('OpenAI: %j', async (error, openAiClass) => {
    const rendered = renderError('openai', error);
    expect(JSON.parse(rendered.body.toString())).toEqual({ error: { message: error.message, type: openAiType(error.status), param: error.param ?? null, code: error.code } });
    const client = new OpenAI({ apiKey: 'k', baseURL: 'http://gateway/v1', maxRetries: 0, fetch: answering(rendered) });
    const thrown = await rejection(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    const sdkError = thrown as InstanceType<typeof OpenAI.APIError>;
    expect(sdkError.constructor.name).toBe(openAiClass);
    expect(sdkError.status).toBe(error.status);
    expect(sdkError.code).toBe(error.code);
    expect(sdkError.type).toBe(openAiType(error.status));
    expect(sdkError.param ?? undefined).toBe(error.param);
    expect(sdkError.headers?.get(ERROR_CODE_HEADER)).toBe(error.code);
  });

  it.each(CASES)('Anthropic: %j', async (error, _openAiClass, anthropicClass) => {
    const rendered = renderError('anthropic', error, { requestId: 'req_123' });
    const body = JSON.parse(rendered.body.toString());
    expect(body).toEqual({
      type: 'error',
      error: { type: anthropicType(error.status), message: error.message, details: { error_code: error.code, ...(error.param === undefined ? {} : { param: error.param }) } },
      request_id: 'req_123',
    });
    const client = new Anthropic({ apiKey: 'k', baseURL: 'http://gateway', maxRetries: 0, fetch: answering(rendered) });
    const thrown = await rejection(client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    const sdkError = thrown as InstanceType<typeof Anthropic.APIError>;
    expect(sdkError.constructor.name).toBe(anthropicClass);
    expect(sdkError.status).toBe(error.status);
    // The stable code survives as the SDK's errorCode; the type is Anthropic's own.
    expect(sdkError.errorCode).toBe(error.code);
    expect(sdkError.type).toBe(anthropicType(error.status));
  });

  it.each(CASES)('Gemini: %j', async (error, _o, _a, googleStatusName) => {
    const rendered = renderError('gemini', error);
    const body = JSON.parse(rendered.body.toString());
    expect(body.error).toMatchObject({ code: error.status, message: error.message, status: googleStatusName });
    expect(body.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: error.code.toUpperCase(), domain: 'llm-gateway', metadata: { code: error.code, ...(error.param === undefined ? {} : { param: error.param }) } },
    ]);
    const client = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://gateway', fetch: answering(rendered), retryOptions: { attempts: 1 } } });
    const thrown = await rejection(client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }));
    expect(thrown).toBeInstanceOf(GoogleApiError);
    const sdkError = thrown as GoogleApiError;
    expect(sdkError.status).toBe(error.status);
    expect(JSON.parse(sdkError.message).error.details[0].metadata.code).toBe(error.code);
  });

  it('sets the code header on every family, and extra headers (allow, retry-after)', () => {
    for (const family of ['openai', 'anthropic', 'gemini'] as const) {
      const rendered = renderError(family, methodNotAllowed('GET', ['POST']));
      expect(rendered.status).toBe(405);
      expect(rendered.headers).toEqual([
        ['content-type', 'application/json'],
        [ERROR_CODE_HEADER, 'method_not_allowed'],
        ['allow', 'POST'],
      ]);
    }
    expect(renderError('openai', rateLimited('slow down', 12.2)).headers).toContainEqual(['retry-after', '13']);
  });
});

describe('type and status names', () => {
  it.each([
    [400, 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'],
    [401, 'authentication_error', 'authentication_error', 'UNAUTHENTICATED'],
    [402, 'invalid_request_error', 'billing_error', 'INVALID_ARGUMENT'],
    [403, 'permission_error', 'permission_error', 'PERMISSION_DENIED'],
    [404, 'not_found_error', 'not_found_error', 'NOT_FOUND'],
    [405, 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'],
    [413, 'invalid_request_error', 'request_too_large', 'INVALID_ARGUMENT'],
    [415, 'invalid_request_error', 'invalid_request_error', 'INVALID_ARGUMENT'],
    [429, 'rate_limit_error', 'rate_limit_error', 'RESOURCE_EXHAUSTED'],
    [500, 'api_error', 'api_error', 'INTERNAL'],
    [502, 'api_error', 'api_error', 'INTERNAL'],
    [503, 'api_error', 'api_error', 'UNAVAILABLE'],
    [504, 'api_error', 'timeout_error', 'DEADLINE_EXCEEDED'],
    [529, 'api_error', 'overloaded_error', 'INTERNAL'],
  ])('%d -> %s / %s / %s', (status, openAi, anthropic, google) => {
    expect(openAiType(status)).toBe(openAi);
    expect(anthropicType(status)).toBe(anthropic);
    expect(googleStatus(status)).toBe(google);
  });
});

describe('messages never echo secrets or large input', () => {
  it.each([
    ['sk-proj-abcdefghijklmnop1234567890'],
    ['sk-ant-api03-abcdefghijklmnopqrstuvwxyz'],
    ['AIzaSyA1234567890abcdefghijklmnopqrs'],
    ['Bearer abcdefghijklmnopqrstuvwxyz'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg=='],
  ])('redacts %s', (secret) => {
    const error = modelNotAllowed(`x ${secret}`);
    const body = renderError('openai', apiError(400, 'invalid_request', `value ${secret} is bad`)).body.toString();
    expect(error.message).not.toContain(secret);
    expect(body).not.toContain(secret);
    expect(body).toContain('[redacted]');
  });

  it('caps quoted values and messages, and strips control characters', () => {
    expect(quoteValue('ab '.repeat(200), 10)).toBe("'ab ab ab a…'");
    // A long unbroken token is treated as a possible secret before it is cut.
    expect(quoteValue('m'.repeat(500), 10)).toBe("'[redacted]'");
    expect(quoteValue('a\u0000b\nc\u2028d')).toBe("'a b c d'");
    const long = apiError(400, 'invalid_request', 'word '.repeat(1000));
    expect(long.message.length).toBeLessThanOrEqual(513);
    const rendered = JSON.parse(renderError('anthropic', { ...long, message: 'x\r\ny'.repeat(300) }).body.toString());
    expect(rendered.error.message.length).toBeLessThanOrEqual(513);
    expect(rendered.error.message).not.toMatch(/[\r\n]/);
  });

  it('keeps ordinary messages intact', () => {
    const message = 'Model gemini-2.5-flash-preview-05-20 is not allowed: use /v1beta/models/{model}:generateContent.';
    expect(apiError(403, 'model_not_allowed', message).message).toBe(message);
  });

  it('knows its codes', () => {
    expect(isErrorCode('invalid_json')).toBe(true);
    expect(isErrorCode('no_such_code')).toBe(false);
  });
});
