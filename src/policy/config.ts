/**
 * The `policy:` config section (for the lead to add to src/config/schema.ts) and the loader that turns it
 * into an engine: each distinct bundle file is loaded once, however many tenants share it.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { canaryOptionsSchema } from './canary';
import { DEFAULT_WASM_MEMORY, PolicyBundle, PolicyEngine, type PolicyEngineOptions } from './engine';
import { verificationKeySchema } from './signature';

export const policyConfigSchema = z.strictObject({
  /** Bundle (`opa build -t wasm` .tar.gz) for tenants without their own. */
  defaultBundle: z.string().min(1),
  /** Tenant id to its own bundle file. */
  tenantBundles: z.record(z.string(), z.string().min(1)).default({}),
  /** What an evaluation error decides: closed denies (reason policy_error), open allows without obligations. */
  failMode: z.enum(['closed', 'open']).default('closed'),
  /** When set, every bundle must be signed by one of these keys (OPA .signatures.json). */
  verification: z
    .strictObject({
      keys: z.array(verificationKeySchema).min(1),
      keyId: z.string().min(1).optional(),
      scope: z.string().optional(),
    })
    .optional(),
  /** wasm linear memory per bundle instance, in 64 KiB pages. */
  memory: z
    .strictObject({ initialPages: z.number().int().min(1).max(65536), maximumPages: z.number().int().min(1).max(65536) })
    .refine((m) => m.maximumPages >= m.initialPages, 'maximumPages must be at least initialPages')
    .default(DEFAULT_WASM_MEMORY),
  /** A candidate default bundle tried on a share of traffic, in shadow on the rest. */
  canary: canaryOptionsSchema.extend({ bundle: z.string().min(1) }).optional(),
});
export type PolicyConfig = z.infer<typeof policyConfigSchema>;

export interface LoadedPolicyConfig {
  readonly engine: PolicyEngine;
  /** An engine over the canary bundle (tenant bundles unchanged), when a canary is configured. */
  readonly candidate?: PolicyEngine;
}

/** Loads every bundle the config names (relative paths from baseDir). Throws on the first bad bundle. */
export async function loadPolicyConfig(
  config: PolicyConfig,
  options: { readonly baseDir?: string } & Pick<PolicyEngineOptions, 'onEvaluation' | 'validateInput'> = {},
): Promise<LoadedPolicyConfig> {
  const cache = new Map<string, Promise<PolicyBundle>>();
  const load = (file: string): Promise<PolicyBundle> => {
    const resolved = path.resolve(options.baseDir ?? process.cwd(), file);
    let bundle = cache.get(resolved);
    if (!bundle) {
      bundle = PolicyBundle.fromFile(resolved, { name: path.basename(file).replace(/\.tar\.gz$/, ''), memory: config.memory, ...(config.verification ? { verification: config.verification } : {}) });
      cache.set(resolved, bundle);
    }
    return bundle;
  };
  const defaultBundle = await load(config.defaultBundle);
  const tenantBundles = new Map<string, PolicyBundle>();
  for (const [tenant, file] of Object.entries(config.tenantBundles)) tenantBundles.set(tenant, await load(file));
  const common = { tenantBundles, failMode: config.failMode, ...(options.onEvaluation ? { onEvaluation: options.onEvaluation } : {}), ...(options.validateInput ? { validateInput: true } : {}) };
  const engine = new PolicyEngine({ defaultBundle, ...common });
  if (!config.canary) return { engine };
  const candidate = new PolicyEngine({ defaultBundle: await load(config.canary.bundle), ...common });
  return { engine, candidate };
}
