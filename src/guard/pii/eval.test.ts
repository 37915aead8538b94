import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultPiiEvalIo, evaluatePii, fBeta, parseEvalRows, runPiiEval, scoreSpans, type PiiEvalIo } from './eval';

function memoryIo(files: Record<string, string>): PiiEvalIo & { out: string; err: string; written: Record<string, string> } {
  let clock = 0;
  const io = {
    out: '',
    err: '',
    written: {} as Record<string, string>,
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path]!;
    },
    writeFile: (path: string, data: string) => void (io.written[path] = data),
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    now: () => (clock += 5),
  };
  return io;
}

describe('scoring', () => {
  it('overlap-based precision and recall per type, exact match beside, F2, and ALL', () => {
    const metrics = scoreSpans([
      {
        gold: [{ type: 'PERSON', start: 0, end: 10 }, { type: 'PERSON', start: 20, end: 25 }, { type: 'EMAIL_ADDRESS', start: 30, end: 40 }],
        predicted: [{ type: 'PERSON', start: 0, end: 10 }, { type: 'PERSON', start: 22, end: 30 }, { type: 'LOCATION', start: 30, end: 40 }, { type: 'PERSON', start: 50, end: 55 }],
      },
    ]);
    const person = metrics.find((m) => m.type === 'PERSON')!;
    expect(person).toMatchObject({ gold: 2, predicted: 3, recall: 1, exactRecall: 0.5 });
    expect(person.precision).toBeCloseTo(2 / 3);
    expect(person.exactPrecision).toBeCloseTo(1 / 3);
    expect(person.f2).toBeCloseTo(fBeta(2 / 3, 1, 2));
    expect(metrics.find((m) => m.type === 'EMAIL_ADDRESS')).toMatchObject({ gold: 1, predicted: 0, precision: 0, recall: 0 });
    expect(metrics.find((m) => m.type === 'LOCATION')).toMatchObject({ gold: 0, predicted: 1, precision: 0 });
    expect(metrics.at(-1)).toMatchObject({ type: 'ALL', gold: 3, predicted: 4 });
    expect(fBeta(0.5, 1, 2)).toBeCloseTo(5 / 6);
    expect(fBeta(0, 0, 2)).toBe(0);
  });

  it('parses the corpus format and names the bad line', () => {
    expect(parseEvalRows('{"id":"a","text":"x","spans":[{"type":"P","start":0,"end":1,"value":"x"}]}\n\n')).toEqual([{ id: 'a', text: 'x', spans: [{ type: 'P', start: 0, end: 1 }] }]);
    expect(() => parseEvalRows('{"id":"a","text":"x"}\n{oops')).toThrow('line 2: not JSON');
    expect(() => parseEvalRows('{"id":"a","text":"x","spans":[{"type":"P"}]}')).toThrow('line 1: each span');
  });
});

describe('runPiiEval', () => {
  const corpus = [
    { id: 'r1', text: 'Mail jane@example.com now', spans: [{ type: 'EMAIL_ADDRESS', start: 5, end: 21, value: 'jane@example.com' }] },
    { id: 'r2', text: 'born on 3/4/1990', spans: [{ type: 'DATE_TIME', start: 8, end: 16, value: '3/4/1990' }] },
    { id: 'r3', text: 'nothing', spans: [] },
  ].map((r) => JSON.stringify(r)).join('\n');

  it('prints P, R, F2 and exact figures per type with gold counts and MB/s; --out writes one line per row', async () => {
    const io = memoryIo({ 'c.jsonl': corpus });
    expect(await runPiiEval(['c.jsonl', '--out', 'pred.jsonl'], io)).toBe(0);
    expect(io.out).toMatch(/^type\s+gold\s+pred\s+P\s+R\s+F2\s+exact P\s+exact R\s+exact F2$/m);
    expect(io.out).toMatch(/^EMAIL_ADDRESS\s+1\s+1\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+1\.000$/m);
    // The analyser's DATE_OF_BIRTH is reported under the corpus name DATE_TIME.
    expect(io.out).toMatch(/^DATE_TIME\s+1\s+1\s+1\.000/m);
    expect(io.out).toMatch(/3 rows, 0\.000 MB in 0\.0\d\d s: [\d.]+ MB\/s/);
    expect(io.written['pred.jsonl']!.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 'r1', spans: [{ type: 'EMAIL_ADDRESS', start: 5, end: 21 }] },
      { id: 'r2', spans: [{ type: 'DATE_TIME', start: 8, end: 16 }] },
      { id: 'r3', spans: [] },
    ]);
  });

  it('usage errors exit 2, unreadable files exit 1', async () => {
    expect(await runPiiEval([], memoryIo({}))).toBe(2);
    expect(await runPiiEval(['a', 'b'], memoryIo({}))).toBe(2);
    expect(await runPiiEval(['a', '--out'], memoryIo({}))).toBe(2);
    const io = memoryIo({});
    expect(await runPiiEval(['missing.jsonl'], io)).toBe(1);
    expect(io.err).toContain('missing.jsonl');
  });

  it('works with the real file system', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pii-eval-'));
    writeFileSync(join(dir, 'c.jsonl'), corpus);
    const io = { ...defaultPiiEvalIo, stdout: () => undefined };
    expect(await runPiiEval([join(dir, 'c.jsonl'), `--out=${join(dir, 'p.jsonl')}`], io)).toBe(0);
    expect(readFileSync(join(dir, 'p.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
});

// The shared development corpus sits beside the repository (CI lays out the same path).
const DEV_CORPUS = resolve(__dirname, '../../../../shared/corpus/pii-dev.jsonl');

(existsSync(DEV_CORPUS) ? describe : describe.skip)('bars on pii-dev', () => {
  it('precision and recall >= 0.95 for the checksummed and structured entities', () => {
    const result = evaluatePii(parseEvalRows(readFileSync(DEV_CORPUS, 'utf8')));
    const bars = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'US_SSN', 'IBAN_CODE', 'IP_ADDRESS'];
    const figures = Object.fromEntries(bars.map((type) => {
      const m = result.types.find((t) => t.type === type)!;
      return [type, { precision: m.precision >= 0.95, recall: m.recall >= 0.95 }];
    }));
    expect(figures).toEqual(Object.fromEntries(bars.map((type) => [type, { precision: true, recall: true }])));
  });
});
