/** Pieces shared by the OpenAI endpoints: error shape, response headers, request parsing, usage. */
import { asArray, asObject, asString } from './json';
import { newId, type ToolSpec } from './text';
import type { JsonObject, JsonReply, ProviderRequest, SseEvent } from './types';

/** Per-status `type`/`code` as the real API reports them. */
function errorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status === 404) return { type: 'invalid_request_error', code: null };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

export function openaiHeaders(): Record<string, string> {
  // The SDK exposes x-request-id as `_request_id`; the rest is what a client may log.
  return { 'x-request-id': newId('req_', 32), 'openai-processing-ms': '1', 'openai-version': '2020-10-01' };
}

/** `{"error": {message, type, param, code}}`, the OpenAI error envelope. */
export function openaiError(status: number, message: string, retryAfterSeconds?: number, param: string | null = null): JsonReply {
  const { type, code } = errorKind(status);
  return {
    kind: 'json',
    status,
    body: { error: { message, type, param, code } },
    headers: { ...openaiHeaders(), ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) },
  };
}

/** Mid-stream error as chat completions sends it: a bare data event with an `error` object (the SDK throws on it). */
export function chatStreamError(_sequence: number, message: string): SseEvent {
  return { data: JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }) };
}

export function requireBody(req: ProviderRequest): JsonObject | JsonReply {
  const body = asObject(req.json);
  if (body) return body;
  return openaiError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

export function requireModel(body: JsonObject): string | JsonReply {
  return asString(body.model) ?? openaiError(400, 'you must provide a model parameter', undefined, 'model');
}

export function isReply(value: unknown): value is JsonReply {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'json';
}

/**
 * Function tools offered in either shape: chat `{type:'function', function:{name, parameters}}` or
 * Responses `{type:'function', name, parameters}`. `tool_choice: 'none'` offers none.
 */
export function functionTools(body: JsonObject): ToolSpec[] {
  if (body.tool_choice === 'none') return [];
  const tools: ToolSpec[] = [];
  for (const raw of asArray(body.tools)) {
    const tool = asObject(raw);
    if (tool?.type !== 'function') continue;
    const fn = asObject(tool.function) ?? tool;
    const name = asString(fn.name);
    if (name !== undefined) tools.push({ name, parameters: asObject(fn.parameters) });
  }
  return tools;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
