/**
 * Neutral form -> the provider's request body, one writer per API. Each writer produces what the
 * provider's own validation requires (Anthropic: max_tokens, alternating roles, tool_result blocks
 * first in their user turn; OpenAI: one `tool` message per result right after the assistant's
 * tool_calls; Gemini: user/model roles, functionResponse named after its call).
 */
import type { JsonObject, JsonValue } from '../json';
import { TranslationError, type IrMessage, type IrPart, type IrRequest, type IrResultPart } from './ir';
import { anthropicId } from './shapes';

export interface WriteOptions {
  /** The provider's model id. */
  readonly model: string;
  /** Anthropic requires max_tokens: used when the client set no cap. */
  readonly defaultMaxOutputTokens: number;
  /** OpenAI API: the field the cap goes into (servers like Ollama read only max_tokens); default max_completion_tokens. */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
}

/** The instruction that stands in for JSON mode where the provider has no such switch (Anthropic). */
export function jsonInstruction(format: NonNullable<IrRequest['responseFormat']>): string {
  return format.type === 'json_object'
    ? 'Respond with one valid JSON object and nothing else.'
    : `Respond with one valid JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(format.schema)}`;
}

// ---- OpenAI chat completions ----

export function writeOpenAiChat(ir: IrRequest, options: WriteOptions): JsonObject {
  const messages: JsonValue[] = [];
  if (ir.system.length > 0) messages.push({ role: 'system', content: ir.system.join('\n\n') });
  for (const message of ir.messages) {
    if (message.role === 'assistant') {
      const text = message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
      const calls = message.parts.flatMap((p) => (p.type === 'tool_call' ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.arguments) } }] : []));
      if (text.length === 0 && calls.length === 0) continue;
      messages.push({ role: 'assistant', content: text.length > 0 ? text : null, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
      continue;
    }
    // Tool messages must directly follow the assistant message whose calls they answer.
    const rest: JsonValue[] = [];
    for (const part of message.parts) {
      if (part.type === 'tool_result') {
        messages.push({ role: 'tool', tool_call_id: part.id, content: resultText(part.content, part.isError) });
        rest.push(...part.content.filter((p) => p.type === 'image').map(openAiPart));
      }
    }
    rest.push(...message.parts.filter((p) => p.type === 'text' || p.type === 'image').map(openAiPart));
    if (rest.length === 0) continue;
    const only = rest[0];
    messages.push({ role: 'user', content: rest.length === 1 && isText(only) ? only.text : rest });
  }
  const body: JsonObject = { model: options.model, messages };
  if (ir.tools.length > 0) {
    body.tools = ir.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description === undefined ? {} : { description: t.description }), parameters: t.parameters ?? { type: 'object', properties: {} } },
    }));
  }
  if (ir.toolChoice) body.tool_choice = ir.toolChoice.type === 'tool' ? { type: 'function', function: { name: ir.toolChoice.name } } : ir.toolChoice.type;
  if (ir.parallelToolCalls !== undefined && ir.tools.length > 0) body.parallel_tool_calls = ir.parallelToolCalls;
  if (ir.maxOutputTokens !== undefined) body[options.maxTokensField ?? 'max_completion_tokens'] = ir.maxOutputTokens;
  if (ir.temperature !== undefined) body.temperature = ir.temperature;
  if (ir.topP !== undefined) body.top_p = ir.topP;
  if (ir.stop && ir.stop.length > 0) body.stop = [...ir.stop];
  if (ir.responseFormat) {
    body.response_format =
      ir.responseFormat.type === 'json_object' ? { type: 'json_object' } : { type: 'json_schema', json_schema: { name: ir.responseFormat.name ?? 'response', schema: ir.responseFormat.schema } };
  }
  if (ir.stream) {
    body.stream = true;
    // Always asked for: budgets settle on the provider's usage; the translator emits a usage chunk
    // to an OpenAI client only when it asked for one.
    body.stream_options = { include_usage: true };
  }
  return body;
}

function isText(value: JsonValue | undefined): value is { type: 'text'; text: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === 'text' && typeof value.text === 'string';
}

function openAiPart(part: IrPart): JsonValue {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image') {
    const url = part.data !== undefined ? `data:${part.mimeType ?? 'image/png'};base64,${part.data}` : (part.url ?? '');
    return { type: 'image_url', image_url: { url, ...(part.detail ? { detail: part.detail } : {}) } };
  }
  throw new TranslationError('Internal: unexpected part in an OpenAI content array.');
}

function resultText(content: readonly IrResultPart[], isError?: boolean): string {
  const text = content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  return isError ? `Error: ${text}` : text;
}

// ---- Anthropic messages ----

/**
 * Anthropic refuses a conversation whose first message is the assistant's (OpenAI and Gemini accept
 * one, as a greeting the app seeded): a minimal user turn is put before it, rather than dropping the
 * greeting or refusing an ordinary request.
 */
export const CONVERSATION_START = '(conversation start)';

export function writeAnthropicMessages(ir: IrRequest, options: WriteOptions): JsonObject {
  const messages: Array<{ role: 'user' | 'assistant'; content: JsonValue[] }> = [];
  for (const message of ir.messages) {
    const content = anthropicBlocks(message);
    if (content.length === 0) continue;
    const last = messages[messages.length - 1];
    if (last && last.role === message.role) last.content.push(...content);
    else messages.push({ role: message.role, content });
  }
  if (messages[0]?.role === 'assistant') messages.unshift({ role: 'user', content: [{ type: 'text', text: CONVERSATION_START }] });
  // tool_result blocks must come first in their user turn (after merging turns as well).
  for (const message of messages) {
    if (message.role === 'user') message.content.sort((a, b) => rank(a) - rank(b));
  }
  const system = [...ir.system, ...(ir.responseFormat ? [jsonInstruction(ir.responseFormat)] : [])].filter((s) => s.length > 0);
  const body: JsonObject = { model: options.model, max_tokens: ir.maxOutputTokens ?? options.defaultMaxOutputTokens, messages };
  if (system.length > 0) body.system = system.join('\n\n');
  if (ir.tools.length > 0) {
    body.tools = ir.tools.map((t) => ({ name: t.name, ...(t.description === undefined ? {} : { description: t.description }), input_schema: t.parameters ?? { type: 'object', properties: {} } }));
  }
  const choice = anthropicToolChoice(ir);
  if (choice) body.tool_choice = choice;
  // Anthropic's range is 0..1 where OpenAI's and Gemini's is 0..2: the closest it can do is its maximum.
  if (ir.temperature !== undefined) body.temperature = Math.min(ir.temperature, 1);
  if (ir.topP !== undefined) body.top_p = ir.topP;
  if (ir.topK !== undefined) body.top_k = ir.topK;
  if (ir.stop && ir.stop.length > 0) body.stop_sequences = [...ir.stop];
  if (ir.stream) body.stream = true;
  return body;
}

function rank(block: JsonValue): number {
  return typeof block === 'object' && block !== null && !Array.isArray(block) && block.type === 'tool_result' ? 0 : 1;
}

function anthropicToolChoice(ir: IrRequest): JsonObject | undefined {
  if (ir.tools.length === 0) return undefined;
  const noParallel: JsonObject = ir.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  switch (ir.toolChoice?.type) {
    case undefined:
      return ir.parallelToolCalls === false ? { type: 'auto', ...noParallel } : undefined;
    case 'auto':
      return { type: 'auto', ...noParallel };
    case 'required':
      return { type: 'any', ...noParallel };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: ir.toolChoice.name, ...noParallel };
  }
}

function anthropicBlocks(message: IrMessage): JsonValue[] {
  return message.parts.flatMap((part): JsonValue[] => {
    switch (part.type) {
      case 'text':
        // Anthropic rejects empty text blocks.
        return part.text.length > 0 ? [{ type: 'text', text: part.text }] : [];
      case 'image':
        return [anthropicImage(part)];
      case 'tool_call':
        return [{ type: 'tool_use', id: anthropicId(part.id), name: part.name, input: part.arguments }];
      case 'tool_result': {
        const only = part.content[0];
        const content: JsonValue = part.content.length === 1 && only?.type === 'text' ? only.text : part.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : anthropicImage(p)));
        return [{ type: 'tool_result', tool_use_id: anthropicId(part.id), content, ...(part.isError ? { is_error: true } : {}) }];
      }
    }
  });
}

function anthropicImage(part: Extract<IrPart, { type: 'image' }>): JsonValue {
  if (part.data !== undefined) return { type: 'image', source: { type: 'base64', media_type: part.mimeType ?? 'image/png', data: part.data } };
  return { type: 'image', source: { type: 'url', url: part.url ?? '' } };
}

// ---- Gemini generateContent ----

export function writeGeminiGenerate(ir: IrRequest): JsonObject {
  const contents: Array<{ role: 'user' | 'model'; parts: JsonValue[] }> = [];
  for (const message of ir.messages) {
    const parts = message.parts.flatMap(geminiParts);
    if (parts.length === 0) continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  const body: JsonObject = { contents };
  if (ir.system.length > 0) body.systemInstruction = { parts: ir.system.map((text) => ({ text })) };
  if (ir.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: ir.tools.map((t) => ({
          name: t.name,
          ...(t.description === undefined ? {} : { description: t.description }),
          ...(t.parameters ? { parametersJsonSchema: t.parameters } : {}),
        })),
      },
    ];
  }
  if (ir.toolChoice && ir.tools.length > 0) {
    const mode = ir.toolChoice.type === 'auto' ? 'AUTO' : ir.toolChoice.type === 'none' ? 'NONE' : 'ANY';
    body.toolConfig = { functionCallingConfig: { mode, ...(ir.toolChoice.type === 'tool' ? { allowedFunctionNames: [ir.toolChoice.name] } : {}) } };
  }
  const config: JsonObject = {};
  if (ir.maxOutputTokens !== undefined) config.maxOutputTokens = ir.maxOutputTokens;
  if (ir.temperature !== undefined) config.temperature = ir.temperature;
  if (ir.topP !== undefined) config.topP = ir.topP;
  if (ir.topK !== undefined) config.topK = ir.topK;
  if (ir.stop && ir.stop.length > 0) config.stopSequences = [...ir.stop];
  if (ir.responseFormat) {
    config.responseMimeType = 'application/json';
    if (ir.responseFormat.type === 'json_schema') config.responseJsonSchema = ir.responseFormat.schema;
  }
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}

function geminiParts(part: IrPart): JsonValue[] {
  switch (part.type) {
    case 'text':
      return part.text.length > 0 ? [{ text: part.text }] : [];
    case 'image':
      return [geminiImage(part)];
    case 'tool_call':
      return [{ functionCall: { name: part.name, args: part.arguments } }];
    case 'tool_result': {
      const text = part.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
      const images = part.content.filter((p) => p.type === 'image').map(geminiImage);
      return [{ functionResponse: { name: part.name, response: functionResponse(text, part.isError) } }, ...images];
    }
  }
}

/** A JSON object result is passed as it is; anything else is wrapped as Gemini documents (`output` / `error`). */
function functionResponse(text: string, isError?: boolean): JsonObject {
  if (isError) return { error: text };
  try {
    const value = JSON.parse(text) as JsonValue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // plain text
  }
  return { output: text };
}

function geminiImage(part: Extract<IrPart, { type: 'image' }>): JsonValue {
  if (part.data !== undefined) return { inlineData: { mimeType: part.mimeType ?? 'image/png', data: part.data } };
  throw new TranslationError('Images given by URL cannot be sent to this model; send them inline (base64 or a data: URL).');
}
