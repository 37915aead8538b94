/**
 * Signed bundles made by the real `opa build --signing-key`, verified by the engine as OPA verifies them:
 * HS256 and RS256, wrong keys, tampered, added and removed files, scope, and the canonical JSON hashing
 * that lets data.json be reformatted without breaking the signature.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PolicyBundle, PolicyEngine, SignatureError, canonicalJson, parseBundle, verifyBundleSignature } from '../../src/policy';
import { BUILD_TIMEOUT_MS, DEFAULT_BUNDLE_DIR, buildBundle, input, startTestPolicy } from './helpers';

const SECRET = 'correct horse battery staple';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const OTHER_PUBLIC_PEM = otherKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

let hsBundle: string;
let rsBundle: string;
let unsignedBundle: string;
const work = mkdtempSync(path.join(tmpdir(), 'policy-signed-'));

beforeAll(() => {
  const privatePem = path.join(work, 'signing.pem');
  writeFileSync(privatePem, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const hs = buildBundle(DEFAULT_BUNDLE_DIR, ['--no-test', '--signing-key', SECRET, '--signing-alg', 'HS256', '--signing-key-id', 'platform-hmac']);
  const rs = buildBundle(DEFAULT_BUNDLE_DIR, ['--no-test', '--signing-key', privatePem, '--signing-alg', 'RS256']);
  const plain = buildBundle(DEFAULT_BUNDLE_DIR, ['--no-test']);
  for (const result of [hs, rs, plain]) expect(result.status).toBe(0);
  hsBundle = hs.bundle;
  rsBundle = rs.bundle;
  unsignedBundle = plain.bundle;
}, BUILD_TIMEOUT_MS);

const hmacKey = { id: 'platform-hmac', algorithm: 'HS256', key: SECRET, scope: '' } as const;
const rsaKey = { id: 'default', algorithm: 'RS256', key: PUBLIC_PEM, scope: '' } as const;

/** Unpacks a bundle, lets the test change its files, packs it again with GNU tar. */
function repack(bundle: string, change: (dir: string) => void): Buffer {
  const dir = mkdtempSync(path.join(work, 'unpacked-'));
  execFileSync('tar', ['xzf', bundle, '-C', dir]);
  change(dir);
  const out = path.join(dir, '..', `${path.basename(dir)}.tar.gz`);
  execFileSync('tar', ['czf', out, '-C', dir, ...readdirSync(dir)]);
  return readFileSync(out);
}

test('opa signs every file; the engine verifies HS256 and RS256 bundles and evaluates them', async () => {
  expect([...parseBundle(readFileSync(hsBundle)).files.keys()]).toContain('.signatures.json');
  const hs = await PolicyBundle.fromFile(hsBundle, { verification: { keys: [hmacKey] } });
  expect(hs.verifiedBy).toBe('platform-hmac');
  const rs = await PolicyBundle.fromFile(rsBundle, { verification: { keys: [hmacKey, rsaKey] } });
  expect(rs.verifiedBy).toBe('default');
  expect(new PolicyEngine({ defaultBundle: rs }).evaluate(input()).allow).toBe(true);
});

test('the wrong key, an unknown key id, or a bundle without signature is refused', async () => {
  await expect(PolicyBundle.fromFile(hsBundle, { verification: { keys: [{ ...hmacKey, key: 'wrong' }] } })).rejects.toThrow('bundle signature does not verify');
  await expect(PolicyBundle.fromFile(rsBundle, { verification: { keys: [{ ...rsaKey, key: OTHER_PUBLIC_PEM }] } })).rejects.toThrow('bundle signature does not verify');
  await expect(PolicyBundle.fromFile(rsBundle, { verification: { keys: [hmacKey] } })).rejects.toThrow('no verification key "default"');
  await expect(PolicyBundle.fromFile(unsignedBundle, { verification: { keys: [rsaKey] } })).rejects.toThrow(/not signed/);
});

test('the configured algorithm decides, not the token: an RS256 public key used as an HMAC secret does not verify', async () => {
  await expect(PolicyBundle.fromFile(rsBundle, { verification: { keys: [{ id: 'default', algorithm: 'HS256', key: PUBLIC_PEM, scope: '' }] } })).rejects.toThrow(SignatureError);
});

test('scope must match', async () => {
  await expect(PolicyBundle.fromFile(rsBundle, { verification: { keys: [{ ...rsaKey, scope: 'production' }] } })).rejects.toThrow('scope mismatch');
});

test('a tampered policy, tampered data, an added or a removed file is refused', () => {
  const verification = { keys: [rsaKey] };
  const wasm = repack(rsBundle, (dir) => {
    const file = path.join(dir, 'policy.wasm');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
  });
  expect(() => verifyBundleSignature(parseBundle(wasm).files, verification)).toThrow('policy.wasm: digest mismatch');
  const data = repack(rsBundle, (dir) => {
    const file = path.join(dir, 'data.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"injection_deny_threshold":0.8', '"injection_deny_threshold":0.99'));
  });
  expect(() => verifyBundleSignature(parseBundle(data).files, verification)).toThrow('data.json: digest mismatch');
  const added = repack(rsBundle, (dir) => writeFileSync(path.join(dir, 'extra.rego'), 'package extra\n'));
  expect(() => verifyBundleSignature(parseBundle(added).files, verification)).toThrow('file extra.rego is not included in the bundle signature');
  const removed = repack(rsBundle, (dir) => execFileSync('rm', [path.join(dir, 'gateway', 'topics.rego')]));
  expect(() => verifyBundleSignature(parseBundle(removed).files, verification)).toThrow('gateway/topics.rego signed but not in the bundle');
});

test('data.json reformatted (whitespace, key order) still verifies: OPA hashes structured files canonically', () => {
  const reformatted = repack(rsBundle, (dir) => {
    const file = path.join(dir, 'data.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(data).reverse());
    writeFileSync(file, JSON.stringify(reversed, null, 4));
  });
  expect(verifyBundleSignature(parseBundle(reformatted).files, { keys: [rsaKey] })).toEqual({ keyId: 'default' });
});

test('canonical JSON: sorted keys, literal numbers, Go escaping', () => {
  expect(canonicalJson('{ "b": 1.50, "a": [true, null, 1e3], "c": {"z": "x", "y": "\\u00e9\\u2028<>&"} }')).toBe('{"a":[true,null,1e3],"b":1.50,"c":{"y":"é\\u2028<>&","z":"x"}}');
  expect(canonicalJson('{"a": 1, "a": 2}')).toBe('{"a":2}');
  expect(canonicalJson('"\\b\\f\\n\\u0001"')).toBe('"\\b\\f\\n\\u0001"');
  expect(() => canonicalJson('{"a": 1,}')).toThrow(SignatureError);
});

test('config: verification keys apply to every bundle the config names', async () => {
  // Keys come from files (or the environment), never inline in the config.
  writeFileSync(path.join(work, 'hmac.key'), SECRET);
  writeFileSync(path.join(work, 'rsa.pub'), PUBLIC_PEM);
  const verification = {
    keys: [
      { ...hmacKey, key: { file: path.join(work, 'hmac.key') } },
      { ...rsaKey, key: { file: path.join(work, 'rsa.pub') } },
    ],
  };
  const service = await startTestPolicy({ defaultBundle: rsBundle, tenants: { acme: { bundle: hsBundle } }, verification });
  const engine = service.snapshot()!.rollout.stable as PolicyEngine;
  expect(engine.bundles().map((b) => b.verifiedBy)).toEqual(['default', 'platform-hmac']);
  service.close();
  await expect(startTestPolicy({ defaultBundle: unsignedBundle, verification: { keys: [verification.keys[1]!] } })).rejects.toThrow(/not signed/);
});
