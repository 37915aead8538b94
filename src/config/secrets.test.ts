import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretStore } from './secrets';

describe('SecretStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-secrets-'));
  const store = new SecretStore(60_000);
  afterAll(() => store.close());

  it('reads a file-backed key, trimmed', () => {
    const file = path.join(dir, 'a');
    writeFileSync(file, 'sk-one\n');
    expect(store.register({ file })).toBeUndefined();
    expect(store.value({ file })).toBe('sk-one');
  });

  it('picks up a rotated key after an atomic replace (new inode), without restart', async () => {
    const file = path.join(dir, 'b');
    writeFileSync(file, 'sk-old');
    store.register({ file });
    writeFileSync(`${file}.tmp`, 'sk-new');
    renameSync(`${file}.tmp`, file);
    await store.refresh();
    expect(store.value({ file })).toBe('sk-new');
  });

  it('keeps the last good key when the file is emptied mid-write', async () => {
    const file = path.join(dir, 'c');
    writeFileSync(file, 'sk-good');
    store.register({ file });
    writeFileSync(file, '');
    await store.refresh();
    expect(store.value({ file })).toBe('sk-good');
  });

  it('reports unreadable and empty sources without revealing any value', () => {
    expect(store.register({ file: path.join(dir, 'missing') })).toMatch(/cannot read secret file .*ENOENT/);
    writeFileSync(path.join(dir, 'empty'), '  \n');
    expect(store.register({ file: path.join(dir, 'empty') })).toMatch(/is empty/);
    expect(store.register({ env: 'LLMGW_TEST_UNSET_VARIABLE' })).toMatch(/not set/);
  });

  it('reads environment variables at use time', () => {
    process.env.LLMGW_TEST_KEY = 'sk-env';
    expect(store.register({ env: 'LLMGW_TEST_KEY' })).toBeUndefined();
    process.env.LLMGW_TEST_KEY = 'sk-env-2';
    expect(store.value({ env: 'LLMGW_TEST_KEY' })).toBe('sk-env-2');
    delete process.env.LLMGW_TEST_KEY;
  });
});
