/**
 * Provider keys cooling down after a 429. A provider that answers 429 to a key says when that key may
 * try again (Retry-After); until then the router gives its requests to the pool's other keys, and when
 * every key of a provider is cooling, the provider counts as unavailable (its models' fallbacks serve).
 *
 * Keys are identified by where they come from (file path or variable name) and the provider, never by
 * their value, so nothing secret is held here or shown on the admin API. Process-wide: it outlives
 * config reloads (a reload does not make a rate-limited key usable again).
 */
import type { SecretSource } from '../config/secrets';

export interface CooldownSettings {
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
}

export interface CoolingKey {
  readonly provider: string;
  /** `file:/path` or `env:NAME`. */
  readonly key: string;
  readonly untilMs: number;
}

export function keyId(source: SecretSource): string {
  return 'file' in source ? `file:${source.file}` : `env:${source.env}`;
}

/**
 * Seconds to wait from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 10.2.3), or the
 * OpenAI-style `retry-after-ms`. Undefined when absent or unreadable.
 */
export function retryAfterSeconds(headers: ReadonlyMap<string, string>, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms.trim()) / 1000;
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - nowMs) / 1000) : undefined;
}

export class KeyCooldowns {
  private readonly until = new Map<string, CoolingKey>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Cools the key for the provider's Retry-After (bounded), or the default when it gave none. */
  cool(provider: string, source: SecretSource, retryAfter: number | undefined, settings: CooldownSettings): CoolingKey {
    const seconds = Math.min(retryAfter ?? settings.defaultSeconds, settings.maxSeconds);
    const entry: CoolingKey = { provider, key: keyId(source), untilMs: this.clock() + Math.round(seconds * 1000) };
    const id = `${provider}\0${entry.key}`;
    const existing = this.until.get(id);
    // A later 429 with a shorter wait must not shorten a wait already promised by the provider.
    if (!existing || existing.untilMs < entry.untilMs) this.until.set(id, entry);
    return this.until.get(id) ?? entry;
  }

  isCooling(provider: string, source: SecretSource): boolean {
    const id = `${provider}\0${keyId(source)}`;
    const entry = this.until.get(id);
    if (!entry) return false;
    if (entry.untilMs > this.clock()) return true;
    this.until.delete(id);
    return false;
  }

  /** Keys still cooling, for the admin API and metrics. */
  cooling(): CoolingKey[] {
    const now = this.clock();
    return [...this.until.values()].filter((entry) => entry.untilMs > now);
  }
}
