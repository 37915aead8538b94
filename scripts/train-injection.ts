/**
 * Trains the prompt-injection classifier and writes the committed weights.
 *
 *   make build && node dist/scripts/train-injection.js [--corpus ../shared/corpus/injection-dev.jsonl] [--out models/injection/model.json]
 *
 * Deterministic (seeded): the same corpus gives the same file. The detector loads the file at start-up;
 * nothing is downloaded at run time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { serialiseModels } from '../src/guard/injection/model';
import { DEFAULT_TRAIN_OPTIONS, readCorpus, trainModels } from '../src/guard/injection/train';

function option(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
}

/** The repository root: the nearest directory above this script holding package.json (else the working directory). */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function main(args: readonly string[]): number {
  const root = repoRoot();
  const corpus = resolve(option(args, '--corpus', resolve(root, '../shared/corpus/injection-dev.jsonl')));
  const out = resolve(option(args, '--out', resolve(root, 'models/injection/model.json')));
  const rows = readCorpus(corpus);
  const t0 = Date.now();
  const models = trainModels(rows, DEFAULT_TRAIN_OPTIONS);
  const sha256 = createHash('sha256').update(readFileSync(corpus)).digest('hex');
  const json = serialiseModels(models, {
    trainedAt: new Date().toISOString().slice(0, 10),
    command: 'node dist/scripts/train-injection.js --corpus ../shared/corpus/injection-dev.jsonl --out models/injection/model.json',
    corpus: { path: relative(root, corpus), sha256, rows: rows.length },
    options: { ...DEFAULT_TRAIN_OPTIONS },
  });
  writeFileSync(out, json);
  process.stdout.write(`trained on ${rows.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${relative(process.cwd(), out)} (${(json.length / 1024).toFixed(0)} KiB)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
