/**
 * Every regular expression literal in the sidecar's source must be free of super-linear backtracking
 * (ReDoS): a request body, header or config value can reach most of them. recheck analyses each one;
 * a pattern it cannot prove safe fails this test. Detectors that build patterns at run time check those
 * in their own tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { checkSync } from 'recheck';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Pattern {
  readonly where: string;
  readonly source: string;
  readonly flags: string;
}

function regexLiterals(file: string): Pattern[] {
  const text = readFileSync(file, 'utf8');
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Pattern[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sourceFile);
      const lastSlash = literal.lastIndexOf('/');
      const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
      found.push({ where: `${path.relative(SRC, file)}:${line + 1}`, source: literal.slice(1, lastSlash), flags: literal.slice(lastSlash + 1) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const patterns = sourceFiles(SRC).flatMap(regexLiterals);

/**
 * recheck's verdict. `unknown` means its time budget ran out (it happens on a machine busy with other
 * work): asked once more with a longer budget, so only a real verdict fails the test. A `vulnerable`
 * verdict is final.
 */
function check(source: string, flags: string): string {
  const first = checkSync(source, flags, { timeout: 10_000 }).status;
  return first === 'unknown' ? checkSync(source, flags, { timeout: 60_000 }).status : first;
}

it('finds the patterns it is meant to check', () => {
  expect(patterns.length).toBeGreaterThan(10);
});

it('proves every regex literal in src/ free of catastrophic backtracking', () => {
  const unsafe = patterns
    .map((pattern) => ({ ...pattern, status: check(pattern.source, pattern.flags) }))
    .filter((result) => result.status !== 'safe');
  expect(unsafe.map(({ where, source, status }) => `${where} /${source}/ ${status}`)).toEqual([]);
  // Room for a few second opinions on a busy machine (see check()).
}, 300_000);

it('would catch a vulnerable pattern', () => {
  expect(checkSync('^(a+)+$', '').status).toBe('vulnerable');
});
