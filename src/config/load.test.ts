import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseConfigText, type ConfigProblem } from './load';
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

  it.each<[string, string, ConfigProblem[]]>([
    ['YAML syntax', 'server: [tcp\n', [{ path: '', message: expect.stringMatching(/^YAML .* at line \d+/) as unknown as string }]],
    ['duplicate key', 'server:\n  tcp: { port: 1 }\n  tcp: { port: 2 }\n', [{ path: '', message: expect.stringContaining('DUPLICATE_KEY') as unknown as string }]],
    ['missing section', 'admin: { port: 1 }\n', [{ path: 'server', message: expect.stringContaining('expected object') as unknown as string }]],
    ['wrong type', 'server:\n  tcp: { port: "x" }\n', [{ path: 'server.tcp.port', message: expect.stringContaining('expected number') as unknown as string }]],
    ['out of range', 'server:\n  tcp: { port: 70000 }\n', [{ path: 'server.tcp.port', message: expect.stringContaining('65535') as unknown as string }]],
    ['unknown key', 'server:\n  tcp: { port: 1 }\n  tpc: {}\n', [{ path: 'server', message: 'unknown key(s): tpc' }]],
    ['bad enum', 'server:\n  tcp: { port: 1 }\nlogging: { level: loud }\n', [{ path: 'logging.level', message: expect.stringContaining('"info"') as unknown as string }]],
    ['no listener', 'server: {}\n', [{ path: 'server', message: 'set server.tcp, server.unixSocket or both' }]],
    [
      'mTLS without a CA',
      'server:\n  tcp: { port: 1 }\n  tls: { certFile: c, keyFile: k, requireClientCert: true }\n',
      [{ path: 'server.tls.clientCaFile', message: 'requireClientCert needs clientCaFile' }],
    ],
  ])('reports %s with its path', (_kind, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
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
