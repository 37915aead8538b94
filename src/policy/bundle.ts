/**
 * Reads an OPA bundle as `opa build -t wasm` writes it: a gzipped tar with /policy.wasm, /data.json,
 * /.manifest, the Rego sources, and /.signatures.json when built with --signing-key. Only what the
 * wasm runtime needs is interpreted; every file is kept (as bytes) so signatures can cover them all.
 */
import { gunzipSync } from 'node:zlib';

export interface BundleLimits {
  /** Largest bundle after decompression. */
  readonly maxUncompressedBytes: number;
  /** Most files in one bundle. */
  readonly maxFiles: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxUncompressedBytes: 64 * 1024 * 1024, maxFiles: 10_000 };

export interface BundleManifest {
  readonly revision: string;
  readonly roots: readonly string[];
  /** Entrypoints compiled into the wasm module. */
  readonly wasmEntrypoints: readonly string[];
}

export interface ParsedBundle {
  /** Every regular file by its path without the leading slash (`policy.wasm`, `data.json`, `.manifest`...). */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly wasm: Buffer;
  /** Parsed /data.json ({} when the bundle has none). */
  readonly data: unknown;
  readonly manifest: BundleManifest;
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = field(header, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new BundleError(`bad tar header number ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === octal(header, 148, 8);
}

/** PAX extended header records: "<len> key=value\n". */
function paxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(body.subarray(at, space).toString('ascii'), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > body.length) throw new BundleError('bad PAX record');
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

function normalisePath(name: string): string {
  const path = name.replace(/^\.?\/+/, '');
  if (path === '' || path.split('/').some((part) => part === '..')) throw new BundleError(`unsafe path in bundle: ${JSON.stringify(name)}`);
  return path;
}

/** The regular files of a tar archive (ustar, PAX and GNU long names), by normalised path. */
export function readTar(archive: Buffer, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  let pax: Map<string, string> | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumOk(header)) throw new BundleError(`bad tar header checksum at byte ${offset}`);
    const type = String.fromCharCode(header[156]!);
    let size = octal(header, 124, 12);
    if (pax?.has('size')) size = Number(pax.get('size'));
    const start = offset + BLOCK;
    const end = start + size;
    if (!Number.isSafeInteger(size) || size < 0 || end > archive.length) throw new BundleError('truncated tar archive');
    const body = archive.subarray(start, end);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = paxRecords(body);
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = trimTrailingNuls(body.toString('utf8'));
      continue;
    }
    let name = field(header, 0, 100);
    if (field(header, 257, 6) === 'ustar') {
      const prefix = field(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    name = pax?.get('path') ?? longName ?? name;
    pax = undefined;
    longName = undefined;
    if (type === '5') continue; // directory
    if (type !== '0' && type !== '\0' && type !== '7') throw new BundleError(`unsupported tar entry type ${JSON.stringify(type)} for ${name}`);
    const path = normalisePath(name);
    if (files.has(path)) throw new BundleError(`duplicate file in bundle: ${path}`);
    files.set(path, Buffer.from(body));
    if (files.size > limits.maxFiles) throw new BundleError(`bundle has more than ${limits.maxFiles} files`);
  }
  return files;
}

function parseManifest(bytes: Buffer | undefined): BundleManifest {
  if (!bytes) return { revision: '', roots: [''], wasmEntrypoints: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BundleError(`.manifest is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BundleError('.manifest is not an object');
  const manifest = parsed as { revision?: unknown; roots?: unknown; wasm?: unknown };
  const revision = typeof manifest.revision === 'string' ? manifest.revision : '';
  const roots = Array.isArray(manifest.roots) ? manifest.roots.filter((r): r is string => typeof r === 'string') : [''];
  const wasmEntrypoints = Array.isArray(manifest.wasm)
    ? manifest.wasm.flatMap((w: unknown) => (typeof w === 'object' && w !== null && typeof (w as { entrypoint?: unknown }).entrypoint === 'string' ? [(w as { entrypoint: string }).entrypoint] : []))
    : [];
  return { revision, roots, wasmEntrypoints };
}

/** Parses a .tar.gz bundle (or an uncompressed tar). Throws BundleError on anything malformed. */
export function parseBundle(bytes: Buffer, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): ParsedBundle {
  let archive: Buffer;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      archive = gunzipSync(bytes, { maxOutputLength: limits.maxUncompressedBytes });
    } catch (error) {
      throw new BundleError(`bundle is not a valid gzip within ${limits.maxUncompressedBytes} bytes: ${(error as Error).message}`);
    }
  } else {
    archive = bytes;
  }
  const files = readTar(archive, limits);
  const wasm = files.get('policy.wasm');
  if (!wasm) throw new BundleError('bundle has no /policy.wasm: build it with `opa build -t wasm`');
  const dataBytes = files.get('data.json');
  let data: unknown = {};
  if (dataBytes) {
    try {
      data = JSON.parse(dataBytes.toString('utf8'));
    } catch (error) {
      throw new BundleError(`data.json is not JSON: ${(error as Error).message}`);
    }
  }
  for (const path of files.keys()) {
    if (path !== 'data.json' && (path.endsWith('/data.json') || /(^|\/)data\.ya?ml$/.test(path))) {
      throw new BundleError(`${path}: data outside /data.json is not supported for wasm bundles (opa build merges data into /data.json)`);
    }
  }
  return { files, wasm, data, manifest: parseManifest(files.get('.manifest')) };
}

/** Drops the NUL padding at the end of a GNU long-name record (a loop: `/\0+$/` scans quadratically). */
function trimTrailingNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end -= 1;
  return text.slice(0, end);
}
