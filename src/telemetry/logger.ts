/**
 * pino JSON logs on stderr (stdout is reserved for audit records, so a log shipper can tell them apart).
 * Redaction is a second line of defence: code must never log secrets in the first place.
 */
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field paths that could carry credentials if someone logged a header map or a config block. */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'headers["api-key"]',
  'apiKey',
  '*.apiKey',
  'key',
  '*.privateKey',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ fd: 2, sync: false })): Logger {
  return pino(
    {
      level,
      base: { service: 'llmgw' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
