/**
 * `output.banned_terms`: words and phrases a tenant never wants in responses (competitor names, internal
 * code names, slurs). Matching is a plain case-insensitive search on word boundaries: no pattern is built
 * from config, so nothing a tenant writes can make matching super-linear.
 */
import { z } from 'zod';
import type { OutputGuardPlugin, TextRewrite, TextScanner } from '../registry';
import { OUTPUT_BLOCK } from './block';
import { WindowedGuard } from './window';

export const OUTPUT_BANNED_TERMS_ID = 'output.banned_terms';

export const bannedTermsParamsSchema = z.strictObject({
  terms: z.array(z.string().trim().min(1).max(200)).min(1).max(10_000),
  action: z.enum(['flag', 'mask', 'block']).default('mask'),
  maskText: z.string().min(1).max(64).regex(/^[^"\\]*$/, 'no quotes or backslashes').default('[REDACTED]'),
  /** Match only whole words (default); false also matches inside longer words. */
  wholeWord: z.boolean().default(true),
  toolArguments: z.boolean().default(true),
});
export type BannedTermsParams = z.infer<typeof bannedTermsParamsSchema>;

function isWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code > 0x7f;
}

/** Every occurrence of each term (lower-cased search), as [start, end) pairs. */
export function findTerms(text: string, terms: readonly string[], wholeWord: boolean): Array<[number, number, string]> {
  const lower = text.toLowerCase();
  const found: Array<[number, number, string]> = [];
  for (const term of terms) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(term, from);
      if (at < 0) break;
      const end = at + term.length;
      const bounded = !wholeWord || ((at === 0 || !isWordChar(lower.charCodeAt(at - 1))) && (end === lower.length || !isWordChar(lower.charCodeAt(end))));
      if (bounded) found.push([at, end, term]);
      from = at + 1;
    }
  }
  return found;
}

export const bannedTermsPlugin: OutputGuardPlugin<BannedTermsParams> = {
  kind: 'output_guard',
  id: OUTPUT_BANNED_TERMS_ID,
  description: 'Banned words and phrases per tenant: flag, mask or block',
  params: bannedTermsParamsSchema,
  create(params) {
    // Lower-casing can change a string's length (rare Unicode cases); such terms are matched as given.
    const terms = [...new Set(params.terms.map((term) => (term.toLowerCase().length === term.length ? term.toLowerCase() : term)))];
    const scan: TextScanner = (text) =>
      findTerms(text, terms, params.wholeWord).map(([start, end]): TextRewrite => ({
        start,
        end,
        finding: { detector: OUTPUT_BANNED_TERMS_ID, type: 'banned_term', score: 1, start, end },
        ...(params.action === 'mask' ? { replacement: params.maskText } : {}),
        ...(params.action === 'block' ? { block: OUTPUT_BLOCK } : {}),
      }));
    const scanner = (context: { kind: 'text' | 'tool_arguments' }): TextScanner | undefined => (context.kind === 'tool_arguments' && !params.toolArguments ? undefined : scan);
    return { scanner, start: (context) => new WindowedGuard([scanner(context) ?? (() => [])]) };
  },
};
