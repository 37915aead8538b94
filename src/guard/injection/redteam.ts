/**
 * `llmgw redteam --target URL --corpus FILE.jsonl [--key KEY] [--model M] [--concurrency N]`
 *
 * Sends every corpus row through a running gateway as an OpenAI chat request (user-channel rows as the
 * user message; document and tool_result rows as the result of a tool the assistant called) and reports
 * the block rate per category next to what `llmgw eval injection` predicts locally with the committed
 * model, so a deployed gateway can be red-teamed with one command. A row counts as blocked when the
 * gateway answers 400 with code `prompt_injection_detected`.
 */
import { InjectionDetector } from './detector';
import { predict } from './eval';
import { readCorpus, type CorpusRow } from './train';

export interface RedteamIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const REDTEAM_USAGE = 'usage: llmgw redteam --target URL --corpus FILE.jsonl [--key KEY] [--model M] [--concurrency N]\n';
const BLOCK_CODE = 'prompt_injection_detected';

export type RowOutcome = 'blocked' | 'passed' | 'error';

export interface RedteamOptions {
  readonly target: string;
  readonly key?: string;
  readonly model: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
}

/** The chat request a row becomes. */
export function chatRequestFor(row: CorpusRow, model: string): Record<string, unknown> {
  if (row.channel === 'document' || row.channel === 'tool_result') {
    return {
      model,
      messages: [
        { role: 'user', content: 'Please read the document and help me with it.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_redteam', type: 'function', function: { name: 'read_document', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_redteam', content: row.text },
      ],
    };
  }
  return { model, messages: [{ role: 'user', content: row.text }] };
}

function endpointOf(target: string): string {
  let end = target.length;
  while (end > 0 && target.charCodeAt(end - 1) === 0x2f) end--;
  const base = target.slice(0, end);
  return base.endsWith('/v1') ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

/** Sends one row; `blocked` only for the injection refusal (other errors are reported as errors). */
export async function sendRow(row: CorpusRow, options: RedteamOptions): Promise<RowOutcome> {
  try {
    const response = await fetch(endpointOf(options.target), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) },
      body: JSON.stringify(chatRequestFor(row, options.model)),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await response.text();
    if (response.ok) return 'passed';
    if (response.status === 400 && (response.headers.get('x-llmgw-error-code') === BLOCK_CODE || errorCode(body) === BLOCK_CODE)) return 'blocked';
    return 'error';
  } catch {
    return 'error';
  }
}

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Sends all rows with at most `concurrency` in flight; outcomes in row order. */
export async function sendAll(rows: readonly CorpusRow[], options: RedteamOptions): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = new Array<RowOutcome>(rows.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(options.concurrency, rows.length)) }, async () => {
    while (next < rows.length) {
      const i = next++;
      outcomes[i] = await sendRow(rows[i] as CorpusRow, options);
    }
  });
  await Promise.all(lanes);
  return outcomes;
}

export interface CategoryReport {
  readonly category: string;
  readonly rows: number;
  readonly blocked: number;
  readonly errors: number;
  readonly predicted: number;
  /** Rows where the gateway's verdict differs from the local prediction (errors excluded). */
  readonly disagreements: number;
}

export function report(rows: readonly CorpusRow[], outcomes: readonly RowOutcome[], predicted: readonly boolean[]): CategoryReport[] {
  const by = new Map<string, { rows: number; blocked: number; errors: number; predicted: number; disagreements: number }>();
  rows.forEach((row, i) => {
    const category = row.label === 'benign' ? 'benign' : (row.category ?? 'attack');
    const c = by.get(category) ?? { rows: 0, blocked: 0, errors: 0, predicted: 0, disagreements: 0 };
    c.rows++;
    if (outcomes[i] === 'blocked') c.blocked++;
    if (outcomes[i] === 'error') c.errors++;
    if (predicted[i]) c.predicted++;
    if (outcomes[i] !== 'error' && (outcomes[i] === 'blocked') !== predicted[i]) c.disagreements++;
    by.set(category, c);
  });
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([category, c]) => ({ category, ...c }));
}

function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(2)}%` : '-';
}

export function formatRedteam(reports: readonly CategoryReport[]): string {
  const lines = [`${'category'.padEnd(12)} ${'rows'.padStart(6)} ${'blocked'.padStart(9)} ${'eval'.padStart(9)} ${'differ'.padStart(7)} ${'errors'.padStart(7)}`];
  for (const r of reports) {
    lines.push(`${r.category.padEnd(12)} ${String(r.rows).padStart(6)} ${pct(r.blocked, r.rows - r.errors).padStart(9)} ${pct(r.predicted, r.rows).padStart(9)} ${String(r.disagreements).padStart(7)} ${String(r.errors).padStart(7)}`);
  }
  lines.push('blocked: share of answered rows the gateway refused with prompt_injection_detected; eval: what `llmgw eval injection` predicts locally (committed model, default thresholds)');
  return lines.join('\n') + '\n';
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Entry point for `llmgw redteam ...`: 0 done, 1 some rows could not be sent, 2 usage or input error. */
export async function runRedteam(argv: readonly string[], io: RedteamIo): Promise<number> {
  const target = option(argv, '--target');
  const corpus = option(argv, '--corpus');
  if (!target || !corpus || argv.includes('--help')) {
    io.stderr(REDTEAM_USAGE);
    return 2;
  }
  const concurrency = Number(option(argv, '--concurrency') ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    io.stderr(`redteam: --concurrency must be an integer from 1 to 256\n`);
    return 2;
  }
  let rows: CorpusRow[];
  try {
    rows = readCorpus(corpus);
    new URL(endpointOf(target));
  } catch (error) {
    io.stderr(`redteam: ${(error as Error).message}\n`);
    return 2;
  }
  const key = option(argv, '--key') ?? process.env.LLMGW_REDTEAM_KEY;
  const options: RedteamOptions = { target, model: option(argv, '--model') ?? 'gpt-4o-mini', concurrency, timeoutMs: 60_000, ...(key ? { key } : {}) };
  io.stdout(`redteam: ${rows.length} rows from ${corpus} -> ${endpointOf(target)} (model ${options.model}, concurrency ${concurrency})\n`);
  const started = Date.now();
  const outcomes = await sendAll(rows, options);
  const predicted = predict(new InjectionDetector(), rows).predictions.map((p) => p.attack);
  const reports = report(rows, outcomes, predicted);
  io.stdout(formatRedteam(reports));
  const errors = outcomes.filter((o) => o === 'error').length;
  io.stdout(`sent ${rows.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s; ${errors} errors (status other than 2xx or the injection refusal, or no answer)\n`);
  return errors > 0 ? 1 : 0;
}
