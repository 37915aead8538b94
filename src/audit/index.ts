/**
 * Audit: the record (record.ts), where records go (sinks), and how their integrity is checked
 * (`llmgw audit verify`). See README.md in this folder.
 */
export { auditRecordSchema, auditDecisionSchema, auditFindingSchema, auditJsonSchema, AUDIT_RECORD_VERSION } from './record';
export type { AuditRecord, AuditDecision, AuditFinding } from './record';
export { JsonLinesSink, MemorySink } from './sink';
export type { AuditSink, WritableLike } from './sink';

export {
  canonicalJson,
  deriveAuditKey,
  auditKeyId,
  keyFromFileContent,
  AuditKeyring,
  AuditKeyError,
  genesisPrev,
  tenantDirName,
  utcDay,
  recordsFileName,
  checkpointsFileName,
  MIN_KEY_BYTES,
  UNIDENTIFIED_DIR,
} from './chain';
export type { AuditKey, ChainLine, CheckpointEntry, PruneEntry, ControlEntry } from './chain';
export { auditKeyFromFile } from './key-file';
export { TenantFileSink, AuditDirLockedError, AuditChainStateError } from './file-sink';
export type { TenantFileSinkOptions, FsyncPolicy, DropReason, ClosableAuditSink, AuditSinkEvents } from './file-sink';
export { RedisStreamSink, auditStreamKey } from './redis-stream-sink';
export type { RedisStreamSinkOptions } from './redis-stream-sink';
export { S3AuditSink, s3ObjectKey, objectMac } from './s3-sink';
export type { S3SinkOptions, S3ObjectLock } from './s3-sink';
export { signV4, s3PutObject, S3Error } from './s3';
export type { S3Target, SigV4Credentials } from './s3';
export { FanoutSink } from './fanout';
export type { FanoutRoutes } from './fanout';
export { auditSinksSchema, auditFilesSchema, auditRedisStreamsSchema, auditS3Schema, createAuditSinks, AUDIT_SINK_NAMES } from './config';
export type { AuditSinksConfig, AuditSinksInput, AuditSinkName, AuditSinkHooks, AuditSinks, CreateAuditSinksOptions } from './config';
export { runAuditVerify, verifyAuditDir, verifyTenantDir, AUDIT_VERIFY_USAGE, defaultAuditVerifyIo } from './verify';
export type { AuditVerifyIo, TenantVerifyResult, BrokenLink, BreakReason } from './verify';
