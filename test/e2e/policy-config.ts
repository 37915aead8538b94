/** The gateway config of the policy end-to-end tests: one tenant per sample rule of the default bundle. */
import { createHash } from 'node:crypto';
import type { ConfigInput } from '../../src/config/schema';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
export const KEYS = {
  standard: 'sk-policy-standard',
  free: 'sk-policy-free',
  trial: 'sk-policy-trial',
  untrusted: 'sk-policy-untrusted',
  batch: 'sk-policy-batch',
  always: 'sk-policy-always',
  structured: 'sk-policy-structured',
} as const;

/** Never inside business hours, whatever the clock says when the test runs. */
const NEVER = { days: [], start_hour: 0, end_hour: 24 };

/** `defaultBundle` as a path or source; `extra` adds to the policy section (a canary, say). */
export function policyTestConfig(bundle: NonNullable<ConfigInput['policy']>['defaultBundle'], extra: Partial<NonNullable<ConfigInput['policy']>> = {}): Partial<ConfigInput> {
  const tenant = (key: string, id: string) => ({ apiKeys: [{ id, sha256: sha256(key) }] });
  return {
    guards: {
      input: [
        { id: 'pii', action: 'flag' },
        { id: 'prompt_injection', action: 'flag' },
      ],
    },
    tenants: {
      standard: tenant(KEYS.standard, 'standard-key'),
      free: tenant(KEYS.free, 'free-key'),
      trial: tenant(KEYS.trial, 'trial-key'),
      untrusted: tenant(KEYS.untrusted, 'untrusted-key'),
      hours: { apiKeys: [{ id: 'batch-key', sha256: sha256(KEYS.batch) }, { id: 'always-key', sha256: sha256(KEYS.always) }] },
      structured: tenant(KEYS.structured, 'structured-key'),
    },
    policy: {
      defaultBundle: bundle,
      // The "gemini" provider stands for a model served inside the mesh.
      internalProviders: ['gemini'],
      tenants: {
        standard: { tier: 'standard', timezone: 'Europe/Berlin', competitors: ['Initech'], attributes: { blocked_topics: { weapons: 0.6, self_harm: 0.6, competitor: 0.5 } } },
        free: { tier: 'free' },
        trial: { tier: 'trial' },
        untrusted: { tier: 'standard', apps: { 'untrusted-key': 'plugin-store' } },
        hours: {
          tier: 'standard',
          timezone: 'America/New_York',
          attributes: { business_hours_keys: ['batch-key'], business_hours: NEVER },
        },
        structured: { tier: 'standard', apps: { 'structured-key': 'etl' }, attributes: { structured_output_apps: ['etl'] } },
      },
      ...extra,
    },
  };
}

