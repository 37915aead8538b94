/**
 * A response transform over a buffered JSON response: every rewritable text and every tool call's
 * arguments go through their slot's processor whole, and the body is re-serialised with the results
 * (unchanged bytes when nothing changed). A block leaves the body as the client-shaped error; the
 * exchange answers it as an immediate response, which Envoy can still send with its own status because
 * a BUFFERED response's headers have not gone downstream yet (envoy-ext-proc.md B1, R5).
 */
import { parseResponse, rewriteResponse, RewriteError, type ParseableApiId } from '../../llm';
import type { GuardBlock } from '../../guard/registry';
import type { ResponseTransform } from '../transform';
import type { SlotFactory } from './slots';
import type { SlotKey } from './stream-shapes';

const EMPTY = Buffer.alloc(0);

export interface JsonSlotTransformOptions {
  readonly name: string;
  readonly api: ParseableApiId;
  readonly slots: SlotFactory;
  /** Fail closed when the body cannot be read (guards) or pass it unchanged (restoration). */
  readonly unreadable: 'block' | 'pass';
  readonly onBlock?: (block: GuardBlock) => void;
}

export class JsonSlotTransform implements ResponseTransform {
  readonly name: string;
  private readonly parts: Buffer[] = [];

  constructor(private readonly options: JsonSlotTransformOptions) {
    this.name = options.name;
  }

  push(chunk: Buffer): Buffer {
    // Buffered mode delivers the body in one message; should it come in parts, nothing leaves before the end.
    if (chunk.length > 0) this.parts.push(chunk);
    return EMPTY;
  }

  end(): Buffer {
    const body = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    this.parts.length = 0;
    if (body.length === 0) return body;
    const parsed = parseResponse(this.options.api, body);
    if (!parsed.ok) return this.options.unreadable === 'pass' ? body : this.block({ code: 'upstream_error', message: 'The provider sent a response the gateway could not read.' });
    const response = parsed.response;
    const texts = new Map<number, string>();
    const toolCalls = new Map<number, string>();
    const run = (key: SlotKey, text: string): string | GuardBlock => {
      const processor = this.options.slots(key);
      if (!processor) return text;
      const pushed = processor.push(text);
      if (pushed.block) return pushed.block;
      const ended = processor.end();
      if (ended.block) return ended.block;
      return pushed.text + ended.text;
    };
    const textKey = (index: number, refusal: boolean): SlotKey => {
      const perChoice = this.options.api.startsWith('openai.chat') || this.options.api.startsWith('gemini');
      return { kind: refusal ? 'refusal' : 'text', choice: perChoice ? index : 0, index: perChoice ? 0 : index };
    };
    for (const [position, text] of response.texts.entries()) {
      if (!text.rewritable || text.kind === 'reasoning') continue;
      const result = run(textKey(text.index, text.kind === 'refusal'), text.text);
      if (typeof result !== 'string') return this.block(result);
      if (result !== text.text) texts.set(position, result);
    }
    for (const [position, call] of response.toolCalls.entries()) {
      const result = run({ kind: 'tool_arguments', choice: call.choice ?? 0, index: call.index }, call.arguments);
      if (typeof result !== 'string') return this.block(result);
      if (result !== call.arguments) toolCalls.set(position, result);
    }
    try {
      return rewriteResponse(response, { texts, toolCalls });
    } catch (error) {
      // A rewrite that broke JSON-encoded arguments: never send what the guards did not approve.
      if (error instanceof RewriteError && this.options.unreadable === 'block') return this.block({ code: 'output_blocked', message: "The response was stopped by the gateway's content policy." });
      throw error;
    }
  }

  /** The exchange replaces the whole response with the error, so nothing of the body is returned. */
  private block(block: GuardBlock): Buffer {
    this.options.onBlock?.(block);
    return EMPTY;
  }
}
