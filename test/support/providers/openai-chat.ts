/**
 * POST /v1/chat/completions: a `chat.completion` object, or with `stream: true` a stream of
 * `chat.completion.chunk` data events ending in `data: [DONE]`, as the openai SDK parses them.
 */
import { asArray, asNumber, asObject, contentText } from './json';
import { chatStreamError, functionTools, isReply, nowSeconds, openaiError, openaiHeaders, requireBody, requireModel } from './openai-common';
import { defaultReplyText, estimateTokens, limitText, newId, pickToolCall, splitDeltas, splitEvenly, type ToolCall } from './text';
import type { Json, JsonObject, ProviderReply, ProviderRequest, SseEvent, UsageOverrides } from './types';
import { validateChatRequest } from './validate-openai';

interface Generated {
  readonly text: string | null;
  readonly toolCall: (ToolCall & { readonly id: string; readonly arguments: string }) | undefined;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  readonly promptTokens: number;
  readonly completionTokens: number;
}

function generate(req: ProviderRequest, body: JsonObject): Generated | ProviderReply {
  const messages = asArray(body.messages).map(asObject).filter((m): m is JsonObject => m !== undefined);
  if (messages.length === 0) return openaiError(400, "Missing required parameter: 'messages'.", undefined, 'messages');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastUserText = contentText(lastUser?.content);
  const promptTokens = estimateTokens(messages.map((m) => contentText(m.content)).join('\n'));
  // After a tool result the model answers in text, as a real one would (no call loop).
  const answeringResult = messages[messages.length - 1]?.role === 'tool';
  const call = req.replyText === undefined && !answeringResult ? pickToolCall(functionTools(body), lastUserText) : undefined;
  if (call) {
    const args = JSON.stringify(call.args);
    return {
      text: null,
      toolCall: { ...call, id: newId('call_'), arguments: args },
      finishReason: 'tool_calls',
      promptTokens,
      completionTokens: estimateTokens(call.name + args),
    };
  }
  const maxTokens = asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens);
  const out = limitText(req.replyText ?? defaultReplyText('openai', lastUserText), maxTokens);
  return { text: out.text, toolCall: undefined, finishReason: out.truncated ? 'length' : 'stop', promptTokens, completionTokens: out.tokens };
}

/** Chat usage: reasoning tokens are part of completion_tokens, cached tokens part of prompt_tokens. */
export function chatUsage(promptTokens: number, textTokens: number, o: UsageOverrides): JsonObject {
  const completion = textTokens + o.reasoning;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: Math.min(o.cached, promptTokens), audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: o.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function chatCompletions(req: ProviderRequest): ProviderReply {
  const body = requireBody(req);
  if (isReply(body)) return body;
  const model = requireModel(body);
  if (isReply(model)) return model;
  const invalid = validateChatRequest(body);
  if (invalid) return openaiError(400, invalid.message, undefined, invalid.param);
  const gen = generate(req, body);
  if ('kind' in gen) return gen;
  const id = newId('chatcmpl-');
  const created = nowSeconds();
  const usage = chatUsage(gen.promptTokens, gen.completionTokens, req.usage);
  if (body.stream === true) return streamReply(id, created, model, body, gen, usage);

  const toolCalls: Json = gen.toolCall
    ? [{ id: gen.toolCall.id, type: 'function', function: { name: gen.toolCall.name, arguments: gen.toolCall.arguments } }]
    : null;
  const message: JsonObject = { role: 'assistant', content: gen.text, refusal: null, annotations: [] };
  if (toolCalls !== null) message.tool_calls = toolCalls;
  return {
    kind: 'json',
    status: 200,
    headers: openaiHeaders(),
    body: {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: gen.finishReason }],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    },
  };
}

function streamReply(id: string, created: number, model: string, body: JsonObject, gen: Generated, usage: JsonObject): ProviderReply {
  // With include_usage every chunk carries `usage: null` and one extra chunk with empty choices carries the totals.
  const includeUsage = asObject(body.stream_options)?.include_usage === true;
  const chunk = (delta: JsonObject, finish: string | null): SseEvent => ({
    data: JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    }),
  });
  const events: SseEvent[] = [];
  const call = gen.toolCall;
  if (call) {
    events.push(
      chunk(
        { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }], refusal: null },
        null,
      ),
    );
    for (const piece of splitEvenly(call.arguments, 3)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (const piece of splitDeltas(gen.text ?? '')) events.push(chunk({ content: piece }, null));
  }
  events.push(chunk({}, gen.finishReason));
  if (includeUsage) {
    events.push({
      data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_mock', choices: [], usage }),
    });
  }
  events.push({ data: '[DONE]' });
  return { kind: 'sse', status: 200, events, headers: openaiHeaders(), errorEvent: chatStreamError };
}

