import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText, type ConfigProblem } from './load';
import { SecretStore } from './secrets';
import { compileConfig } from './runtime';

function problemsOf(text: string): ConfigProblem[] {
  try {
    compileConfig(parseConfigText(text, 'test.yaml'));
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('config loading', () => {
  it('accepts a minimal config and fills defaults', () => {
    const config = compileConfig(parseConfigText('server:\n  tcp: { port: 50051 }\n', 'test.yaml'));
    expect(config.server.tcp).toEqual({ host: '127.0.0.1', port: 50051 });
    expect(config.server.maxMessageBytes).toBeGreaterThan(32 * 1024 * 1024);
    expect(config.server.drainTimeoutMs).toBe(30000);
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 9102 });
  });

  /** One fixture per kind of error (src/config/fixtures), with the exact problem it must produce. */
  const anyString = (pattern: RegExp): string => expect.stringMatching(pattern) as unknown as string;
  it.each<[string, ConfigProblem[]]>([
    ['yaml-syntax', [{ path: '', message: anyString(/^YAML BAD_INDENT at line 2, column 1: Flow sequence/) }]],
    ['duplicate-key', [{ path: '', message: anyString(/^YAML DUPLICATE_KEY at line 3, column 3: Map keys must be unique/) }]],
    ['missing-section', [{ path: 'server', message: 'Invalid input: expected object, received undefined' }]],
    ['wrong-type', [{ path: 'server.tcp.port', message: 'Invalid input: expected number, received string' }]],
    ['out-of-range', [{ path: 'server.tcp.port', message: 'Too big: expected number to be <=65535' }]],
    ['unknown-key', [{ path: 'server', message: 'unknown key(s): tpc' }]],
    ['bad-enum', [{ path: 'logging.level', message: anyString(/^Invalid option: expected one of "fatal"\|.*"silent"$/) }]],
    ['no-listener', [{ path: 'server', message: 'set server.tcp, server.unixSocket or both' }]],
    ['mtls-without-ca', [{ path: 'server.tls.clientCaFile', message: 'requireClientCert needs clientCaFile' }]],
    ['unknown-provider', [{ path: 'models.gpt-4o-mini.provider', message: 'unknown provider "nobody"' }]],
    ['provider-without-keys', [{ path: 'providers.openai.keys', message: 'auth "bearer" needs at least one key' }]],
    ['duplicate-api-key', [{ path: 'tenants.b.apiKeys.0.sha256', message: 'key already belongs to a/k1' }]],
    ['bad-key-hash', [{ path: 'tenants.a.apiKeys.0.sha256', message: 'lower-case hex SHA-256 of the key (see `llmgw hash-key`)' }]],
    ['inline-secret', [{ path: 'providers.openai.keys.0', message: 'a key is { file: PATH } or { env: VARIABLE }; keys are never written into the config' }]],
    ['unreadable-key-file', [{ path: 'providers.openai.keys.0', message: 'cannot read secret file /nonexistent/openai.key: ENOENT' }]],
  ])('fixture %s reports its problem with its path', (fixture, expected) => {
    const file = path.join(__dirname, 'fixtures', `${fixture}.yaml`);
    let problems: ConfigProblem[] = [];
    try {
      compileConfig(loadConfigFile(file), new SecretStore(60_000));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = [...error.problems];
    }
    expect(problems).toEqual(expected);
  });

  it('reports every problem at once, not just the first', () => {
    const problems = problemsOf('server:\n  tcp: { port: "x" }\n  drainTimeoutSeconds: -1\nadmin: { port: 1, extra: true }\n');
    expect(problems.map((p) => p.path).sort()).toEqual(['admin', 'server.drainTimeoutSeconds', 'server.tcp.port']);
  });

  it('reports unreadable TLS files with their config path, all at once', () => {
    const problems = problemsOf('server:\n  tcp: { port: 1 }\n  tls: { certFile: /nonexistent/c.pem, keyFile: /nonexistent/k.pem }\n');
    expect(problems.map((p) => p.path)).toEqual(['server.tls.certFile', 'server.tls.keyFile']);
    expect(problems[0].message).toContain('ENOENT');
  });

  it('resolves relative file paths against the config file, not the working directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-config-'));
    writeFileSync(path.join(dir, 'cert.pem'), 'C');
    writeFileSync(path.join(dir, 'key.pem'), 'K');
    const config = compileConfig(
      parseConfigText('server:\n  tcp: { port: 1 }\n  unixSocket: run/x.sock\n  tls: { certFile: cert.pem, keyFile: key.pem }\n', path.join(dir, 'c.yaml')),
    );
    expect(config.server.tls?.cert.toString()).toBe('C');
    expect(config.server.unixSocket).toBe(path.join(dir, 'run/x.sock'));
  });

  it('freezes the runtime object so nothing mutates a config in force', () => {
    const config = compileConfig(parseConfigText('server:\n  tcp: { port: 1 }\n', 'test.yaml'));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
  });
});
