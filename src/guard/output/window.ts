/**
 * A streaming guard over a bounded window: text is held back until enough follows it that every pattern
 * crossing the cut has been seen whole, then the scanners' rewrites are applied and the decided text is
 * released. Cuts fall after whitespace, so a token (a key, an address, a URL) is never released in two
 * halves unless it is longer than `maxHoldChars`. A tail of already-decided text is kept as context so
 * context words ("password:", "born on") still count across a cut, without being re-released.
 */
import { resolveOverlaps } from '../pii/analyzer';
import type { Finding, GuardBlock, GuardVerdict, StreamGuard, TextRewrite, TextScanner } from '../registry';

export const DEFAULT_HOLD_BACK_CHARS = 256;
/** Decided text kept in front of the window for context words. */
const CONTEXT_CHARS = 64;

export interface WindowOptions {
  /** Characters held back behind the newest text; a span shorter than this is always seen whole. */
  readonly holdBackChars?: number;
  /**
   * The most ever held back when no whitespace allows a clean cut (one huge token); default 4x holdBackChars.
   * A pattern longer than this can be split across releases.
   */
  readonly maxHoldChars?: number;
}

export class WindowedGuard implements StreamGuard {
  private context = '';
  private pending = '';
  private blocked: GuardBlock | undefined;
  private readonly holdBack: number;
  private readonly maxHold: number;
  /** Scan only when this much new text has arrived beyond the hold-back: keeps rescans amortised. */
  private readonly step: number;

  constructor(
    private readonly scanners: readonly TextScanner[],
    options: WindowOptions = {},
  ) {
    this.holdBack = Math.max(0, options.holdBackChars ?? DEFAULT_HOLD_BACK_CHARS);
    this.maxHold = Math.max(this.holdBack, options.maxHoldChars ?? this.holdBack * 4);
    this.step = Math.max(1, Math.min(Math.floor(this.holdBack / 2), this.maxHold - this.holdBack) || 1);
  }

  /** Characters currently held back. */
  get held(): number {
    return this.pending.length;
  }

  feed(text: string): GuardVerdict {
    if (this.blocked) return { release: '', findings: [], block: this.blocked };
    this.pending += text;
    if (this.pending.length < this.holdBack + this.step) return { release: '', findings: [] };
    return this.decide(false);
  }

  end(): GuardVerdict {
    if (this.blocked) return { release: '', findings: [], block: this.blocked };
    return this.decide(true);
  }

  private decide(final: boolean): GuardVerdict {
    const whole = this.context + this.pending;
    const offset = this.context.length;
    const rewrites: TextRewrite[] = [];
    for (const scan of this.scanners) for (const rewrite of scan(whole)) if (rewrite.end > offset && rewrite.end > rewrite.start) rewrites.push(rewrite);

    let cut = final ? whole.length : this.cleanCut(whole, offset);
    // A span to rewrite that crosses the cut is held whole (unless it began in already-released text);
    // a finding that only reports holds nothing back.
    for (const r of rewrites) if (r.start < cut && r.end > cut && r.start >= offset && (r.replacement !== undefined || r.block)) cut = r.start;
    // A blocking span anywhere in the window stops the response now: nothing of it may go out.
    const blocking = rewrites.find((r) => r.block !== undefined);
    const findings: Finding[] = [];
    // Each span is reported in the round its end is decided: a span ending in released text was reported
    // before, one reaching past the cut is reported later (a span that began in released text could
    // not be seen whole then, so it is reported now).
    for (const r of rewrites) if (r.end <= cut || r.block) findings.push({ ...r.finding, outcome: r.block ? 'block' : r.replacement !== undefined ? 'redact' : 'flag' });
    if (blocking?.block) {
      this.blocked = blocking.block;
      this.pending = '';
      return { release: '', findings, block: blocking.block };
    }

    const applied = resolveOverlaps(
      rewrites
        .filter((r) => r.replacement !== undefined && r.start < cut)
        .map((r) => ({ start: Math.max(r.start, offset), end: Math.min(r.end, cut), score: r.finding.score, replacement: r.replacement as string })),
    );
    let release = '';
    let cursor = offset;
    for (const r of applied) {
      release += whole.slice(cursor, r.start) + r.replacement;
      cursor = r.end;
    }
    release += whole.slice(cursor, cut);
    this.context = whole.slice(Math.max(0, cut - CONTEXT_CHARS), cut);
    this.pending = whole.slice(cut);
    return { release, findings };
  }

  /** The cut: the hold-back behind the end, moved back to just after whitespace; forced at maxHold. */
  private cleanCut(whole: string, offset: number): number {
    const target = whole.length - this.holdBack;
    if (target <= offset) return offset;
    for (let i = target; i > offset; i--) if (isSpace(whole.charCodeAt(i - 1))) return i;
    return whole.length - offset > this.maxHold ? whole.length - this.maxHold : offset;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x0c || code === 0x0b || code === 0xa0;
}

/** A guard that passes text through and contributes nothing (a plug-in disabled for this kind of text). */
export const PASS_THROUGH: StreamGuard = { feed: (text) => ({ release: text, findings: [] }), end: () => ({ release: '', findings: [] }) };

/** Runs guards one after the other: what one releases is fed to the next. */
export class GuardChain implements StreamGuard {
  constructor(private readonly guards: readonly StreamGuard[]) {}

  feed(text: string): GuardVerdict {
    return this.run(text, false);
  }

  end(): GuardVerdict {
    return this.run('', true);
  }

  private run(text: string, final: boolean): GuardVerdict {
    let release = text;
    const findings: Finding[] = [];
    for (const guard of this.guards) {
      const fed = release.length > 0 || !final ? guard.feed(release) : { release: '', findings: [] };
      findings.push(...fed.findings);
      if (fed.block) return { release: '', findings, block: fed.block };
      release = fed.release;
      if (final) {
        const ended = guard.end();
        findings.push(...ended.findings);
        if (ended.block) return { release: '', findings, block: ended.block };
        release += ended.release;
      }
    }
    return { release, findings };
  }
}
