/** The `redaction` section and `guards.output` compile into each tenant, with every error reported at its path. */
import { ConfigError, parseConfigText, type ConfigProblem } from './load';
import { compileConfig } from './runtime';

const BASE = 'server:\n  tcp: { port: 50051 }\n';

function problemsOf(text: string): ConfigProblem[] {
  try {
    compileConfig(parseConfigText(BASE + text, 'test.yaml'));
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

it('compiles output guards and redaction per tenant, falling back to the top level', () => {
  const config = compileConfig(
    parseConfigText(
      `${BASE}guards:
  output:
    - id: output.pii
      params: { actions: { 'secret.*': block } }
    - id: output.urls
      params: { allowDomains: [example.com] }
  holdBackChars: 128
redaction:
  actions: { EMAIL_ADDRESS: reversible, CREDIT_CARD: block }
tenants:
  plain: {}
  own:
    guards: { output: [{ id: output.code, params: { action: block } }] }
    redaction: { defaultAction: mask }
`,
      'test.yaml',
    ),
  );
  const plain = config.tenants.get('plain');
  const own = config.tenants.get('own');
  expect(plain?.output.guards).toHaveLength(2);
  expect(plain?.output.holdBackChars).toBe(128);
  expect(plain?.redaction?.policy.actions).toEqual({ EMAIL_ADDRESS: 'reversible', CREDIT_CARD: 'block' });
  expect(own?.output.guards).toHaveLength(1);
  expect(own?.output.holdBackChars).toBe(256);
  expect(own?.redaction?.policy.defaultAction).toBe('mask');
});

it('reports every error with its path', () => {
  expect(
    problemsOf(`guards:
  output:
    - id: output.nope
    - id: output.urls
      params: { action: shout }
  holdBackChars: -1
redaction:
  actions: { EMAIL_ADDRESS: hash }
  colour: red
tenants:
  t:
    redaction: { maskText: 'a"b' }
`).map((p) => p.path).sort(),
  ).toEqual(['guards.holdBackChars', 'redaction', 'redaction.hashKey', 'tenants.t.redaction.maskText'].sort());
  // Plug-in params and ids are checked when the schema passed: reported on their own paths.
  expect(problemsOf('guards:\n  output:\n    - id: output.nope\n    - id: output.urls\n      params: { action: shout }\n').map((p) => p.path)).toEqual(['guards.output.0.id', 'guards.output.1.params.action']);
});
