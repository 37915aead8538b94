/** The translate glue for per-attempt fallback: the same functions the router-level exchange uses. */
import { translateForProvider, translateResponse } from './translation';
import type { AttemptTranslator } from './upstream-exchange';

export const attemptTranslator: AttemptTranslator = { request: translateForProvider, response: translateResponse };
