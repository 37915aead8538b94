/**
 * Output guards: plug-ins that watch what the provider sends back (text and tool-call arguments), on
 * buffered and streamed responses alike. `slotGuard` builds the guard for one response slot: every
 * windowed plug-in shares one window (one hold-back), the others follow in a chain.
 */
import type { GuardRegistry, OutputContext, OutputGuard, StreamGuard, TextScanner } from '../registry';
import { bannedTermsPlugin } from './banned-terms';
import { outputCodePlugin } from './code';
import { jsonSchemaPlugin } from './json-schema';
import { outputPiiPlugin } from './pii-leak';
import { outputUrlsPlugin } from './urls';
import { GuardChain, PASS_THROUGH, WindowedGuard, type WindowOptions } from './window';

export { WindowedGuard, GuardChain, PASS_THROUGH, DEFAULT_HOLD_BACK_CHARS } from './window';
export type { WindowOptions } from './window';
export { OUTPUT_BLOCK } from './block';
export { CODE_RULES, OUTPUT_CODE_ID } from './code';
export { OUTPUT_PII_ID } from './pii-leak';
export { OUTPUT_URLS_ID, carriesData, hostAllowed } from './urls';
export { OUTPUT_BANNED_TERMS_ID, findTerms } from './banned-terms';
export { OUTPUT_JSON_SCHEMA_ID, structuredOutputProblem } from './json-schema';

export function registerOutputGuards(registry: GuardRegistry): GuardRegistry {
  return registry.register(outputPiiPlugin).register(outputUrlsPlugin).register(outputCodePlugin).register(bannedTermsPlugin).register(jsonSchemaPlugin);
}

/** The guard for one response slot: the windowed plug-ins over one shared window, then the rest in order. */
export function slotGuard(guards: readonly OutputGuard[], context: OutputContext, window: WindowOptions = {}): StreamGuard {
  const scanners: TextScanner[] = [];
  const chained: StreamGuard[] = [];
  for (const guard of guards) {
    if (guard.scanner) {
      const scanner = guard.scanner(context);
      if (scanner) scanners.push(scanner);
    } else {
      const started = guard.start(context);
      if (started !== PASS_THROUGH) chained.push(started);
    }
  }
  const stages = [...(scanners.length > 0 ? [new WindowedGuard(scanners, window)] : []), ...chained];
  if (stages.length === 0) return PASS_THROUGH;
  return stages.length === 1 ? (stages[0] as StreamGuard) : new GuardChain(stages);
}
