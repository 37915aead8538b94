/**
 * The sidecar config the bench runs with: the full pipeline as a real deployment runs it, with a tenant
 * admitting the bench's key (by hash) and the bench's model routed to an OpenAI provider whose key comes
 * from a file. Shared with the protocol test, so the bench cannot silently measure rejections.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConfigInput } from '../src/config/schema';
import { BENCH_API_KEY, BENCH_MODEL } from './scenario';

export function benchGatewayConfig(dir: string): Pick<ConfigInput, 'providers' | 'models' | 'tenants'> {
  const keyFile = path.join(dir, 'provider.key');
  writeFileSync(keyFile, 'sk-provider-bench\n');
  return {
    providers: { openai: { api: 'openai', cluster: 'openai', auth: 'bearer', keys: [{ file: keyFile }] } },
    models: { [BENCH_MODEL]: { provider: 'openai', pricing: { input: 0.15, output: 0.6 } } },
    tenants: { bench: { apiKeys: [{ id: 'bench', sha256: createHash('sha256').update(BENCH_API_KEY).digest('hex') }] } },
  };
}
