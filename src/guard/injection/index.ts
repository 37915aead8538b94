/**
 * Prompt-injection and jailbreak detection (issue 4): a guard-registry inspector plug-in, the detector
 * behind it, and the evaluation behind `llmgw eval injection`.
 */
export { injectionPlugin, injectionParamsSchema, requestScore, INJECTION_DETECTOR_ID } from './plugin';
export type { InjectionParams } from './plugin';
export { remoteInjectionPlugin, remoteInjectionParamsSchema, createRemoteInjectionInspector, REMOTE_INJECTION_DETECTOR_ID } from './remote';
export type { RemoteInjectionParams } from './remote';
export { InjectionDetector, DEFAULT_DETECTOR_OPTIONS, isDataChannel } from './detector';
export type { DetectorOptions, SegmentResult, InjectionType } from './detector';
export { runInjectionEval, EVAL_USAGE, metrics, leaveOneSourceOut, predict } from './eval';
export type { EvalIo, EvalMetrics, Prediction } from './eval';
export { normalize, concealment } from './normalize';
export type { Normalized, NormalizeSignals } from './normalize';
export { findEncoded, DEFAULT_DECODE_LIMITS } from './decode';
export type { DecodedSpan, DecodeLimits, EncodingKind } from './decode';
export { loadModels, defaultModelPath, MODEL_RELATIVE_PATH } from './model';
export type { InjectionModels } from './model';
export { trainModels, readCorpus, DEFAULT_TRAIN_OPTIONS } from './train';
export type { CorpusRow, TrainOptions } from './train';
export { compiledPatterns } from './patterns';
