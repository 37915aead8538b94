/**
 * Command line of the `llmgw` binary. Only parses arguments and hands over to the composition root.
 *   llmgw serve --config FILE
 *   llmgw check-config FILE
 *   llmgw cache purge --tenant ID --config FILE
 */
import { ConfigError, loadConfigFile } from './config/load';
import { compileConfig } from './config/runtime';
import { SecretStore } from './config/secrets';
import { App } from './app';
import { sha256Hex } from './tenant/identify';

const USAGE = `usage:
  llmgw serve --config FILE     run the ext_proc sidecar
  llmgw check-config FILE       validate a config file and report every problem
  llmgw hash-key                read an API key on stdin, print the SHA-256 to put in tenants.*.apiKeys
  llmgw eval injection FILE.jsonl [--out VERDICTS.jsonl] [--loso]
                                recall per category, false positives, balanced accuracy, prompts/s;
                                --loso: leave-one-source-out cross-validation (retrains per source)
  llmgw redteam --target URL --corpus FILE.jsonl [--key KEY] [--model M] [--concurrency N]
                                send every row through a running gateway (OpenAI chat); block rate
                                per category next to what eval predicts locally
  llmgw eval pii FILE.jsonl [--out FILE]
                                precision, recall and F2 per entity type on a corpus in pii-dev format
  llmgw eval cache FILE.jsonl [--threshold X] [--split NAME] [--verbose]
                                semantic cache on labelled pairs (a, b, same): hit rate on same pairs,
                                false hits on near misses, lookup latency
  llmgw cache purge --tenant ID --config FILE
                                remove every cached answer of a tenant (the Redis store of the config)
  llmgw audit verify DIR [--key-file FILE]... [--json]
                                check the tamper-evident audit files; exit 0 verified, 1 broken link,
                                2 usage or unreadable input, 3 not fully verifiable (no or unknown key)
  llmgw audit decrypt FILE... --key-file FILE [--key-file FILE]...
                                print audit records with their encrypted bodies (audit.bodies) opened
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'check-config':
      return checkConfig(rest);
    case 'hash-key':
      return hashKey();
    case 'eval':
      return evaluate(rest);
    case 'redteam': {
      const { runRedteam } = await import('./guard/injection/redteam');
      return runRedteam(rest, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    }
    case 'cache': {
      if (rest[0] !== 'purge') {
        process.stderr.write(USAGE);
        return 2;
      }
      const { runCachePurge } = await import('./cache/purge-cli');
      return runCachePurge({ tenant: optionValue(rest, '--tenant'), config: optionValue(rest, '--config') }, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
    }
    case 'audit': {
      if (rest[0] === 'decrypt') {
        const { runAuditDecrypt } = await import('./audit/decrypt');
        return runAuditDecrypt(rest.slice(1));
      }
      if (rest[0] !== 'verify') {
        process.stderr.write(USAGE);
        return 2;
      }
      const { runAuditVerify } = await import('./audit/verify');
      return runAuditVerify(rest.slice(1));
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command: ${command}\n${USAGE}`);
      return 2;
  }
}

/** Quality measurements of the detectors on a corpus; loaded only when asked for. */
async function evaluate(args: readonly string[]): Promise<number> {
  const [kind, ...rest] = args;
  switch (kind) {
    case 'pii': {
      const { runPiiEval } = await import('./guard/pii/eval');
      return runPiiEval(rest);
    }
    case 'cache': {
      const { runCacheEval } = await import('./cache/eval');
      return runCacheEval(rest, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
    }
    case 'injection': {
      const { runInjectionEval } = await import('./guard/injection/eval');
      return runInjectionEval(rest, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
    }
    default:
      process.stderr.write(`unknown eval: ${kind ?? '(none)'}\n${USAGE}`);
      return 2;
  }
}

/** Reads the key from stdin (not argv, which lands in shell history and `ps`). */
async function hashKey(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const key = Buffer.concat(chunks).toString('utf8').trim();
  if (!key) {
    process.stderr.write('hash-key: no key on stdin\n');
    return 2;
  }
  process.stdout.write(`${sha256Hex(key)}\n`);
  return 0;
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function checkConfig(args: readonly string[]): number {
  const file = optionValue(args, '--config') ?? args[0];
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const secrets = new SecretStore();
    compileConfig(loadConfigFile(file), secrets);
    secrets.close();
    process.stdout.write(`${file}: ok\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function serve(args: readonly string[]): Promise<number> {
  const file = optionValue(args, '--config') ?? process.env.LLMGW_CONFIG;
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  let app: App;
  try {
    app = await App.start({ configPath: file, watchConfig: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal means "now": skip the drain.
        void app.close().then(() => resolve(0));
        return;
      }
      stopping = true;
      app.logger.info({ signal }, 'signal received');
      void app.drain().then(() => resolve(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => {
      app.store.reload();
      // Policy bundles too: files re-read, bundle services polled now (a watcher can miss a change on some volumes).
      void app.policy.refreshAll();
    });
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`fatal: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
