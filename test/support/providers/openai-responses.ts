/**
 * POST /v1/responses (the Responses API): a `response` object whose `output[]` holds one message with an
 * `output_text` part (or one `function_call` item), or with `stream: true` the semantic event stream
 * (`event:` lines, every payload with `type` and `sequence_number`, no `[DONE]`), in the order the openai
 * SDK's ResponseStream accumulates them.
 */
import { asArray, asNumber, asObject, asString, contentText } from './json';
import { functionTools, isReply, nowSeconds, openaiError, openaiHeaders, requireBody, requireModel } from './openai-common';
import { defaultReplyText, estimateTokens, limitText, newId, pickToolCall, splitDeltas, splitEvenly } from './text';
import type { Json, JsonObject, ProviderReply, ProviderRequest, SseEvent, UsageOverrides } from './types';

/** Input items with a role (`message` items, typed or not), and the text the prompt is made of. */
function inputTexts(body: JsonObject): { promptText: string; lastUserText: string } {
  const input = body.input;
  const instructions = asString(body.instructions);
  if (typeof input === 'string') return { promptText: [instructions, input].filter((t) => t).join('\n'), lastUserText: input };
  const items = asArray(input).map(asObject).filter((i): i is JsonObject => i !== undefined);
  const texts = items.map((i) => (i.content !== undefined ? contentText(i.content) : asString(i.output) ?? ''));
  const lastUser = [...items].reverse().find((i) => i.role === 'user');
  return {
    promptText: [instructions ?? '', ...texts].filter((t) => t.length > 0).join('\n'),
    lastUserText: contentText(lastUser?.content),
  };
}

export function responsesUsage(inputTokens: number, textTokens: number, o: UsageOverrides): JsonObject {
  const output = textTokens + o.reasoning;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: Math.min(o.cached, inputTokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: o.reasoning },
    total_tokens: inputTokens + output,
  };
}

interface Shell {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly body: JsonObject;
}

/** The `response` object; the same shell is sent in progress (created) and final (completed). */
function responseObject(s: Shell, status: string, output: Json[], usage: Json, incomplete: boolean): JsonObject {
  const b = s.body;
  return {
    id: s.id,
    object: 'response',
    created_at: s.created,
    status,
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    model: s.model,
    output,
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: b.store ?? true,
    temperature: b.temperature ?? 1,
    text: b.text ?? { format: { type: 'text' } },
    tool_choice: b.tool_choice ?? 'auto',
    tools: b.tools ?? [],
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? 'disabled',
    usage,
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

export function responses(req: ProviderRequest): ProviderReply {
  const body = requireBody(req);
  if (isReply(body)) return body;
  const model = requireModel(body);
  if (isReply(model)) return model;
  if (body.input === undefined) return openaiError(400, "Missing required parameter: 'input'.", undefined, 'input');
  const { promptText, lastUserText } = inputTexts(body);
  const shell: Shell = { id: newId('resp_', 48), created: nowSeconds(), model, body };
  const inputTokens = estimateTokens(promptText);
  const call = req.replyText === undefined ? pickToolCall(functionTools(body), lastUserText) : undefined;

  if (call) {
    const item = { id: newId('fc_', 48), type: 'function_call', status: 'completed', arguments: JSON.stringify(call.args), call_id: newId('call_'), name: call.name };
    const usage = responsesUsage(inputTokens, estimateTokens(call.name + item.arguments), req.usage);
    if (body.stream === true) return functionCallStream(shell, item, usage);
    return { kind: 'json', status: 200, headers: openaiHeaders(), body: responseObject(shell, 'completed', [item], usage, false) };
  }

  const out = limitText(req.replyText ?? defaultReplyText('openai', lastUserText), asNumber(body.max_output_tokens));
  const usage = responsesUsage(inputTokens, out.tokens, req.usage);
  const msgId = newId('msg_', 48);
  const part = { type: 'output_text', annotations: [], logprobs: [], text: out.text };
  const message = { id: msgId, type: 'message', status: out.truncated ? 'incomplete' : 'completed', content: [part], role: 'assistant' };
  const final = responseObject(shell, out.truncated ? 'incomplete' : 'completed', [message], usage, out.truncated);
  if (body.stream !== true) return { kind: 'json', status: 200, headers: openaiHeaders(), body: final };

  const ev = sequencer();
  const at = { item_id: msgId, output_index: 0, content_index: 0 };
  const events: SseEvent[] = [
    ev('response.created', { response: responseObject(shell, 'in_progress', [], null, false) }),
    ev('response.in_progress', { response: responseObject(shell, 'in_progress', [], null, false) }),
    ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { ...at, part: { ...part, text: '' } }),
    ...splitDeltas(out.text).map((delta) => ev('response.output_text.delta', { ...at, delta, logprobs: [] })),
    ev('response.output_text.done', { ...at, text: out.text, logprobs: [] }),
    ev('response.content_part.done', { ...at, part }),
    ev('response.output_item.done', { output_index: 0, item: message }),
    ev(out.truncated ? 'response.incomplete' : 'response.completed', { response: final }),
  ];
  return { kind: 'sse', status: 200, events, headers: openaiHeaders(), errorEvent: responsesStreamError };
}

function functionCallStream(shell: Shell, item: JsonObject & { id: string; arguments: string }, usage: JsonObject): ProviderReply {
  const ev = sequencer();
  const events: SseEvent[] = [
    ev('response.created', { response: responseObject(shell, 'in_progress', [], null, false) }),
    ev('response.in_progress', { response: responseObject(shell, 'in_progress', [], null, false) }),
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }),
    ...splitEvenly(item.arguments, 3).map((delta) => ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta })),
    ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response: responseObject(shell, 'completed', [item], usage, false) }),
  ];
  return { kind: 'sse', status: 200, events, headers: openaiHeaders(), errorEvent: responsesStreamError };
}

/** Builds named events whose payload repeats the name as `type` and numbers them from 0. */
function sequencer(): (type: string, fields: JsonObject) => SseEvent {
  let seq = 0;
  return (type, fields) => ({ event: type, data: JSON.stringify({ type, sequence_number: seq++, ...fields }) });
}

/** The Responses stream's own `error` event. */
function responsesStreamError(sequence: number, message: string): SseEvent {
  return { event: 'error', data: JSON.stringify({ type: 'error', code: 'server_error', message, param: null, sequence_number: sequence }) };
}
