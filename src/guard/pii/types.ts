/** Shapes shared by the PII recognizers, the analyser, the actions and the eval. */

/**
 * Entity type names follow Presidio where Presidio has one (EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, US_SSN,
 * IBAN_CODE, IP_ADDRESS, ...). Secrets are `secret.<kind>`. The set is open: a remote analyser may add its own.
 */
export type EntityType = string;

/** What a recognizer proposes before context, thresholds and overlaps are applied. */
export interface Candidate {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  /** Base score 0..1 before context. */
  readonly score: number;
  readonly recognizer: string;
  /** Words (or phrases) that, near the match, raise the score. */
  readonly context?: readonly string[];
  /** Words that, near the match, lower the score. */
  readonly negativeContext?: readonly string[];
  /** Dropped unless a context word is present (US passport, driver's licence, local phone formats). */
  readonly requiresContext?: boolean;
  /** Entity to report instead when a context word is present (a date near "born" is a DATE_OF_BIRTH). */
  readonly typeWithContext?: EntityType;
}

/** A recognizer finds candidates in one text. Pure and synchronous; must be linear in the text length. */
export interface Recognizer {
  readonly id: string;
  /** Entities this recognizer can produce (used to skip it when none is enabled). */
  readonly entities: readonly EntityType[];
  find(text: string): Candidate[];
}

/** A detected span after context and thresholds; never carries the matched text. */
export interface PiiSpan {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly recognizer: string;
}
