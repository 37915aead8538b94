/**
 * The compiled, immutable runtime config. Everything the hot path needs is resolved here once (files
 * read, paths made absolute), so a request never touches the file system or re-validates anything.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedConfig } from './load';
import { ConfigError } from './load';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa?: Buffer;
  readonly requireClientCert: boolean;
}

export interface RuntimeConfig {
  readonly source: string;
  readonly server: {
    readonly tcp?: { readonly host: string; readonly port: number };
    readonly unixSocket?: string;
    readonly tls?: TlsMaterial;
    readonly maxMessageBytes: number;
    readonly drainTimeoutMs: number;
  };
  readonly admin: { readonly host: string; readonly port: number };
  readonly logging: { readonly level: string };
}

export function compileConfig(loaded: LoadedConfig): RuntimeConfig {
  const { document, baseDir } = loaded;
  const resolve = (file: string): string => path.resolve(baseDir, file);
  const problems: { path: string; message: string }[] = [];
  const readFile = (file: string, at: string): Buffer => {
    try {
      return readFileSync(resolve(file));
    } catch (error) {
      problems.push({ path: at, message: `cannot read ${resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return Buffer.alloc(0);
    }
  };
  const tls = document.server.tls;
  const material: TlsMaterial | undefined = tls
    ? {
        cert: readFile(tls.certFile, 'server.tls.certFile'),
        key: readFile(tls.keyFile, 'server.tls.keyFile'),
        clientCa: tls.clientCaFile ? readFile(tls.clientCaFile, 'server.tls.clientCaFile') : undefined,
        requireClientCert: tls.requireClientCert,
      }
    : undefined;
  if (problems.length > 0) throw new ConfigError(loaded.source, problems);
  return Object.freeze({
    source: loaded.source,
    server: Object.freeze({
      tcp: document.server.tcp ? { host: document.server.tcp.host, port: document.server.tcp.port } : undefined,
      unixSocket: document.server.unixSocket ? resolve(document.server.unixSocket) : undefined,
      tls: material,
      maxMessageBytes: document.server.maxMessageBytes,
      drainTimeoutMs: Math.round(document.server.drainTimeoutSeconds * 1000),
    }),
    admin: Object.freeze({ ...document.admin }),
    logging: Object.freeze({ ...document.logging }),
  });
}
