/**
 * Per-tenant token and money budgets: estimate, reserve before forwarding, settle after, in Redis
 * (shared by every replica) or in memory. See README.md in this folder for the model and the bounds.
 */
export { costUsd } from './pricing';
export type { BilledTokens } from './pricing';

export {
  estimateRequest,
  expectedOutputTokens,
  countTextTokens,
  imageTokens,
  openAiEncoding,
  openAiImageRule,
  defaultTextFactor,
  streamedOutputTokens,
  warmUpTokenizers,
} from './estimate';
export type { EstimateTarget, EstimateOptions, EstimateBreakdown, EstimateMethod, RequestEstimate, OutputCaps } from './estimate';
export { imageDimensions, imageDimensionsFromBase64 } from './image-size';
export type { ImageDimensions } from './image-size';

export {
  budgetLimitsSchema,
  budgetWindowLimitsSchema,
  compileTenantBudget,
  unlimitedTenantBudget,
  checkBudgetReferences,
  budgetApplies,
  tenantHashTag,
  dayWindow,
  monthWindow,
  toNanoUsd,
  NANO_USD,
} from './limits';
export type { BudgetLimitsInput, BudgetLimitsConfig, BudgetWindowLimits, BudgetWindowLimitsInput, CompiledLimits, CompiledTenantBudget, BudgetConfigProblem, LimitName, ScopeKind, ScopeRef } from './limits';

export { BudgetService } from './service';
export type { BudgetServiceOptions, FailureMode } from './service';
export type {
  ReserveInput,
  ReserveDecision,
  Reservation,
  ReservationOrigin,
  LimitStatus,
  DenialCode,
  ActualUsage,
  SettleOutcome,
  SettleRecord,
  BudgetEvents,
  BudgetOutcome,
  BudgetModel,
} from './service-types';
export { rateLimitHeaders, formatResetDuration } from './headers';

export { budgetStoreSchema, createBudgetService } from './setup';
export type { BudgetStoreConfig, BudgetStoreInput, CreateBudgetServiceOptions } from './setup';
export { MemoryBudgetStore } from './memory-store';
export { RedisBudgetStore, createRedisClient, redisConnectionSchema, redisTlsSchema } from './redis-store';
export type { RedisConnectionConfig, RedisClientOptions, RedisSecretSource } from './redis-store';
export { StoreUnavailableError } from './store';
export type { BudgetStore } from './store';

export { benchBudgetCheck } from './bench';
export type { BudgetBenchOptions, BudgetBenchResult, BudgetBenchReport } from './bench';
