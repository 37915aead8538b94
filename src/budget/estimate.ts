/**
 * Prompt token estimates before a request is forwarded, per model family of the *served* model
 * (after routing and translation the provider that bills may not be the API the client spoke).
 *
 * - OpenAI: the real BPE (`gpt-tokenizer`): o200k_base for gpt-4o, gpt-4.1, gpt-4.5, the o-series,
 *   gpt-5 and later; cl100k_base for gpt-4, gpt-3.5 and the text-embedding models. Chat framing as
 *   OpenAI's cookbook counts it: 3 tokens per message, 3 to prime the reply.
 * - Anthropic and Gemini publish no tokenizer for current models (only count-tokens endpoints, a
 *   network call we will not put on the request path). Their counts are approximated from the o200k
 *   count times a factor; see README.md "Calibration" for where the factors come from and how to re-fit
 *   them (`EstimateOptions.textFactor`). Gemini also never goes below Google's rule of thumb of one
 *   token per 4 characters.
 * - Images by each provider's published rule (`imageTokens`); dimensions are read from the header
 *   of inline images, and an image given by URL or file id is counted at the provider's maximum.
 * - Tools: the definitions are serialised as JSON and counted (a slight overestimate of what the
 *   providers render), plus Anthropic's published tool-use system prompt.
 *
 * An estimate only sizes the reservation; settlement always uses the provider's reported usage.
 */
import type { ApiFamily } from '../llm/apis';
import type { CanonicalRequest, MediaRef } from '../llm/canonical';
import { getAt, type JsonValue } from '../llm/json';
import { imageDimensionsFromBase64, type ImageDimensions } from './image-size';

export type EstimateMethod = 'o200k' | 'cl100k' | 'anthropic~o200k' | 'gemini~o200k';

/** The model that will serve (and bill) the request. */
export interface EstimateTarget {
  readonly family: ApiFamily;
  /** The provider's model id (the routed model's upstream id). */
  readonly model: string;
}

export interface EstimateOptions {
  /** Multiplier on the o200k count for approximated families; defaults from `defaultTextFactor`. */
  readonly textFactor?: number;
  /** Above this many characters of text, the rest is counted as chars/3 instead of BPE (bounds CPU). */
  readonly maxBpeChars?: number;
  /** Gemini: tokens per image when its size is unknown or the model bills images flat (default by model). */
  readonly geminiImageTokens?: number;
}

export interface EstimateBreakdown {
  readonly text: number;
  readonly framing: number;
  readonly tools: number;
  readonly media: number;
  /** Embeddings given as token arrays. */
  readonly tokenInput: number;
}

export interface RequestEstimate {
  readonly promptTokens: number;
  /** The per-choice output cap the client asked for, when it set one. */
  readonly requestedMaxOutputTokens?: number;
  /** Choices requested (`n`, `candidateCount`), at least 1. */
  readonly n: number;
  /** False for embeddings: nothing is generated. */
  readonly producesOutput: boolean;
  readonly method: EstimateMethod;
  readonly breakdown: EstimateBreakdown;
}

/** What bounds the expected output of one request. */
export interface OutputCaps {
  /** Per choice, used when the request sets no max tokens (never the model maximum). */
  readonly defaultMaxOutputTokens: number;
  /** The tenant's cap per choice. */
  readonly tenantMaxOutputTokens?: number;
  /** The served model's maximum output. */
  readonly modelMaxOutputTokens?: number;
}

const DEFAULT_MAX_BPE_CHARS = 1_000_000;

// ---- Tokenizers (loaded on first use: each rank table costs ~100-250 ms to load) ----

interface Encoder {
  countTokens(text: string): number;
}

let o200k: Encoder | undefined;
let cl100k: Encoder | undefined;

function encoder(name: 'o200k' | 'cl100k'): Encoder {
  if (name === 'o200k') {
    o200k ??= require('gpt-tokenizer/cjs/encoding/o200k_base') as Encoder;
    return o200k;
  }
  cl100k ??= require('gpt-tokenizer/cjs/encoding/cl100k_base') as Encoder;
  return cl100k;
}

/** Loads the tokenizers now instead of on the first request (call at startup). */
export function warmUpTokenizers(): void {
  encoder('o200k').countTokens('warm up');
  encoder('cl100k').countTokens('warm up');
}

/** o200k_base for gpt-4o and everything after it; cl100k_base for the older GPT-4/3.5 and embeddings. */
export function openAiEncoding(model: string): 'o200k' | 'cl100k' {
  const m = model.toLowerCase().replace(/^.*\//, ''); // "openai/gpt-4o" -> "gpt-4o"
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-[6-9]|o[1-9]\b|o[1-9]-|codex|gpt-oss|gpt-image|gpt-realtime|gpt-audio|computer-use|omni-moderation)/.test(m)) {
    return 'o200k';
  }
  if (/^(gpt-4|gpt-3\.5|text-embedding-|davinci-002|babbage-002)/.test(m)) return 'cl100k';
  return 'o200k'; // unknown (new) OpenAI-compatible models: the current encoding
}

/**
 * Default multipliers on the o200k count (README.md "Calibration"): Claude 3 to 4.6 about 1.2;
 * the tokenizer introduced with Claude Opus 4.7 produces up to ~35% more tokens for the same text,
 * so 1.6 for it and later generations; Gemini 1.1.
 */
export function defaultTextFactor(target: EstimateTarget): number {
  if (target.family === 'openai') return 1;
  if (target.family === 'gemini') return 1.1;
  return isNewClaudeTokenizer(target.model) ? 1.6 : 1.2;
}

function isNewClaudeTokenizer(model: string): boolean {
  const m = model.toLowerCase();
  return /opus-4-([7-9]|\d\d)/.test(m) || /claude-(?:[a-z]+-)?([5-9]|\d\d)(?:[-.]|$)/.test(m);
}

function methodOf(target: EstimateTarget): EstimateMethod {
  if (target.family === 'openai') return openAiEncoding(target.model);
  return target.family === 'anthropic' ? 'anthropic~o200k' : 'gemini~o200k';
}

/** Tokens of one text for the target model (no message framing). */
export function countTextTokens(text: string, target: EstimateTarget, options: EstimateOptions = {}): number {
  if (text.length === 0) return 0;
  const limit = options.maxBpeChars ?? DEFAULT_MAX_BPE_CHARS;
  const counted = text.length > limit ? text.slice(0, limit) : text;
  const rest = text.length - counted.length;
  const bpe = encoder(target.family === 'openai' ? openAiEncoding(target.model) : 'o200k').countTokens(counted) + Math.ceil(rest / 3);
  if (target.family === 'openai') return bpe;
  const factor = options.textFactor ?? defaultTextFactor(target);
  const approx = Math.ceil(bpe * factor);
  return target.family === 'gemini' ? Math.max(approx, Math.ceil(text.length / 4)) : approx;
}

// ---- Framing and tools ----

interface Framing {
  readonly perMessage: number;
  readonly base: number;
  /** Added once when any tool is defined (Anthropic's tool-use system prompt). */
  readonly toolsBase: number;
}

function framingOf(target: EstimateTarget, api: CanonicalRequest['api']): Framing {
  if (api === 'openai.embeddings') return { perMessage: 0, base: 0, toolsBase: 0 };
  switch (target.family) {
    case 'openai':
      return { perMessage: 3, base: 3, toolsBase: 12 };
    case 'anthropic':
      // Anthropic's docs list 346 tool-use system prompt tokens for Claude 4.x / 3.7 with tool_choice auto (the largest case).
      return { perMessage: 4, base: 4, toolsBase: 346 };
    case 'gemini':
      return { perMessage: 3, base: 2, toolsBase: 10 };
  }
}

/** Tool definitions and structured-output schemas, which are not text segments. */
function definitionsText(request: CanonicalRequest): string {
  const parts: string[] = [];
  for (const field of ['tools', 'functions']) {
    const value = getAt(request.body, [field]);
    if (Array.isArray(value) && value.length > 0) parts.push(JSON.stringify(value));
  }
  const schema: JsonValue | undefined = request.responseFormat?.schema;
  if (schema !== undefined) parts.push(JSON.stringify(schema));
  return parts.join('\n');
}

// ---- Media ----

interface TileRule {
  readonly kind: 'tile';
  readonly base: number;
  readonly tile: number;
}
interface PatchRule {
  readonly kind: 'patch';
  readonly multiplier: number;
}

/** OpenAI's published image costs by model (the vision guide's tables). */
export function openAiImageRule(model: string): TileRule | PatchRule {
  const m = model.toLowerCase().replace(/^.*\//, '');
  if (/^gpt-4\.1-mini|^gpt-5-mini/.test(m)) return { kind: 'patch', multiplier: 1.62 };
  if (/^gpt-4\.1-nano|^gpt-5-nano/.test(m)) return { kind: 'patch', multiplier: 2.46 };
  if (/^o4-mini/.test(m)) return { kind: 'patch', multiplier: 1.72 };
  if (/^gpt-4o-mini/.test(m)) return { kind: 'tile', base: 2833, tile: 5667 };
  if (/^(o1|o3)(\b|-)/.test(m)) return { kind: 'tile', base: 75, tile: 150 };
  if (/^computer-use/.test(m)) return { kind: 'tile', base: 65, tile: 129 };
  if (/^gpt-5/.test(m)) return { kind: 'tile', base: 70, tile: 140 };
  return { kind: 'tile', base: 85, tile: 170 }; // gpt-4o, gpt-4.1, gpt-4.5, gpt-4-turbo
}

function openAiImageTokens(model: string, detail: string | undefined, size: ImageDimensions | undefined): number {
  const rule = openAiImageRule(model);
  if (rule.kind === 'patch') {
    const maxPatches = 1536;
    if (!size) return Math.ceil(maxPatches * rule.multiplier);
    let patches = Math.ceil(size.width / 32) * Math.ceil(size.height / 32);
    if (patches > maxPatches) {
      // Scaled down so the patches fit the budget, as OpenAI describes.
      const shrink = Math.sqrt((maxPatches * 32 * 32) / (size.width * size.height));
      const w = size.width * shrink;
      const h = size.height * shrink;
      const wFit = Math.floor(w / 32) / (w / 32);
      const hFit = Math.floor(h / 32) / (h / 32);
      const scale = Math.min(wFit, hFit);
      patches = Math.min(maxPatches, Math.ceil((w * scale) / 32) * Math.ceil((h * scale) / 32));
    }
    return Math.ceil(patches * rule.multiplier);
  }
  if (detail === 'low') return rule.base;
  // high and auto (auto may pick high: the conservative reading). Unknown size: at most 8 tiles (2048x768).
  if (!size) return rule.base + 8 * rule.tile;
  let { width: w, height: h } = size;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shortSide = Math.min(w, h);
  if (shortSide > 768) {
    w = (w * 768) / shortSide;
    h = (h * 768) / shortSide;
  }
  return rule.base + rule.tile * Math.ceil(w / 512) * Math.ceil(h / 512);
}

function anthropicImageTokens(model: string, size: ImageDimensions | undefined): number {
  // tokens = w*h/750 after the resize: long edge <= 1568 px and at most ~1,600 tokens (~1.15 MP);
  // Opus 4.7 and later accept up to 2576 px on the long edge.
  const large = isNewClaudeTokenizer(model);
  const maxEdge = large ? 2576 : 1568;
  const maxTokens = large ? 4784 : 1600;
  if (!size) return maxTokens;
  let { width: w, height: h } = size;
  const edge = Math.min(1, maxEdge / Math.max(w, h));
  w *= edge;
  h *= edge;
  return Math.min(maxTokens, Math.ceil((w * h) / 750));
}

/** Gemini 3 bills images flat by media resolution (1120 at the default, high); Gemini 2.x 258 per 768 px tile. */
function geminiImageTokens(model: string, size: ImageDimensions | undefined, options: EstimateOptions): number {
  if (options.geminiImageTokens !== undefined) return options.geminiImageTokens;
  const m = model.toLowerCase();
  const legacy = /gemini-(1\.|2\.)/.test(m);
  if (!legacy) return 1120;
  if (!size) return 258 * 4;
  if (size.width <= 384 && size.height <= 384) return 258;
  return 258 * Math.ceil(size.width / 768) * Math.ceil(size.height / 768);
}

/** Tokens for one image by the target provider's rule; `size` when known. */
export function imageTokens(target: EstimateTarget, detail: string | undefined, size: ImageDimensions | undefined, options: EstimateOptions = {}): number {
  switch (target.family) {
    case 'openai':
      return openAiImageTokens(target.model, detail, size);
    case 'anthropic':
      return anthropicImageTokens(target.model, size);
    case 'gemini':
      return geminiImageTokens(target.model, size, options);
  }
}

/** Audio: seconds estimated from bytes at 16 kB/s (128 kbit/s); 60 s when the size is unknown. */
function audioSeconds(media: MediaRef): number {
  return media.approxBytes === undefined ? 60 : Math.max(1, Math.ceil(media.approxBytes / 16_000));
}

function mediaTokens(request: CanonicalRequest, media: MediaRef, target: EstimateTarget, options: EstimateOptions): number {
  switch (media.modality) {
    case 'image': {
      let size: ImageDimensions | undefined;
      if (media.source === 'base64') {
        const data = getAt(request.body, media.pointer);
        if (typeof data === 'string') size = imageDimensionsFromBase64(data);
      }
      return imageTokens(target, media.detail, size, options);
    }
    case 'audio':
      // OpenAI audio input ~10 tokens/s; Gemini 32 tokens/s.
      return audioSeconds(media) * (target.family === 'gemini' ? 32 : 10);
    case 'video':
      // Gemini: 263 tokens/s of video; seconds from bytes at 250 kB/s, 60 s when unknown.
      return 263 * (media.approxBytes === undefined ? 60 : Math.max(1, Math.ceil(media.approxBytes / 250_000)));
    case 'document':
    case 'file':
      // PDFs are billed as page text plus a page image (~1,500-3,000 tokens a page); bytes/20, at least a page.
      return media.approxBytes === undefined ? 3000 : Math.max(1500, Math.ceil(media.approxBytes / 20));
  }
}

// ---- The estimate ----

/**
 * Prompt tokens of a request for the model that serves it (defaults to the request's own family
 * and model), plus what sizes the expected output (`expectedOutputTokens`).
 */
export function estimateRequest(request: CanonicalRequest, target: EstimateTarget = { family: request.family, model: request.model }, options: EstimateOptions = {}): RequestEstimate {
  const framingRule = framingOf(target, request.api);
  const texts: string[] = [];
  const turns = new Set<number>();
  let topLevel = 0;
  for (const segment of request.segments) {
    texts.push(segment.text);
    if (segment.turn === undefined) topLevel += 1;
    else turns.add(segment.turn);
  }
  // One BPE pass over all the text (joined by newlines, each ~1 token) is much cheaper than one per segment.
  const text = texts.length === 0 ? 0 : countTextTokens(texts.join('\n'), target, options);
  const messages = turns.size + topLevel;
  const framing = messages === 0 && request.api === 'openai.embeddings' ? 0 : framingRule.base + framingRule.perMessage * messages;
  const definitions = definitionsText(request);
  const tools = (definitions.length === 0 ? 0 : countTextTokens(definitions, target, options)) + (request.tools.length > 0 ? framingRule.toolsBase : 0);
  let media = 0;
  for (const ref of request.media) media += mediaTokens(request, ref, target, options);
  const tokenInput = request.tokenInputCount;
  const producesOutput = request.api !== 'openai.embeddings';
  return {
    promptTokens: text + framing + tools + media + tokenInput,
    ...(request.maxOutputTokens === undefined ? {} : { requestedMaxOutputTokens: request.maxOutputTokens }),
    n: Math.max(1, request.n ?? 1),
    producesOutput,
    method: methodOf(target),
    breakdown: { text, framing, tools, media, tokenInput },
  };
}

/**
 * Expected output: n x min(requested max tokens, tenant cap, model max), or the configured default
 * per choice when the request sets none (never the model maximum, which would starve a per-minute
 * limit). Zero for embeddings.
 */
export function expectedOutputTokens(estimate: Pick<RequestEstimate, 'requestedMaxOutputTokens' | 'n' | 'producesOutput'>, caps: OutputCaps): number {
  if (!estimate.producesOutput) return 0;
  let perChoice = estimate.requestedMaxOutputTokens ?? caps.defaultMaxOutputTokens;
  if (caps.tenantMaxOutputTokens !== undefined) perChoice = Math.min(perChoice, caps.tenantMaxOutputTokens);
  if (caps.modelMaxOutputTokens !== undefined) perChoice = Math.min(perChoice, caps.modelMaxOutputTokens);
  return Math.max(0, Math.floor(perChoice)) * Math.max(1, Math.floor(estimate.n));
}

/**
 * Output tokens of text that was streamed when the provider reported no usage (client disconnect,
 * upstream failure mid-stream): the text itself when the caller kept it, else characters / 4
 * (rounded up; conservative for English, low for CJK).
 */
export function streamedOutputTokens(target: EstimateTarget, streamed: { readonly text?: string; readonly chars?: number }, options: EstimateOptions = {}): number {
  if (streamed.text !== undefined) return countTextTokens(streamed.text, target, options);
  return Math.ceil((streamed.chars ?? 0) / 4);
}
