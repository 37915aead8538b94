import { gzipSync } from 'node:zlib';
import { BundleError, parseBundle, readTar } from './bundle';

/** A minimal ustar archive writer for tests. */
function tar(entries: readonly { name: string; body?: string; type?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(entry.type ?? '0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

test('reads files, strips the leading slash, skips directories, reads PAX long names', () => {
  const longName = `${'d/'.repeat(80)}x.rego`;
  const pax = `${String(` path=${longName}\n`.length + 3)} path=${longName}\n`;
  const files = readTar(tar([{ name: '/dir', type: '5' }, { name: '/data.json', body: '{}' }, { name: 'PaxHeader', type: 'x', body: pax }, { name: 'short', body: 'package x' }]));
  expect([...files.keys()]).toEqual(['data.json', longName]);
});

test('refuses unsafe, duplicate and corrupt entries', () => {
  expect(() => readTar(tar([{ name: '../etc/passwd', body: 'x' }]))).toThrow(/unsafe path/);
  expect(() => readTar(tar([{ name: 'a', body: '1' }, { name: '/a', body: '2' }]))).toThrow(/duplicate/);
  expect(() => readTar(tar([{ name: 'link', type: '2' }]))).toThrow(/unsupported tar entry type/);
  const corrupt = tar([{ name: 'a', body: 'x' }]);
  corrupt[0] = 0x62;
  expect(() => readTar(corrupt)).toThrow(/checksum/);
});

test('parseBundle needs policy.wasm, reads data and manifest, and bounds decompression', () => {
  const manifest = JSON.stringify({ revision: 'r7', roots: [''], wasm: [{ entrypoint: 'gateway/decision', module: '/policy.wasm' }] });
  const bundle = parseBundle(gzipSync(tar([{ name: '/policy.wasm', body: 'wasm' }, { name: '/data.json', body: '{"a":1}' }, { name: '/.manifest', body: manifest }])));
  expect(bundle.data).toEqual({ a: 1 });
  expect(bundle.manifest).toEqual({ revision: 'r7', roots: [''], wasmEntrypoints: ['gateway/decision'] });
  expect(() => parseBundle(gzipSync(tar([{ name: 'data.json', body: '{}' }])))).toThrow(/no \/policy.wasm/);
  expect(() => parseBundle(gzipSync(tar([{ name: 'policy.wasm', body: 'x'.repeat(10_000) }])), { maxUncompressedBytes: 4096, maxFiles: 10 })).toThrow(BundleError);
  expect(() => parseBundle(gzipSync(tar([{ name: 'policy.wasm' }, { name: 'x/data.json', body: '{}' }])))).toThrow(/outside \/data.json/);
});
