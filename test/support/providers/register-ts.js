/**
 * Minimal require hook so the mock providers can run straight from TypeScript without ts-node (not
 * installed): `node -r ./test/support/providers/register-ts.js test/support/providers/main.ts --openai 18081`.
 * Transpile-only (no type check), CommonJS, using the project's own `typescript` package.
 */
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
