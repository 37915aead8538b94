/**
 * Runs the recognizers over one text, applies context words (raise, lower, or required), per-entity
 * thresholds and an allow-list, and resolves overlaps (highest score, then longest span, wins).
 */
import { CONTEXT_BOOST, ContextIndex, type ContextWindow, DEFAULT_CONTEXT_WINDOW, hasContext, MIN_SCORE_WITH_CONTEXT, NEGATIVE_CONTEXT_PENALTY, normaliseContextWord } from './context';
import { BUILTIN_RECOGNIZERS } from './recognizers';
import type { Candidate, EntityType, PiiSpan, Recognizer } from './types';

export const DEFAULT_THRESHOLD = 0.5;

export interface AnalyzerOptions {
  /** Entity types to report (`secret.*` for every secret kind, `*` for all); default all. */
  readonly entities?: readonly EntityType[];
  /** Minimum score per entity type (`secret.*` and `*` allowed as keys). */
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly defaultThreshold?: number;
  readonly contextWindow?: ContextWindow;
  /** More context words per entity type, on top of each recognizer's own. */
  readonly extraContext?: Readonly<Record<string, readonly string[]>>;
  /** Exact values never reported (a company's own support address, a public phone line). */
  readonly allowList?: readonly string[];
  readonly recognizers?: readonly Recognizer[];
}

/** Looks a type up by its exact name, then its family (`secret.*`), then `*`. */
export function lookupByType<T>(map: Readonly<Record<string, T>> | undefined, type: EntityType): T | undefined {
  if (!map) return undefined;
  if (Object.prototype.hasOwnProperty.call(map, type)) return map[type];
  const dot = type.indexOf('.');
  if (dot > 0) {
    const family = `${type.slice(0, dot)}.*`;
    if (Object.prototype.hasOwnProperty.call(map, family)) return map[family];
  }
  return Object.prototype.hasOwnProperty.call(map, '*') ? map['*'] : undefined;
}

function entityEnabled(enabled: ReadonlySet<string> | undefined, type: EntityType): boolean {
  if (!enabled || enabled.has('*') || enabled.has(type)) return true;
  const dot = type.indexOf('.');
  return dot > 0 && enabled.has(`${type.slice(0, dot)}.*`);
}

/** Whether a recognizer entity (possibly a family such as `secret.*`) is wanted by the enabled set. */
function recognizerNeeded(enabled: ReadonlySet<string> | undefined, entity: EntityType): boolean {
  if (!entity.endsWith('.*')) return entityEnabled(enabled, entity);
  if (!enabled || enabled.has('*') || enabled.has(entity)) return true;
  const prefix = entity.slice(0, -1);
  return [...enabled].some((e) => e.startsWith(prefix));
}

/** Keeps the best of overlapping spans: higher score, then longer, then earlier. Result sorted by start. */
export function resolveOverlaps<T extends { readonly start: number; readonly end: number; readonly score: number }>(spans: readonly T[]): T[] {
  const ordered = [...spans].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: T[] = [];
  for (const span of ordered) {
    // Binary search for the first kept span ending after this one starts.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.end <= span.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < kept.length && kept[lo]!.start < span.end) continue;
    kept.splice(lo, 0, span);
  }
  return kept;
}

export class PiiAnalyzer {
  private readonly recognizers: readonly Recognizer[];
  private readonly enabled: ReadonlySet<string> | undefined;
  private readonly window: ContextWindow;
  private readonly extraContext: ReadonlyMap<string, readonly string[]>;
  private readonly allow: ReadonlySet<string>;

  constructor(private readonly options: AnalyzerOptions = {}) {
    this.enabled = options.entities ? new Set(options.entities) : undefined;
    const all = options.recognizers ?? BUILTIN_RECOGNIZERS;
    this.recognizers = all.filter((r) => r.entities.some((e) => recognizerNeeded(this.enabled, e)));
    this.window = options.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
    this.extraContext = new Map(Object.entries(options.extraContext ?? {}).map(([type, words]) => [type, words.map(normaliseContextWord)]));
    this.allow = new Set(options.allowList ?? []);
  }

  threshold(type: EntityType): number {
    return lookupByType(this.options.thresholds, type) ?? this.options.defaultThreshold ?? DEFAULT_THRESHOLD;
  }

  /** Detected spans, non-overlapping, sorted by start. */
  analyze(text: string): PiiSpan[] {
    if (!text) return [];
    const candidates: Candidate[] = [];
    for (const recognizer of this.recognizers) candidates.push(...recognizer.find(text));
    let index: ContextIndex | undefined;
    const spans: PiiSpan[] = [];
    for (const c of candidates) {
      if (c.end <= c.start) continue;
      const extra = this.extraContext.get(c.type);
      const words = extra ? [...(c.context ?? []), ...extra] : c.context;
      let score = c.score;
      let type = c.type;
      if (words?.length || c.negativeContext?.length) {
        index ??= new ContextIndex(text);
        const { before, after } = index.window(c.start, c.end, this.window);
        const joined = `${before}${after}`;
        const positive = !!words && hasContext(joined, words);
        if (positive) {
          score = Math.max(Math.min(1, score + CONTEXT_BOOST), MIN_SCORE_WITH_CONTEXT);
          if (c.typeWithContext) type = c.typeWithContext;
        } else if (c.requiresContext) {
          continue;
        } else if (c.negativeContext && hasContext(joined, c.negativeContext)) {
          score -= NEGATIVE_CONTEXT_PENALTY;
        }
      } else if (c.requiresContext) {
        continue;
      }
      if (!entityEnabled(this.enabled, type) || score < this.threshold(type)) continue;
      if (this.allow.size > 0 && this.allow.has(text.slice(c.start, c.end))) continue;
      spans.push({ type, start: c.start, end: c.end, score: Math.round(score * 1000) / 1000, recognizer: c.recognizer });
    }
    return resolveOverlaps(spans);
  }
}
