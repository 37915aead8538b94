/**
 * A slot processor turns the text of one response slot (a choice's text, a content block, a tool call's
 * arguments) into what the client gets, piece by piece: the output guards (which may hold text back or
 * stop the response) and the restoration of reversible placeholders are both slot processors.
 */
import type { Finding, GuardBlock, OutputContext, OutputGuard } from '../../guard/registry';
import { slotGuard } from '../../guard/output';
import { Restorer } from '../../guard/pii/restore';
import type { ResponseFormat } from '../../llm/canonical';
import type { SlotKey } from './stream-shapes';

export interface SlotResult {
  readonly text: string;
  readonly block?: GuardBlock;
}

export interface SlotProcessor {
  push(text: string): SlotResult;
  end(): SlotResult;
}

/** Builds the processor for a slot; undefined leaves that slot's text untouched. */
export type SlotFactory = (key: SlotKey) => SlotProcessor | undefined;

export interface OutputFindingCount {
  readonly detector: string;
  readonly type: string;
  readonly action: 'flag' | 'redact' | 'block';
  score: number;
  count: number;
}

/** What the output guards found in one response, for audit, metrics and metadata (never text). */
export class OutputReport {
  private readonly counts = new Map<string, OutputFindingCount>();
  block: GuardBlock | undefined;

  add(findings: readonly Finding[]): void {
    for (const finding of findings) {
      const action = finding.outcome ?? 'flag';
      const key = `${finding.detector}\u0000${finding.type}\u0000${action}`;
      const entry = this.counts.get(key);
      if (entry) {
        entry.count++;
        entry.score = Math.max(entry.score, finding.score);
      } else {
        this.counts.set(key, { detector: finding.detector, type: finding.type, action, score: finding.score, count: 1 });
      }
    }
  }

  findings(): OutputFindingCount[] {
    return [...this.counts.values()];
  }
}

/** The output guards as slot processors, reporting into `report`. */
export function guardSlots(guards: readonly OutputGuard[], report: OutputReport, options: { holdBackChars: number; responseFormat?: ResponseFormat }): SlotFactory {
  return (key) => {
    const context: OutputContext = {
      segment: key.kind === 'tool_arguments' ? key.index : key.choice || key.index,
      kind: key.kind === 'tool_arguments' ? 'tool_arguments' : 'text',
      ...(options.responseFormat && key.kind === 'text' ? { responseFormat: options.responseFormat } : {}),
    };
    const guard = slotGuard(guards, context, { holdBackChars: options.holdBackChars });
    const verdict = (result: { release: string; findings: readonly Finding[]; block?: GuardBlock }): SlotResult => {
      report.add(result.findings);
      if (result.block) {
        report.block ??= result.block;
        return { text: '', block: result.block };
      }
      return { text: result.release };
    };
    return { push: (text) => verdict(guard.feed(text)), end: () => verdict(guard.end()) };
  };
}

/** Restoration of reversible placeholders: tool arguments are JSON text, so values are JSON-escaped there. */
export function restoreSlots(map: ReadonlyMap<string, string>): SlotFactory | undefined {
  if (map.size === 0) return undefined;
  return (key) => {
    const restorer = new Restorer(map, { encoding: key.kind === 'tool_arguments' ? 'json' : 'none' });
    return {
      push: (text) => ({ text: restorer.push(text) }),
      end: () => ({ text: restorer.end() }),
    };
  };
}
