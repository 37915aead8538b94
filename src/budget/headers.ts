/**
 * OpenAI-style rate-limit headers from the limits a reservation was checked against:
 * `x-ratelimit-limit-tokens`, `x-ratelimit-remaining-tokens`, `x-ratelimit-reset-tokens` (the token
 * limit with the least room left: per minute or per day, of any scope), and the `-requests`
 * counterparts when a requests-per-minute limit applies. Reset values are durations the way OpenAI
 * writes them: `20ms`, `1s`, `6m0s`, `1h2m3s`.
 */
import type { LimitStatus } from './service-types';

export function formatResetDuration(ms: number): string {
  const value = Math.max(0, Math.ceil(ms));
  if (value < 1000) return `${value}ms`;
  let seconds = Math.ceil(value / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function tightest(limits: readonly LimitStatus[]): LimitStatus | undefined {
  let best: LimitStatus | undefined;
  for (const limit of limits) {
    if (!best || limit.remaining < best.remaining || (limit.remaining === best.remaining && limit.resetMs < best.resetMs)) best = limit;
  }
  return best;
}

export function rateLimitHeaders(limits: readonly LimitStatus[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const tokens = tightest(limits.filter((l) => l.limit === 'tokensPerMinute' || l.limit === 'tokensPerDay'));
  if (tokens) {
    headers.push(['x-ratelimit-limit-tokens', String(tokens.max)]);
    headers.push(['x-ratelimit-remaining-tokens', String(Math.max(0, Math.floor(tokens.remaining)))]);
    headers.push(['x-ratelimit-reset-tokens', formatResetDuration(tokens.resetMs)]);
  }
  const requests = tightest(limits.filter((l) => l.limit === 'requestsPerMinute'));
  if (requests) {
    headers.push(['x-ratelimit-limit-requests', String(requests.max)]);
    headers.push(['x-ratelimit-remaining-requests', String(Math.max(0, Math.floor(requests.remaining)))]);
    headers.push(['x-ratelimit-reset-requests', formatResetDuration(requests.resetMs)]);
  }
  return headers;
}
