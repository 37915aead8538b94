/**
 * A response transform over a client API's SSE stream that rewrites slot texts event by event: events
 * are reassembled across chunks (SseParser), decoded (the API's stream decoder), each text or
 * tool-argument delta goes through its slot's processor, and the event is re-encoded with what the
 * processor released. Text a processor still holds when its slot ends is flushed into a synthetic delta
 * event placed before the event that ends the slot (or into that event's own delta); snapshots of whole
 * texts (Responses `*.done`, `response.completed`) are replaced by what the client actually received.
 *
 * When a processor blocks, the chunk that tripped it is answered with the events decided before it and
 * one error event in the API's format (envoy-ext-proc.md B3: one answer per chunk, never more), and
 * every later chunk with an empty body until the upstream ends (closing the ext_proc stream instead
 * would let the rest through unfiltered, T2).
 */
import {
  apiError,
  createStreamDecoder,
  formatSseEvent,
  rewriteSseEvent,
  SseParser,
  type JsonObject,
  type SseEvent,
  type StreamDecoder,
  type StreamingApiId,
  type StreamTextEdit,
} from '../../llm';
import type { GuardBlock } from '../../guard/registry';
import type { ResponseTransform } from '../transform';
import type { SlotFactory, SlotProcessor } from './slots';
import { slotId, streamErrorEvents, streamShape, type SlotKey, type SlotTemplate, type StreamShape } from './stream-shapes';

const EMPTY = Buffer.alloc(0);

interface SlotState {
  readonly key: SlotKey;
  readonly processor: SlotProcessor;
  /** Everything released so far: what the client has of this text (for snapshots). */
  released: string;
  open: boolean;
  template?: SlotTemplate;
}

export interface SseSlotTransformOptions {
  readonly name: string;
  readonly api: StreamingApiId;
  readonly slots: SlotFactory;
  readonly requestId: string;
  /** Called once when the stream is stopped. */
  readonly onBlock?: (block: GuardBlock) => void;
}

export class SseSlotTransform implements ResponseTransform {
  readonly name: string;
  private readonly parser = new SseParser();
  private readonly decoder: StreamDecoder;
  private readonly shape: StreamShape;
  private readonly slots = new Map<string, SlotState>();
  private envelope: JsonObject | undefined;
  private stopped = false;

  constructor(private readonly options: SseSlotTransformOptions) {
    this.name = options.name;
    this.decoder = createStreamDecoder(options.api);
    this.shape = streamShape(options.api);
  }

  push(chunk: Buffer): Buffer {
    if (this.stopped) return EMPTY;
    const parsed = this.parser.push(chunk);
    const out: string[] = [];
    for (const event of parsed.events) {
      const block = this.handle(event, out);
      if (block) return this.stop(block, out);
    }
    if (parsed.error) return this.stop({ code: 'upstream_error', message: 'The provider sent a stream event the gateway could not read.' }, out);
    return out.length === 0 ? EMPTY : Buffer.from(out.join(''), 'utf8');
  }

  end(): Buffer {
    if (this.stopped) return EMPTY;
    this.parser.end();
    this.decoder.end();
    const out: string[] = [];
    for (const slot of this.slots.values()) {
      if (!slot.open) continue;
      const block = this.close(slot, undefined, out, undefined);
      if (block) return this.stop(block, out);
    }
    return out.length === 0 ? EMPTY : Buffer.from(out.join(''), 'utf8');
  }

  private stop(block: GuardBlock, out: string[]): Buffer {
    this.stopped = true;
    this.options.onBlock?.(block);
    const code = block.code === 'upstream_error' ? 'upstream_error' : 'output_blocked';
    const status = code === 'upstream_error' ? 502 : 400;
    out.push(streamErrorEvents(this.options.api, apiError(status, code, `${block.message} (request ${this.options.requestId})`), this.options.requestId));
    return Buffer.from(out.join(''), 'utf8');
  }

  /** Processes one SSE event into `out`; returns the block when a processor stopped the response. */
  private handle(event: SseEvent, out: string[]): GuardBlock | undefined {
    const decoded = this.decoder.decode(event);
    const data = isObject(decoded.data) ? decoded.data : undefined;
    if (data && (data.id !== undefined || data.modelVersion !== undefined || data.object !== undefined)) this.envelope = data;
    const edits: Array<StreamTextEdit & { readonly original: string }> = [];
    /** Slots that got a delta in this event: flushed text goes into that delta, in order. */
    const editOf = new Map<SlotState, number>();
    const before: string[] = [];
    const ending: SlotState[] = [];

    for (const item of decoded.events) {
      switch (item.type) {
        case 'text_delta': {
          const slot = this.slot(this.shape.textSlot(item.index, item.refusal === true));
          if (!slot || !data) break;
          const result = slot.processor.push(item.text);
          if (result.block) return result.block;
          slot.released += result.text;
          slot.template = { ...(event.event === undefined ? {} : { event: event.event }), data };
          editOf.set(slot, edits.push({ pointer: item.pointer, text: result.text, encoding: 'string', original: item.text }) - 1);
          break;
        }
        case 'tool_call_delta': {
          const slot = this.slot({ kind: 'tool_arguments', choice: item.choice ?? 0, index: item.index });
          if (!slot || !data) break;
          slot.template = { ...(event.event === undefined ? {} : { event: event.event }), data };
          if (!item.pointer) break;
          // JSON-encoded arguments (Gemini) arrive whole in one event: the slot ends with it.
          const whole = item.encoding === 'json';
          const pushed = slot.processor.push(item.argumentsDelta);
          if (pushed.block) return pushed.block;
          let text = pushed.text;
          if (whole) {
            const ended = slot.processor.end();
            if (ended.block) return ended.block;
            text += ended.text;
            slot.open = false;
          }
          slot.released += text;
          editOf.set(slot, edits.push({ pointer: item.pointer, text, encoding: item.encoding, original: item.argumentsDelta }) - 1);
          break;
        }
        case 'text_snapshot': {
          if (item.kind === 'reasoning') break;
          const key: SlotKey = item.kind === 'tool_arguments' ? { kind: 'tool_arguments', choice: 0, index: item.index } : this.shape.textSlot(item.index, item.kind === 'refusal');
          const existing = this.slots.get(slotId(key));
          if (existing?.open) {
            const block = this.close(existing, data, before, editOf, edits);
            if (block) return block;
          }
          let slot = existing;
          if (!slot) {
            // A text the stream never sent as deltas: it goes through a processor whole.
            slot = this.slot(key);
            if (!slot) break;
            const pushed = slot.processor.push(item.text);
            if (pushed.block) return pushed.block;
            const ended = slot.processor.end();
            if (ended.block) return ended.block;
            slot.released = pushed.text + ended.text;
            slot.open = false;
          }
          edits.push({ pointer: item.pointer, text: slot.released, encoding: 'string', original: item.text });
          break;
        }
        case 'finish':
        case 'done':
        case 'error':
          for (const slot of this.slots.values()) if (slot.open && this.shape.ends(slot.key, item) && !ending.includes(slot)) ending.push(slot);
          break;
        default:
      }
    }
    const endedIndex = this.shape.endsIndex(data);
    if (endedIndex !== undefined) for (const slot of this.slots.values()) if (slot.open && slot.key.index === endedIndex && !ending.includes(slot)) ending.push(slot);
    for (const slot of ending) {
      const block = this.close(slot, data, before, editOf, edits);
      if (block) return block;
    }

    out.push(...before);
    // Most events come out as they went in (restoration with no placeholder in sight, text already
    // cleared): re-encoding their JSON would be wasted work.
    const changed = edits.filter((edit) => edit.text !== edit.original);
    out.push(changed.length > 0 && data ? rewriteSseEvent(event, data, changed) : formatSseEvent(event));
    return undefined;
  }

  /** Ends a slot: its held text goes into this event's delta for it, or a synthetic event before `next`. */
  private close(slot: SlotState, next: JsonObject | undefined, before: string[], editOf?: Map<SlotState, number>, edits?: Array<StreamTextEdit & { readonly original: string }>): GuardBlock | undefined {
    slot.open = false;
    const ended = slot.processor.end();
    if (ended.block) return ended.block;
    if (ended.text.length === 0) return undefined;
    slot.released += ended.text;
    const position = editOf?.get(slot);
    const edit = position === undefined ? undefined : edits?.[position];
    if (edit && edits && position !== undefined) {
      edits[position] = { ...edit, text: edit.text + ended.text };
    } else {
      before.push(formatSseEvent(this.shape.synthesize(slot.key, ended.text, this.envelope, slot.template, next)));
    }
    return undefined;
  }

  private slot(key: SlotKey): SlotState | undefined {
    const id = slotId(key);
    const existing = this.slots.get(id);
    if (existing?.open) return existing;
    // A slot that ended and gets more text (a provider quirk) starts over: nothing passes unprocessed.
    const processor = this.options.slots(key);
    if (!processor) return undefined;
    const state: SlotState = { key, processor, released: existing?.released ?? '', open: true };
    this.slots.set(id, state);
    return state;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
