/**
 * PII and secrets: recognizers, the analyser, redaction actions, streaming restoration of reversible
 * placeholders, the Presidio remote-analyser plug-in and the `eval pii` command. Pure apart from the remote
 * plug-in's HTTP call; knows nothing of Envoy or of the pipeline.
 */
export type { Candidate, EntityType, PiiSpan, Recognizer } from './types';
export { PiiAnalyzer, DEFAULT_THRESHOLD, lookupByType, resolveOverlaps } from './analyzer';
export type { AnalyzerOptions } from './analyzer';
export { DEFAULT_CONTEXT_WINDOW, CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT, NEGATIVE_CONTEXT_PENALTY } from './context';
export type { ContextWindow } from './context';
export { BUILTIN_RECOGNIZERS, BUILTIN_ENTITIES } from './recognizers';
export { compiledPatterns } from './patterns';
export type { RegisteredPattern } from './patterns';
export {
  PII_ACTIONS,
  RECOMMENDED_PII_ACTIONS,
  piiActionsSchema,
  PlaceholderAllocator,
  PiiPolicyError,
  PLACEHOLDER_LABELS,
  actionFor,
  checkPolicy,
  hmacToken,
  placeholderLabel,
  redactSegments,
} from './redact';
export type { PiiAction, PiiActionsConfig, PiiPolicy, RedactionResult, SpanLike } from './redact';
export { Restorer, restoreText } from './restore';
export { redactionBaseSchema, compileRedaction, redactRequest } from './request-redaction';
export type { RedactionBaseConfig, CompiledRedaction, RequestRedaction } from './request-redaction';
export type { RestoreEncoding, RestorerOptions } from './restore';
export { piiPlugin, piiParamsSchema, analyzerFromParams, registerPiiPlugins, PII_DETECTOR_ID, PII_ENTITIES } from './plugin';
export type { PiiParams } from './plugin';
export { presidioPlugin, presidioParamsSchema, createPresidioInspector, codePointOffsets, DetectorUnavailableError, PRESIDIO_DETECTOR_ID } from './presidio';
export type { PresidioParams, RemoteInspector, RemoteOutcome } from './presidio';
export { runPiiEval, evaluatePii, scoreSpans, parseEvalRows, formatPiiReport, fBeta, corpusType, CORPUS_TYPE_NAMES, defaultPiiEvalIo } from './eval';
export type { PiiEvalIo, PiiEvalResult, EvalRow, EvalSpan, TypeMetrics } from './eval';
