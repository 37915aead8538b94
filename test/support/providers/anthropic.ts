/**
 * The Anthropic-compatible mock: POST /v1/messages (a `message` with content blocks, or with `stream: true`
 * the named event stream message_start, content_block_start, ping, content_block_delta...,
 * content_block_stop, message_delta, message_stop that @anthropic-ai/sdk's MessageStream accumulates) and
 * POST /v1/messages/count_tokens. Like the real API it requires `anthropic-version`, `max_tokens` and `messages`.
 */
import { asArray, asNumber, asObject, asString, contentText } from './json';
import { defaultReplyText, estimateTokens, limitText, newId, pickToolCall, splitDeltas, splitEvenly, type ToolSpec } from './text';
import type { FlavorHandler, Json, JsonObject, JsonReply, ProviderReply, ProviderRequest, SseEvent, UsageOverrides } from './types';
import { validateMessagesRequest } from './validate-anthropic';

function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function headers(): Record<string, string> {
  return { 'request-id': newId('req_', 24) };
}

/** `{"type":"error","error":{type,message},"request_id"}`, the Anthropic error envelope. */
export function anthropicError(status: number, message: string, retryAfterSeconds?: number): JsonReply {
  const h = headers();
  return {
    kind: 'json',
    status,
    body: { type: 'error', error: { type: errorType(status), message }, request_id: h['request-id'] },
    headers: { ...h, ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) },
  };
}

/** Mid-stream errors arrive as a named `error` event (the SDK raises it); overload is the common one. */
function streamError(_sequence: number, message: string): SseEvent {
  return { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message } }) };
}

/**
 * Anthropic splits the prompt into uncached input, cache reads and cache writes; `input_tokens` is only
 * the uncached part. Overrides are clamped so the three never exceed the prompt's estimate.
 */
export function anthropicUsage(promptTokens: number, outputTokens: number, o: UsageOverrides): JsonObject {
  const read = Math.min(o.cached, promptTokens);
  const creation = Math.min(o.cacheCreation, promptTokens - read);
  return {
    input_tokens: promptTokens - read - creation,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: read,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

interface Parsed {
  readonly model: string;
  readonly maxTokens: number;
  readonly promptTokens: number;
  readonly lastUserText: string;
  readonly tools: ToolSpec[];
  /** The last turn hands back tool results: the model answers in text then (no call loop). */
  readonly answeringResult: boolean;
}

function parse(req: ProviderRequest, needMaxTokens: boolean): Parsed | JsonReply {
  if (req.headers['anthropic-version'] === undefined) return anthropicError(400, 'anthropic-version: header is required');
  const body = asObject(req.json);
  if (!body) return anthropicError(400, 'There was an error parsing the body of your request: expected a JSON object');
  const model = asString(body.model);
  if (model === undefined) return anthropicError(400, 'model: Field required');
  const maxTokens = asNumber(body.max_tokens);
  if (needMaxTokens && maxTokens === undefined) return anthropicError(400, 'max_tokens: Field required');
  const invalid = validateMessagesRequest(body, needMaxTokens);
  if (invalid) return anthropicError(400, invalid.message);
  const messages = asArray(body.messages).map(asObject).filter((m): m is JsonObject => m !== undefined);
  if (messages.length === 0) return anthropicError(400, 'messages: Field required');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const promptText = [contentText(body.system), ...messages.map((m) => contentText(m.content))].filter((t) => t.length > 0).join('\n');
  const toolChoice = asObject(body.tool_choice);
  const tools: ToolSpec[] =
    toolChoice?.type === 'none'
      ? []
      : asArray(body.tools).flatMap((t) => {
          const name = asString(asObject(t)?.name);
          return name === undefined ? [] : [{ name, parameters: asObject(asObject(t)?.input_schema) }];
        });
  const lastContent = messages[messages.length - 1]?.content;
  const answeringResult = Array.isArray(lastContent) && lastContent.some((b) => asObject(b)?.type === 'tool_result');
  return { model, maxTokens: maxTokens ?? 0, promptTokens: estimateTokens(promptText), lastUserText: contentText(lastUser?.content), tools, answeringResult };
}

function messages(req: ProviderRequest): ProviderReply {
  const p = parse(req, true);
  if ('kind' in p) return p;
  const stream = asObject(req.json)?.stream === true;
  const id = newId('msg_01', 22);
  const call = req.replyText === undefined && !p.answeringResult ? pickToolCall(p.tools, p.lastUserText) : undefined;

  let content: JsonObject;
  let stopReason: string;
  let outputTokens: number;
  let deltas: JsonObject[];
  if (call) {
    const input = JSON.stringify(call.args);
    content = { type: 'tool_use', id: newId('toolu_01', 22), name: call.name, input: call.args };
    stopReason = 'tool_use';
    outputTokens = estimateTokens(call.name + input);
    // The first input_json_delta is empty, as the API sends it; the SDK parses the concatenation at stop.
    deltas = ['', ...splitEvenly(input, 3)].map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  } else {
    const out = limitText(req.replyText ?? defaultReplyText('anthropic', p.lastUserText), p.maxTokens);
    content = { type: 'text', text: out.text };
    stopReason = out.truncated ? 'max_tokens' : 'end_turn';
    outputTokens = out.tokens;
    deltas = splitDeltas(out.text).map((text) => ({ type: 'text_delta', text }));
  }
  const usage = anthropicUsage(p.promptTokens, outputTokens, req.usage);
  const message = { id, type: 'message', role: 'assistant', model: p.model, content: [content] as Json[], stop_reason: stopReason, stop_sequence: null, usage };
  if (!stream) return { kind: 'json', status: 200, headers: headers(), body: message };

  const ev = (type: string, fields: JsonObject): SseEvent => ({ event: type, data: JSON.stringify({ type, ...fields }) });
  const startBlock: JsonObject = content.type === 'tool_use' ? { ...content, input: {} } : { type: 'text', text: '' };
  const events: SseEvent[] = [
    // message_start carries the input side of usage; output_tokens there is a placeholder the delta replaces.
    ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: startBlock }),
    ev('ping', {}),
    ...deltas.map((delta) => ev('content_block_delta', { index: 0, delta })),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } }),
    ev('message_stop', {}),
  ];
  return { kind: 'sse', status: 200, events, headers: headers(), errorEvent: streamError };
}

function countTokens(req: ProviderRequest): ProviderReply {
  const p = parse(req, false);
  if ('kind' in p) return p;
  return { kind: 'json', status: 200, headers: headers(), body: { input_tokens: p.promptTokens } };
}

export const anthropicHandler: FlavorHandler = {
  flavor: 'anthropic',
  sseLineEnding: '\n',
  handle(req) {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST /v1/messages') return messages(req);
    if (route === 'POST /v1/messages/count_tokens') return countTokens(req);
    return anthropicError(404, 'Not Found');
  },
  error: anthropicError,
  checkAuth: (req, apiKey) =>
    req.headers['x-api-key'] === apiKey || req.headers.authorization === `Bearer ${apiKey}` ? undefined : anthropicError(401, 'invalid x-api-key'),
};
