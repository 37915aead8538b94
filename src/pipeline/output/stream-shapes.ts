/**
 * What the output stages need to know about each client API's stream beyond the decoders: which slot a
 * delta belongs to, when a slot ends (so held-back text is flushed before the event that ends it), how
 * to write a synthetic delta event carrying flushed text, and the one error event that ends a stream
 * the gateway stops (plus `data: [DONE]` for OpenAI chat), in the shape each official SDK raises.
 */
import { renderError, type ApiError, type ApiFamily, type JsonObject, type SseEvent, type StreamEvent, type StreamingApiId } from '../../llm';
import { formatSseEvent } from '../../llm';

export type SlotKind = 'text' | 'refusal' | 'tool_arguments';

export interface SlotKey {
  readonly kind: SlotKind;
  /** Choice (OpenAI chat) or candidate (Gemini); 0 where the API has one. */
  readonly choice: number;
  /** Tool-call slot, content block (Anthropic) or output item (Responses); 0 for chat and Gemini texts. */
  readonly index: number;
}

export function slotId(key: SlotKey): string {
  return `${key.kind}/${key.choice}/${key.index}`;
}

/** The last event that carried a delta for a slot: the template for a synthetic one. */
export interface SlotTemplate {
  readonly event?: string;
  readonly data: JsonObject;
}

export interface StreamShape {
  readonly family: ApiFamily;
  /** The slot of a text delta (or a snapshot of kind text/refusal). */
  textSlot(index: number, refusal: boolean): SlotKey;
  /** Whether `event` (a decoded canonical event) ends slot `key`. */
  ends(key: SlotKey, event: StreamEvent): boolean;
  /** Slot indexes that an SSE event ends outside the canonical events (Anthropic content_block_stop). */
  endsIndex(data: JsonObject | undefined): number | undefined;
  /** An event carrying `text` for the slot, built from the envelope seen last and the slot's template. */
  synthesize(key: SlotKey, text: string, envelope: JsonObject | undefined, template: SlotTemplate | undefined, next: JsonObject | undefined): SseEvent;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

const chatShape: StreamShape = {
  family: 'openai',
  textSlot: (index, refusal) => ({ kind: refusal ? 'refusal' : 'text', choice: index, index: 0 }),
  ends: (key, event) => event.type === 'done' || event.type === 'error' || (event.type === 'finish' && event.index === key.choice),
  endsIndex: () => undefined,
  synthesize(key, text, envelope) {
    const delta: JsonObject = key.kind === 'tool_arguments' ? { tool_calls: [{ index: key.index, function: { arguments: text } }] } : { [key.kind === 'refusal' ? 'refusal' : 'content']: text };
    const data: JsonObject = { object: 'chat.completion.chunk' };
    for (const field of ['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier']) {
      const value = envelope?.[field];
      if (value !== undefined) data[field] = value;
    }
    data.choices = [{ index: key.choice, delta, logprobs: null, finish_reason: null }];
    return { data: JSON.stringify(data) };
  },
};

const anthropicShape: StreamShape = {
  family: 'anthropic',
  textSlot: (index) => ({ kind: 'text', choice: 0, index }),
  ends: (_key, event) => event.type === 'done' || event.type === 'error' || event.type === 'finish',
  endsIndex: (data) => (data && data.type === 'content_block_stop' ? num(data.index) : undefined),
  synthesize(key, text) {
    const delta = key.kind === 'tool_arguments' ? { type: 'input_json_delta', partial_json: text } : { type: 'text_delta', text };
    return { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: key.index, delta }) };
  },
};

const responsesShape: StreamShape = {
  family: 'openai',
  textSlot: (index, refusal) => ({ kind: refusal ? 'refusal' : 'text', choice: 0, index }),
  ends: (key, event) =>
    event.type === 'done' ||
    event.type === 'error' ||
    event.type === 'finish' ||
    (event.type === 'text_snapshot' && event.index === key.index && (event.kind === key.kind || (event.kind === 'tool_arguments' && key.kind === 'tool_arguments'))),
  endsIndex: () => undefined,
  synthesize(key, text, _envelope, template, next) {
    const sequence = num(next?.sequence_number);
    const seq = sequence === undefined ? {} : { sequence_number: sequence };
    const templateData = template?.data;
    if (key.kind === 'tool_arguments') {
      const item = templateData && typeof templateData.item === 'object' && templateData.item !== null && !Array.isArray(templateData.item) ? (templateData.item as JsonObject) : undefined;
      const itemId = str(templateData?.item_id) ?? str(item?.id);
      const custom = str(templateData?.type)?.startsWith('response.custom_tool_call') === true || item?.type === 'custom_tool_call';
      const type = custom ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta';
      return { event: type, data: JSON.stringify({ type, ...(itemId ? { item_id: itemId } : {}), output_index: key.index, delta: text, ...seq }) };
    }
    const type = key.kind === 'refusal' ? 'response.refusal.delta' : 'response.output_text.delta';
    const itemId = str(templateData?.item_id);
    const contentIndex = num(templateData?.content_index) ?? 0;
    return {
      event: type,
      data: JSON.stringify({ type, ...(itemId ? { item_id: itemId } : {}), output_index: key.index, content_index: contentIndex, delta: text, ...(key.kind === 'text' ? { logprobs: [] } : {}), ...seq }),
    };
  },
};

const geminiShape: StreamShape = {
  family: 'gemini',
  textSlot: (index) => ({ kind: 'text', choice: index, index: 0 }),
  ends: (key, event) => event.type === 'done' || event.type === 'error' || (event.type === 'finish' && event.index === key.choice),
  endsIndex: () => undefined,
  synthesize(key, text, envelope) {
    const data: JsonObject = { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: key.choice }] };
    for (const field of ['modelVersion', 'responseId']) {
      const value = envelope?.[field];
      if (value !== undefined) data[field] = value;
    }
    return { data: JSON.stringify(data) };
  },
};

export function streamShape(api: StreamingApiId): StreamShape {
  switch (api) {
    case 'openai.chat_completions':
      return chatShape;
    case 'openai.responses':
      return responsesShape;
    case 'anthropic.messages':
      return anthropicShape;
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content':
      return geminiShape;
  }
}

/**
 * The events that end a stream the gateway stopped: the API's in-band error event, which each official
 * SDK raises as its APIError (OpenAI chat and Gemini read `error` in the data; Anthropic reads
 * `event: error`; Responses sends `type: error` and, for the SDK's generic check, `error` as well).
 */
export function streamErrorEvents(api: StreamingApiId, error: ApiError, requestId: string, sequence?: number): string {
  const family: ApiFamily = api.startsWith('anthropic') ? 'anthropic' : api.startsWith('gemini') ? 'gemini' : 'openai';
  const body = JSON.parse(renderError(family, error, { requestId }).body.toString('utf8')) as JsonObject;
  switch (api) {
    case 'openai.chat_completions':
      return formatSseEvent({ data: JSON.stringify(body) }) + formatSseEvent({ data: '[DONE]' });
    case 'openai.responses': {
      const inner = body.error as JsonObject;
      return formatSseEvent({
        event: 'error',
        data: JSON.stringify({ type: 'error', code: error.code, message: inner.message, param: null, ...(sequence === undefined ? {} : { sequence_number: sequence }), error: inner }),
      });
    }
    case 'anthropic.messages':
      return formatSseEvent({ event: 'error', data: JSON.stringify(body) });
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content':
      return formatSseEvent({ data: JSON.stringify(body) });
  }
}
