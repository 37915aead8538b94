/**
 * Child process of the SIGTERM test: writes audit records to a TenantFileSink as fast as it can, counting
 * each record handed to write() (a finished request), until SIGTERM; then close() and report the count.
 * Prints `ready` once the sink has started and `loaded` once LOADED records (third argument) have been
 * handed to it, so the test signals it under load however slow the machine is, not after a fixed time.
 * TypeScript sources are compiled on load with the project's own typescript (no build step).
 */
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: filename });
  module._compile(outputText, filename);
};

const { TenantFileSink } = require('../../../src/audit/file-sink.ts');
const { auditRecord } = require('../helpers.ts');

const [dir, keyHex, loadedArg] = process.argv.slice(2);
const loaded = Number(loadedArg ?? 0);
let loadedReported = false;
const key = Buffer.from(keyHex, 'hex');
let dropped = 0;
const sink = new TenantFileSink({ dir, key: () => key, fsync: 'interval', maxQueued: 1_000_000, onDrop: () => (dropped += 1) });
let written = 0;
let stopping = false;

function burst() {
  if (stopping) return;
  for (let i = 0; i < 200; i++) {
    sink.write(auditRecord(['a', 'b', 'c', null][written % 4]));
    written += 1;
  }
  if (!loadedReported && written >= loaded) {
    loadedReported = true;
    process.stdout.write('loaded\n');
  }
  setImmediate(burst);
}

process.on('SIGTERM', () => {
  stopping = true;
  sink.close().then(() => {
    process.stdout.write(JSON.stringify({ written, dropped }) + '\n');
    process.exit(0);
  });
});

sink.start().then(() => {
  process.stdout.write('ready\n');
  burst();
});
