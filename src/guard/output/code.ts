/**
 * `output.code`: a small rule set for dangerous code in model output, each rule tagged with its CWE.
 * Rules are deliberately narrow (shapes that are dangerous as written, not every use of a keyword);
 * they flag or block, never rewrite (half a command is worse than the whole one with a warning).
 */
import { z } from 'zod';
import type { OutputGuardPlugin, TextRewrite, TextScanner } from '../registry';
import { OUTPUT_BLOCK } from './block';
import { WindowedGuard } from './window';

export const OUTPUT_CODE_ID = 'output.code';

export interface CodeRule {
  readonly id: string;
  readonly cwe: string;
  readonly description: string;
  /** Anchors; a match is a finding unless `confirm` says otherwise. */
  readonly patterns: readonly RegExp[];
  /** Checks the surroundings in code (cheaper and safer than a long regex); returns the span to report, or undefined. */
  readonly confirm?: (text: string, start: number, end: number) => readonly [number, number] | undefined;
}

/** The command line around `index`: from the line start to the line end. */
function lineBounds(text: string, index: number): [number, number] {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const newline = text.indexOf('\n', index);
  return [start, newline < 0 ? text.length : newline];
}

const DOWNLOADERS = /\b(?:curl|wget|fetch|iwr|Invoke-WebRequest)\b/i;
const ROOT_TARGETS = new Set(['/', '/*', '~', '~/', '~/*', '$HOME', '$HOME/', '"$HOME"', '${HOME}', '/.', '/..']);

/** `rm` with a recursive option aimed at / or the home directory, up to the end of that command. */
function confirmRm(text: string, start: number): readonly [number, number] | undefined {
  const [, lineEnd] = lineBounds(text, start);
  let end = start;
  while (end < lineEnd && end - start < 300 && !';&|`'.includes(text.charAt(end))) end++;
  const words = text.slice(start, end).split(/\s+/).filter(Boolean).slice(1);
  const recursive = words.some((word) => word === '--recursive' || (word.startsWith('-') && !word.startsWith('--') && /[rR]/.test(word)));
  const targets = words.filter((word) => !word.startsWith('-'));
  return recursive && targets.some((target) => ROOT_TARGETS.has(target.replace(/['"]/g, '') || target)) ? [start, end] : undefined;
}

/** A pipe into a shell or interpreter whose line starts with a download. */
function confirmPipe(text: string, start: number, end: number): readonly [number, number] | undefined {
  const [lineStart] = lineBounds(text, start);
  const before = text.slice(lineStart, start);
  const download = DOWNLOADERS.exec(before);
  return download ? [lineStart + download.index, end] : undefined;
}

/** `-k` / `--insecure` on a curl command line. */
function confirmCurlInsecure(text: string, start: number, end: number): readonly [number, number] | undefined {
  const [lineStart] = lineBounds(text, start);
  const at = text.slice(lineStart, start).search(/\bcurl\b/);
  return at < 0 ? undefined : [lineStart + at, end];
}

/**
 * Every pattern is a short anchor of literals and small bounded classes (test/lint/regex-safety checks
 * them with recheck); anything longer-range is confirmed in code on the anchor's line.
 */
export const CODE_RULES: readonly CodeRule[] = [
  {
    id: 'pipe_to_shell',
    cwe: 'CWE-494',
    description: 'a download piped straight into a shell or interpreter',
    patterns: [/\|\s{0,5}(?:sudo\s{1,5})?(?:(?:ba|z|k|da|fi)?sh|python3?|perl|ruby|node)\b/g],
    confirm: confirmPipe,
  },
  {
    id: 'pipe_to_shell',
    cwe: 'CWE-494',
    description: 'a download evaluated by PowerShell',
    patterns: [/\biex\s{0,5}\(\s{0,5}(?:New-Object\s{1,5}Net\.WebClient|iwr|Invoke-WebRequest)/gi],
  },
  {
    id: 'rm_rf_root',
    cwe: 'CWE-78',
    description: 'recursive deletion of the root or home directory',
    patterns: [/\brm\s/g],
    confirm: confirmRm,
  },
  {
    id: 'eval_of_input',
    cwe: 'CWE-95',
    description: 'eval/exec of user-controlled input',
    patterns: [/\b(?:eval|exec)\s{0,5}\(\s{0,5}(?:input\s{0,5}\(|raw_input\s{0,5}\(|request\.|req\.(?:body|query|params)|params\[|sys\.argv|process\.argv|\$_(?:GET|POST|REQUEST|COOKIE)|userInput|user_input)/g],
  },
  {
    id: 'sql_concatenation',
    cwe: 'CWE-89',
    description: 'SQL built by string concatenation or interpolation',
    patterns: [/["'`]\s{0,5}(?:SELECT|INSERT\s{1,5}INTO|UPDATE|DELETE\s{1,5}FROM)\b/gi],
    confirm: confirmSql,
  },
  {
    id: 'tls_verification_disabled',
    cwe: 'CWE-295',
    description: 'TLS certificate verification turned off',
    patterns: [
      /\bverify\s{0,3}=\s{0,3}False\b|\brejectUnauthorized\s{0,3}:\s{0,3}false\b|\bNODE_TLS_REJECT_UNAUTHORIZED\s{0,3}=\s{0,3}["']?0\b|\bInsecureSkipVerify\s{0,3}:\s{0,3}true\b|\bssl\._create_unverified_context\b|\bCURLOPT_SSL_VERIFYPEER\s{0,3},\s{0,3}(?:false|0)\b|\bcheck_hostname\s{0,3}=\s{0,3}False\b/g,
    ],
  },
  {
    id: 'tls_verification_disabled',
    cwe: 'CWE-295',
    description: 'curl told to skip certificate checks',
    patterns: [/\s(?:-k|--insecure)\b/g],
    confirm: confirmCurlInsecure,
  },
  {
    id: 'hardcoded_credential',
    cwe: 'CWE-798',
    description: 'a credential written into the code',
    patterns: [/\b(?:password|passwd|pwd|secret|api_?key|apikey|access_?token|auth_?token|client_secret)["']?\s{0,3}[:=]\s{0,3}["']/gi],
    confirm: confirmCredential,
  },
];

/**
 * The SQL string literal that starts at `start` closes on the same line and is followed by `+`, `.`, `||`
 * and a name (concatenation), or holds `{name}` in an f-string or `${...}` in a template literal.
 */
function confirmSql(text: string, start: number): readonly [number, number] | undefined {
  const quote = text.charAt(start);
  const [, lineEnd] = lineBounds(text, start);
  const close = text.indexOf(quote, start + 1);
  if (close < 0 || close > lineEnd) return undefined;
  const literal = text.slice(start + 1, close);
  const fString = start > 0 && /[fF]/.test(text.charAt(start - 1)) && /\{[A-Za-z_]/.test(literal);
  const template = quote === '`' && literal.includes('${');
  const after = text.slice(close + 1, Math.min(lineEnd, close + 12)).trimStart();
  const concatenated = /^(?:\+|\.|\|\|)\s{0,5}[A-Za-z_$]/.test(after);
  return fString || template || concatenated ? [start, close + 1] : undefined;
}

/** The assigned string literal is a real-looking value, not a placeholder (`"changeme"`, `"<your-key>"`, `os.environ`...). */
function confirmCredential(text: string, start: number, end: number): readonly [number, number] | undefined {
  const quote = text.charAt(end - 1);
  const close = text.indexOf(quote, end);
  if (close < 0 || close - end < 6 || close - end > 200) return undefined;
  const value = text.slice(end, close);
  if (/\s/.test(value) || PLACEHOLDER_SECRET.test(value)) return undefined;
  return [start, close + 1];
}

const PLACEHOLDER_SECRET = /^(?:<[^>]{0,60}>|\$\{[^}]{0,60}\}|\*{3,}|x{3,}|\.{3}|your[-_ ]?\w{0,40}|changeme|example|placeholder|redacted|\[[A-Z_0-9]{1,40}\])$/i;

export const CODE_RULE_IDS = [...new Set(CODE_RULES.map((rule) => rule.id))];

export const outputCodeParamsSchema = z.strictObject({
  action: z.enum(['flag', 'block']).default('flag'),
  /** Rules to run (default all). */
  rules: z.array(z.enum(CODE_RULE_IDS as [string, ...string[]])).min(1).optional(),
  /** Placeholder-like values (`"changeme"`, `"<your-key>"`) are ignored by hardcoded_credential. */
  toolArguments: z.boolean().default(true),
});
export type OutputCodeParams = z.infer<typeof outputCodeParamsSchema>;

export const outputCodePlugin: OutputGuardPlugin<OutputCodeParams> = {
  kind: 'output_guard',
  id: OUTPUT_CODE_ID,
  description: 'Dangerous code (CWE-tagged rules): piped downloads, rm -rf /, eval of input, SQL concatenation, disabled TLS checks, hard-coded credentials',
  params: outputCodeParamsSchema,
  create(params) {
    const rules = params.rules ? CODE_RULES.filter((rule) => params.rules?.includes(rule.id)) : CODE_RULES;
    const scan: TextScanner = (text) => {
      const rewrites: TextRewrite[] = [];
      for (const rule of rules) {
        for (const pattern of rule.patterns) {
          for (const match of text.matchAll(pattern)) {
            const span = rule.confirm ? rule.confirm(text, match.index, match.index + match[0].length) : ([match.index, match.index + match[0].length] as const);
            if (!span) continue;
            const [start, end] = span;
            rewrites.push({ start, end, finding: { detector: OUTPUT_CODE_ID, type: `${rule.cwe}:${rule.id}`, score: 1, start, end }, ...(params.action === 'block' ? { block: OUTPUT_BLOCK } : {}) });
          }
        }
      }
      return rewrites;
    };
    const scanner = (context: { kind: 'text' | 'tool_arguments' }): TextScanner | undefined => (context.kind === 'tool_arguments' && !params.toolArguments ? undefined : scan);
    return { scanner, start: (context) => new WindowedGuard([scanner(context) ?? (() => [])]) };
  },
};
