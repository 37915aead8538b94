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
  readonly pattern: RegExp;
}

/**
 * Every pattern is a literal anchor followed by bounded, non-overlapping classes, so matching is linear
 * (test/lint/regex-safety checks them with recheck).
 */
export const CODE_RULES: readonly CodeRule[] = [
  {
    id: 'pipe_to_shell',
    cwe: 'CWE-494',
    description: 'a download piped straight into a shell or interpreter',
    pattern: /\b(?:curl|wget|fetch|iwr|Invoke-WebRequest)\b[^|\n]{1,300}\|\s{0,5}(?:sudo\s{1,5})?(?:ba|z|k|da|fi)?sh\b|\b(?:curl|wget)\b[^|\n]{1,300}\|\s{0,5}(?:sudo\s{1,5})?(?:python3?|perl|ruby|node)\b|\biex\s{0,5}\(\s{0,5}(?:New-Object\s{1,5}Net\.WebClient|iwr|Invoke-WebRequest)/gi,
  },
  {
    id: 'rm_rf_root',
    cwe: 'CWE-78',
    description: 'recursive forced deletion of the root or home directory',
    pattern: /\brm\s{1,5}(?:-{1,2}[A-Za-z-]{1,20}\s{1,5}){1,4}(?:\/|\/\*|~\/?|\$HOME\/?)(?=[\s;&|`'"]|$)/g,
  },
  {
    id: 'eval_of_input',
    cwe: 'CWE-95',
    description: 'eval/exec of user-controlled input',
    pattern: /\b(?:eval|exec)\s{0,5}\(\s{0,5}(?:input\s{0,5}\(|raw_input\s{0,5}\(|request\.|req\.(?:body|query|params)|params\[|sys\.argv|process\.argv|\$_(?:GET|POST|REQUEST|COOKIE)|userInput|user_input)/g,
  },
  {
    id: 'sql_concatenation',
    cwe: 'CWE-89',
    description: 'SQL built by string concatenation or interpolation',
    pattern:
      /["'`]\s{0,5}(?:SELECT|INSERT\s{1,5}INTO|UPDATE|DELETE\s{1,5}FROM)\b[^"'`\n]{1,300}["'`]\s{0,5}(?:\+|\.|\|\|)\s{0,5}[A-Za-z_$]|\bf["'](?:SELECT|INSERT\s{1,5}INTO|UPDATE|DELETE\s{1,5}FROM)\b[^"'\n]{1,300}\{[A-Za-z_]|`(?:SELECT|INSERT\s{1,5}INTO|UPDATE|DELETE\s{1,5}FROM)\b[^`\n]{1,300}\$\{/gi,
  },
  {
    id: 'tls_verification_disabled',
    cwe: 'CWE-295',
    description: 'TLS certificate verification turned off',
    pattern:
      /\bverify\s{0,3}=\s{0,3}False\b|\brejectUnauthorized\s{0,3}:\s{0,3}false\b|\bNODE_TLS_REJECT_UNAUTHORIZED\s{0,3}=\s{0,3}["']?0\b|\bInsecureSkipVerify\s{0,3}:\s{0,3}true\b|\bssl\._create_unverified_context\b|\bCURLOPT_SSL_VERIFYPEER\s{0,3},\s{0,3}(?:false|0)\b|\bcurl\s(?:[^\n|;]{0,200}\s)?(?:-k|--insecure)\b|\bcheck_hostname\s{0,3}=\s{0,3}False\b/g,
  },
  {
    id: 'hardcoded_credential',
    cwe: 'CWE-798',
    description: 'a credential written into the code',
    pattern: /\b(?:password|passwd|pwd|secret|api_?key|apikey|access_?token|auth_?token|client_secret)["']?\s{0,3}[:=]\s{0,3}["'][^"'\s]{6,200}["']/gi,
  },
];

export const CODE_RULE_IDS = CODE_RULES.map((rule) => rule.id);

export const outputCodeParamsSchema = z.strictObject({
  action: z.enum(['flag', 'block']).default('flag'),
  /** Rules to run (default all). */
  rules: z.array(z.enum(CODE_RULE_IDS as [string, ...string[]])).min(1).optional(),
  /** Placeholder-like values (`"changeme"`, `"<your-key>"`) are ignored by hardcoded_credential. */
  toolArguments: z.boolean().default(true),
});
export type OutputCodeParams = z.infer<typeof outputCodeParamsSchema>;

const PLACEHOLDER_SECRET = /^["'](?:<[^>]{0,60}>|\$\{[^}]{0,60}\}|\*{3,}|x{3,}|\.{3}|your[-_ ]?\w{0,40}|changeme|example|placeholder|redacted|\[[A-Z_0-9]{1,40}\])["']$/i;

/** The quoted value at the end of a credential assignment, quotes included. */
function quotedValue(assignment: string): string {
  const quote = assignment.charAt(assignment.length - 1);
  return assignment.slice(assignment.lastIndexOf(quote, assignment.length - 2));
}

/** rm's options include recursion (-r, -R, -rf, --recursive...). */
function recursive(command: string): boolean {
  return command
    .split(/\s+/)
    .some((word) => word === '--recursive' || (word.startsWith('-') && !word.startsWith('--') && /[rR]/.test(word)));
}

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
        for (const match of text.matchAll(rule.pattern)) {
          if (rule.id === 'hardcoded_credential' && PLACEHOLDER_SECRET.test(quotedValue(match[0]))) continue;
          if (rule.id === 'rm_rf_root' && !recursive(match[0])) continue;
          const start = match.index;
          const end = start + match[0].length;
          rewrites.push({ start, end, finding: { detector: OUTPUT_CODE_ID, type: `${rule.cwe}:${rule.id}`, score: 1, start, end }, ...(params.action === 'block' ? { block: OUTPUT_BLOCK } : {}) });
        }
      }
      return rewrites;
    };
    const scanner = (context: { kind: 'text' | 'tool_arguments' }): TextScanner | undefined => (context.kind === 'tool_arguments' && !params.toolArguments ? undefined : scan);
    return { scanner, start: (context) => new WindowedGuard([scanner(context) ?? (() => [])]) };
  },
};
