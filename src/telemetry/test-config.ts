/** Parses a `telemetry:` section with its defaults (tests of this folder). */
import { telemetrySchema, type TelemetryConfig } from './config';

export function parseTelemetryForTest(input: unknown): TelemetryConfig {
  return telemetrySchema.parse(input);
}
