/**
 * Deterministic generation shared by all flavours: the reply text, token counts and tool calls are pure
 * functions of the request, so tests can compute the expected values with the same exported helpers.
 */
import { randomBytes } from 'node:crypto';
import { asArray, asObject, asString } from './json';
import type { Flavor, Json, JsonObject } from './types';

/** How many code points of the last user message the default reply echoes. */
export const ECHO_LENGTH = 40;

/** Token estimate used for every count the mocks report: one token per 4 code points, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}

/** Whitespace-collapsed first ECHO_LENGTH code points of a text: what replies and tool arguments echo. */
export function digest(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, ECHO_LENGTH).join('');
}

/** The default reply: `mock-<flavor> reply to: <digest of the last user message>`. */
export function defaultReplyText(flavor: Flavor, lastUserText: string): string {
  const echoed = digest(lastUserText);
  return `mock-${flavor} reply to: ${echoed.length > 0 ? echoed : '(no user text)'}`;
}

export interface GeneratedText {
  readonly text: string;
  /** True when `maxTokens` cut the text short (finish reason `length` / `max_tokens` / `MAX_TOKENS`). */
  readonly truncated: boolean;
  readonly tokens: number;
}

/** Applies a max-output-tokens limit the way a model would: stop after that many (estimated) tokens. */
export function limitText(text: string, maxTokens: number | undefined): GeneratedText {
  const tokens = estimateTokens(text);
  if (maxTokens === undefined || maxTokens <= 0 || tokens <= maxTokens) return { text, truncated: false, tokens };
  const cut = Array.from(text).slice(0, maxTokens * 4).join('');
  return { text: cut, truncated: true, tokens: estimateTokens(cut) };
}

/** Splits text into word-sized deltas (each word keeps its trailing whitespace); they concatenate back to it. */
export function splitDeltas(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Splits a string into `parts` roughly equal pieces (for streaming tool-call arguments). */
export function splitEvenly(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** A provider-style id: `<prefix><hex>`. Random (real ids are unique); tests should not depend on it. */
export function newId(prefix: string, hexChars = 24): string {
  return prefix + randomBytes(Math.ceil(hexChars / 2)).toString('hex').slice(0, hexChars);
}

/** A tool the request offered, reduced to what the mocks need: its name and JSON-schema parameters. */
export interface ToolSpec {
  readonly name: string;
  readonly parameters: JsonObject | undefined;
}

export interface ToolCall {
  readonly name: string;
  readonly args: JsonObject;
}

/**
 * Decides whether the mock "calls a tool": only when the request offered tools and the last user message
 * asks for it, i.e. names one of the tools or contains the word "tool". The named tool wins, else the first.
 * Arguments are filled from the tool's JSON schema: strings echo the digest of the user message (so
 * output guards and placeholder restoration can be tested on tool arguments), numbers are 1, booleans true.
 */
export function pickToolCall(tools: readonly ToolSpec[], lastUserText: string): ToolCall | undefined {
  if (tools.length === 0) return undefined;
  const lower = lastUserText.toLowerCase();
  const named = tools.find((t) => lower.includes(t.name.toLowerCase()));
  if (!named && !/\btools?\b/.test(lower)) return undefined;
  const tool = named ?? tools[0];
  return { name: tool.name, args: argsFromSchema(tool.parameters, digest(lastUserText)) };
}

function argsFromSchema(schema: JsonObject | undefined, text: string): JsonObject {
  const args: JsonObject = {};
  const properties = asObject(schema?.properties);
  if (!properties) return args;
  for (const [name, raw] of Object.entries(properties)) {
    const prop = asObject(raw);
    const enumValues = asArray(prop?.enum);
    // Gemini schemas spell types in upper case (STRING); JSON Schema in lower case.
    const type = (asString(prop?.type) ?? 'string').toLowerCase();
    args[name] = enumValues.length > 0 ? enumValues[0] : valueForType(type, text);
  }
  return args;
}

function valueForType(type: string, text: string): Json {
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return text;
  }
}
