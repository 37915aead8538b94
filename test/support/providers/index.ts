/**
 * Mock LLM providers for tests: OpenAI-, Anthropic- and Gemini-compatible HTTP servers with real wire
 * shapes, awkward chunking, gzip, scripted faults and a request recorder. See server.ts for the control
 * API and faults.ts for the directive headers.
 */
export { startMockProvider, startMockProviders, parseFaultEntries, type StartAllOptions } from './server';
export {
  FAULT_KEYS,
  HEADER_CHUNKING,
  HEADER_FAULT,
  HEADER_REPLY,
  HEADER_REPLY_B64,
  HEADER_USAGE,
  parseFaultSpec,
  parseUsageSpec,
  type FaultSpec,
} from './faults';
export { CHUNK_MODES, type ChunkMode } from './chunking';
export { ECHO_LENGTH, defaultReplyText, digest, estimateTokens, limitText, splitDeltas } from './text';
export { DEFAULT_EMBEDDING_DIMENSIONS, OPENAI_MODELS, embeddingToBase64, mockEmbedding } from './openai';
export { chatUsage } from './openai-chat';
export { responsesUsage } from './openai-responses';
export { anthropicUsage } from './anthropic';
export { geminiUsage } from './gemini';
export type {
  FaultEntry,
  Flavor,
  Json,
  JsonObject,
  MockProviderHandle,
  MockProviderOptions,
  MockProviders,
  RecordedRequest,
  UsageOverrides,
} from './types';
