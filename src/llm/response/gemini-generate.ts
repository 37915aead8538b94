/** Gemini generateContent: the GenerateContentResponse, whole or as an SSE stream of them. */
import { getArray, getNumber, getObject, getString, own, type JsonObject } from '../json';
import { asObjects } from '../request/collector';
import { count, errorEvent, parseData, truncated, unparseable, usage } from './common';
import type { CanonicalResponse, DecodedSseEvent, FinishReason, ResponseText, ResponseToolCall, StreamDecoder, StreamEvent, TokenUsage } from './types';

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

/** Gemini says STOP after a function call too; `calledTool` turns that into tool_calls. */
export function geminiFinishReason(raw: string, calledTool: boolean): FinishReason {
  if (raw === 'STOP') return calledTool ? 'tool_calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content_filter';
  return 'other';
}

/**
 * promptTokenCount includes cached content; thoughts are outside candidatesTokenCount but billed as
 * output, so outputTokens adds them; tool-use prompt tokens are billed as input.
 */
export function geminiUsage(raw: JsonObject | undefined): TokenUsage | undefined {
  if (!raw) return undefined;
  const prompt = count(raw, 'promptTokenCount');
  const candidates = count(raw, 'candidatesTokenCount');
  const thoughts = count(raw, 'thoughtsTokenCount');
  if (prompt === undefined && candidates === undefined && thoughts === undefined) return undefined;
  return usage({
    inputTokens: (prompt ?? 0) + (count(raw, 'toolUsePromptTokenCount') ?? 0),
    outputTokens: (candidates ?? 0) + (thoughts ?? 0),
    cachedInputTokens: count(raw, 'cachedContentTokenCount'),
    reasoningTokens: thoughts,
    totalTokens: count(raw, 'totalTokenCount'),
  });
}

export function parseGenerateContentResponse(body: JsonObject): Omit<CanonicalResponse, 'api' | 'body' | 'raw'> {
  const texts: ResponseText[] = [];
  const toolCalls: ResponseToolCall[] = [];
  let firstFinish: { reason: FinishReason; raw: string } | undefined;
  for (const [c, candidate] of asObjects(getArray(body, 'candidates'))) {
    const index = getNumber(candidate, 'index') ?? c;
    const parts = getArray(getObject(candidate, 'content') ?? {}, 'parts');
    let calledTool = false;
    for (const [j, part] of asObjects(parts)) {
      const at = ['candidates', c, 'content', 'parts', j];
      const text = getString(part, 'text');
      if (text !== undefined) texts.push({ index, kind: part.thought === true ? 'reasoning' : 'text', text, pointer: [...at, 'text'], rewritable: true });
      const call = getObject(part, 'functionCall');
      if (call) {
        calledTool = true;
        const id = getString(call, 'id');
        toolCalls.push({ index: toolCalls.length, choice: index, ...(id === undefined ? {} : { id }), name: getString(call, 'name') ?? '', arguments: JSON.stringify(own(call, 'args') ?? {}), pointer: [...at, 'functionCall', 'args'], encoding: 'json' });
      }
    }
    const raw = getString(candidate, 'finishReason');
    if (c === 0 && raw !== undefined) firstFinish = { reason: geminiFinishReason(raw, calledTool), raw };
  }
  const blocked = getString(getObject(body, 'promptFeedback') ?? {}, 'blockReason');
  if (firstFinish === undefined && blocked !== undefined) firstFinish = { reason: 'content_filter', raw: blocked };
  const model = getString(body, 'modelVersion');
  const tokenUsage = geminiUsage(getObject(body, 'usageMetadata'));
  return {
    ...(model === undefined ? {} : { model }),
    texts,
    toolCalls,
    ...(firstFinish === undefined ? {} : { finishReason: firstFinish.reason, rawFinishReason: firstFinish.raw }),
    ...(tokenUsage === undefined ? {} : { usage: tokenUsage }),
  };
}

/**
 * Each event is a GenerateContentResponse with the next parts; function calls arrive whole. There
 * is no terminator: the stream is complete when it ends after a finishReason (or a prompt block).
 */
export class GenerateContentStreamDecoder implements StreamDecoder {
  private toolSlots = 0;
  private readonly calledTool = new Set<number>();
  private finished = false;
  private failed = false;

  decode(event: { readonly data: string }): DecodedSseEvent {
    const data = parseData(event.data);
    if (data === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return unparseable();
    const error = getObject(data, 'error');
    if (error) {
      this.failed = true;
      return { data, events: [errorEvent(error)] };
    }
    const events: StreamEvent[] = [];
    for (const [c, candidate] of asObjects(getArray(data, 'candidates'))) {
      const index = getNumber(candidate, 'index') ?? c;
      for (const [j, part] of asObjects(getArray(getObject(candidate, 'content') ?? {}, 'parts'))) {
        const at = ['candidates', c, 'content', 'parts', j];
        const text = getString(part, 'text');
        if (text) events.push(part.thought === true ? { type: 'reasoning_delta', index, text, pointer: [...at, 'text'] } : { type: 'text_delta', index, text, pointer: [...at, 'text'] });
        const call = getObject(part, 'functionCall');
        if (call) {
          this.calledTool.add(index);
          const id = getString(call, 'id');
          const name = getString(call, 'name');
          events.push({
            type: 'tool_call_delta',
            index: this.toolSlots++,
            choice: index,
            ...(id === undefined ? {} : { id }),
            ...(name === undefined ? {} : { name }),
            argumentsDelta: JSON.stringify(own(call, 'args') ?? {}),
            pointer: [...at, 'functionCall', 'args'],
            encoding: 'json',
          });
        }
      }
      const raw = getString(candidate, 'finishReason');
      if (raw !== undefined) {
        this.finished = true;
        events.push({ type: 'finish', index, reason: geminiFinishReason(raw, this.calledTool.has(index)), raw });
      }
    }
    const blocked = getString(getObject(data, 'promptFeedback') ?? {}, 'blockReason');
    if (blocked !== undefined) {
      this.finished = true;
      events.push({ type: 'finish', index: 0, reason: 'content_filter', raw: blocked });
    }
    const tokenUsage = geminiUsage(getObject(data, 'usageMetadata'));
    if (tokenUsage) events.push({ type: 'usage', usage: tokenUsage });
    return { data, events };
  }

  end(): StreamEvent[] {
    if (this.failed) return [];
    return this.finished ? [{ type: 'done' }] : [truncated('a finishReason')];
  }
}
