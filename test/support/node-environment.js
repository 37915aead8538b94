// Jest's node environment runs tests in a separate realm, so Node's fetch dispatcher (undici), which
// lives on the outer realm's globalThis, is not visible there. @google/genai looks it up directly and
// fails with "Undici globalDispatcher is not available". Share the outer realm's dispatcher.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

class GatewayTestEnvironment extends NodeEnvironment {
  async setup() {
    await super.setup();
    if (!globalThis[DISPATCHER]) new Headers(); // Node initialises undici lazily
    if (globalThis[DISPATCHER]) this.global[DISPATCHER] = globalThis[DISPATCHER];
  }
}

module.exports = GatewayTestEnvironment;
