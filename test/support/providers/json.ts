/**
 * Narrowing helpers for untrusted request JSON. The mocks accept whatever a client (or the gateway) sends,
 * so every field is checked before use instead of being cast.
 */
import type { Json, JsonObject } from './types';

export function asObject(value: Json | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: Json | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Parses text as JSON, returning undefined instead of throwing (the caller decides what a bad body means). */
export function tryParseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/**
 * Text of a message `content` in any of the three APIs: a plain string, or an array of parts where text
 * parts carry `text` (OpenAI `text`/`input_text`/`output_text`, Anthropic `text`, Gemini parts) and
 * tool results nest their own content. Non-text parts (images, audio) contribute nothing.
 */
export function contentText(content: Json | undefined): string {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of asArray(content)) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    const obj = asObject(part);
    if (!obj) continue;
    const text = asString(obj.text);
    if (text !== undefined) texts.push(text);
    else if (obj.content !== undefined) texts.push(contentText(obj.content));
  }
  return texts.filter((t) => t.length > 0).join('\n');
}
