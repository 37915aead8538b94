/**
 * Tenant policy (issue 8): Rego compiled to wasm by scripts/build-policy.sh, evaluated in-process, plus the
 * topic classifier that feeds it and the canary rollout of new rule sets. See README.md in this folder.
 */
export * from './types';
export { PolicyBundle, PolicyEngine, PolicyLoadError, SDK_HOST_BUILTINS, DEFAULT_WASM_MEMORY, errorText } from './engine';
export type { LoadBundleOptions, PolicyEngineOptions, PolicyEvaluationEvent, WasmMemoryLimits } from './engine';
export { parseBundle, readTar, BundleError, DEFAULT_BUNDLE_LIMITS } from './bundle';
export type { BundleLimits, BundleManifest, ParsedBundle } from './bundle';
export { verifyBundleSignature, canonicalJson, isStructuredFile, SignatureError, verificationKeySchema, SIGNING_ALGORITHMS, SIGNATURES_FILE } from './signature';
export type { SigningAlgorithm, VerificationConfig, VerificationKey } from './signature';
export { LexiconTopicClassifier, DEFAULT_TOPICS, COMPETITOR_TOPIC, normaliseText, topicClassifierParamsSchema, topicDefinitionSchema } from './topics';
export type { TopicClassifier, TopicClassifierParams, TopicDefinition } from './topics';
export { PolicyRollout, canaryOptionsSchema, compareDecisions, stableHash } from './canary';
export type { CanaryCounters, CanaryOptions, CanarySubject, DecisionDifference, Disagreement, PolicyRolloutOptions } from './canary';
export { bundleSourceSchema, compilePolicy, policyConfigSchema, policyConfigSchemaWith, tenantPolicySchema } from './config';
export type { BundleSourceSpec, PolicyCompileContext, PolicyConfigInput, RuntimeCanary, RuntimePolicy, RuntimePolicyTenant } from './config';
export { BundleSource, FileBundleSource, HttpBundleSource, createBundleSource } from './sources';
export type { BundleLoadEvent, BundleLoadResult } from './sources';
export { PolicyService } from './service';
export type { PolicyServiceHooks, PolicySnapshot } from './service';
export { policyTime, buildPolicyInput, isValidTimeZone, toPolicyFindings } from './input';
export type { PolicyInputParts } from './input';
export { benchPolicyEvaluation, sampleInputs } from './bench';
export type { MemorySnapshot, PolicyBenchOptions, PolicyBenchResult } from './bench';
