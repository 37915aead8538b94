/**
 * Runs the mock providers as a process, for `make run` and manual poking:
 *   main.ts --openai 18081 --anthropic 18082 --gemini 18083 [--host 127.0.0.1]
 * Only the flavours named are started; with none named all three start on ephemeral ports. Prints one
 * `mock-<flavor> listening on <url>` line per server and exits cleanly on SIGTERM/SIGINT.
 */
import { startMockProvider } from './server';
import { FLAVORS, type Flavor, type MockProviderHandle } from './types';

export interface MainArgs {
  readonly ports: Partial<Record<Flavor, number>>;
  readonly host: string;
}

export function parseArgs(argv: readonly string[]): MainArgs {
  const ports: Partial<Record<Flavor, number>> = {};
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    const name = flag.replace(/^--/, '');
    if (name === 'host') host = value;
    else if ((FLAVORS as readonly string[]).includes(name)) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port for ${flag}: ${value}`);
      ports[name as Flavor] = port;
    } else throw new Error(`unknown argument ${arg} (usage: --openai PORT --anthropic PORT --gemini PORT [--host HOST])`);
  }
  if (Object.keys(ports).length === 0) for (const f of FLAVORS) ports[f] = 0;
  return { ports, host };
}

/** Starts the servers, returns a function that closes them all. */
export async function runMain(argv: readonly string[], log: (line: string) => void = (l) => console.log(l)): Promise<() => Promise<void>> {
  const { ports, host } = parseArgs(argv);
  const handles: MockProviderHandle[] = [];
  const closeAll = async (): Promise<void> => void (await Promise.all(handles.map((h) => h.close())));
  try {
    for (const flavor of FLAVORS) {
      const port = ports[flavor];
      if (port === undefined) continue;
      const h = await startMockProvider({ flavor, port, host });
      handles.push(h);
      log(`mock-${flavor} listening on ${h.url}`);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return closeAll;
}

if (require.main === module) {
  runMain(process.argv.slice(2)).then(
    (closeAll) => {
      const stop = (signal: NodeJS.Signals): void => {
        console.log(`mock providers: ${signal}, closing`);
        void closeAll().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      console.error(`mock providers: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
