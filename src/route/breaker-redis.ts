/**
 * Breaker state shared by every replica through Redis: one hash per provider+model, updated by one Lua
 * script that applies the same rules as `step` (breaker.ts) atomically, so failures seen by all replicas
 * count together and an opening by one is seen by the others (on their next outcome or sync).
 * Each key is its own hash tag, so the script works on Redis Cluster too.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { BreakerPhase, BreakerSettings, BreakerState, SharedBreakerStore } from './breaker';
import { CLOSED } from './breaker';

/** KEYS[1] hash; ARGV now, ok, consecutive, errorRate, minRequests, windowMs, openMs. Returns the new state. */
export const BREAKER_SCRIPT = `
local h = redis.call('HMGET', KEYS[1], 'phase', 'fails', 'wstart', 'wtotal', 'wfail', 'until')
local phase = h[1] or 'closed'
local fails = tonumber(h[2] or '0')
local wstart = tonumber(h[3] or '0')
local wtotal = tonumber(h[4] or '0')
local wfail = tonumber(h[5] or '0')
local openUntil = tonumber(h[6] or '0')
local now = tonumber(ARGV[1])
local ok = ARGV[2] == '1'
local threshold = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local minRequests = tonumber(ARGV[5])
local windowMs = tonumber(ARGV[6])
local openMs = tonumber(ARGV[7])
if phase == 'half_open' or (phase == 'open' and now >= openUntil) then
  if ok then
    phase = 'closed'; fails = 0; wstart = now; wtotal = 0; wfail = 0; openUntil = 0
  else
    phase = 'open'; openUntil = now + openMs; fails = fails + 1
  end
elseif phase ~= 'open' then
  if now - wstart >= windowMs then wstart = now; wtotal = 0; wfail = 0 end
  wtotal = wtotal + 1
  if ok then fails = 0 else fails = fails + 1; wfail = wfail + 1 end
  if (not ok) and (fails >= threshold or (wtotal >= minRequests and wfail / wtotal >= rate)) then
    phase = 'open'; openUntil = now + openMs
  else
    phase = 'closed'; openUntil = 0
  end
end
redis.call('HSET', KEYS[1], 'phase', phase, 'fails', fails, 'wstart', wstart, 'wtotal', wtotal, 'wfail', wfail, 'until', openUntil)
redis.call('PEXPIRE', KEYS[1], windowMs + openMs + 60000)
return {phase, tostring(fails), tostring(wstart), tostring(wtotal), tostring(wfail), tostring(openUntil)}
`;

const SCRIPT_SHA = createHash('sha1').update(BREAKER_SCRIPT).digest('hex');

export class RedisBreakerStore implements SharedBreakerStore {
  constructor(
    private readonly client: Redis | Cluster,
    private readonly keyPrefix: string,
  ) {}

  async record(key: string, ok: boolean, nowMs: number, settings: BreakerSettings): Promise<BreakerState> {
    const args = [
      String(nowMs),
      ok ? '1' : '0',
      String(settings.consecutiveFailures),
      String(settings.errorRate),
      String(settings.minRequests),
      String(Math.round(settings.windowSeconds * 1000)),
      String(Math.round(settings.openSeconds * 1000)),
    ];
    const redisKey = this.redisKey(key);
    let reply: unknown;
    try {
      reply = await this.client.evalsha(SCRIPT_SHA, 1, redisKey, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      reply = await this.client.eval(BREAKER_SCRIPT, 1, redisKey, ...args);
    }
    return parseState(reply);
  }

  async read(keys: readonly string[]): Promise<ReadonlyMap<string, BreakerState>> {
    const out = new Map<string, BreakerState>();
    // One HMGET per key (each key is its own slot on a cluster); sent together, answered together.
    const replies = await Promise.all(keys.map((key) => this.client.hmget(this.redisKey(key), 'phase', 'fails', 'wstart', 'wtotal', 'wfail', 'until')));
    keys.forEach((key, index) => {
      const fields = replies[index];
      out.set(key, fields[0] === null ? CLOSED : parseState(fields));
    });
    return out;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private redisKey(key: string): string {
    return `${this.keyPrefix}{${key}}`;
  }
}

function isPhase(value: string): value is BreakerPhase {
  return value === 'closed' || value === 'open' || value === 'half_open';
}

function parseState(reply: unknown): BreakerState {
  if (!Array.isArray(reply) || reply.length < 6) throw new Error('unexpected breaker script reply');
  const [phase, fails, wstart, wtotal, wfail, until] = reply.map((value) => String(value ?? ''));
  return {
    phase: isPhase(phase) ? phase : 'closed',
    consecutiveFailures: Number(fails) || 0,
    windowStartMs: Number(wstart) || 0,
    windowTotal: Number(wtotal) || 0,
    windowFailures: Number(wfail) || 0,
    openUntilMs: Number(until) || 0,
  };
}
