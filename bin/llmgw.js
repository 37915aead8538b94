#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (`make build` or `npm run build` produces dist/).
const { main } = require('../dist/src/main.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`fatal: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
