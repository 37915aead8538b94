import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { identify, presentedApiKey, sha256Hex } from './identify';

const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
auth: { jwt: { tenantClaim: org } }
tenants:
  acme: { apiKeys: [{ id: acme-ci, sha256: ${sha256Hex('sk-acme-1')} }] }
  globex: { apiKeys: [{ id: globex-1, sha256: ${sha256Hex('sk-globex-1')} }] }
`,
    'test.yaml',
  ),
);

const headers = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('presentedApiKey', () => {
  it.each([
    [{ authorization: 'Bearer sk-1' }, 'sk-1'],
    [{ authorization: 'bearer   sk-1  ' }, 'sk-1'],
    [{ authorization: 'Basic abc' }, undefined],
    [{ 'x-api-key': 'sk-2' }, 'sk-2'],
    [{ 'x-goog-api-key': 'sk-3' }, 'sk-3'],
    [{}, undefined],
  ])('%j -> %s', (input, expected) => {
    expect(presentedApiKey(headers(input))).toBe(expected);
  });
});

describe('identify', () => {
  it('finds the tenant and key id from an API key, by hash', () => {
    const result = identify(headers({ 'x-api-key': 'sk-globex-1' }), {}, config);
    expect(result).toMatchObject({ ok: true, identity: { tenant: { id: 'globex' }, keyId: 'globex-1', via: 'api_key' } });
  });

  it.each([
    ['no credentials', {}, 'missing_credentials'],
    ['a wrong key', { authorization: 'Bearer sk-acme-2' }, 'invalid_api_key'],
  ])('refuses %s', (_name, input, reason) => {
    expect(identify(headers(input), {}, config)).toEqual({ ok: false, reason });
  });

  it('trusts the tenant claim Envoy verified, forwarded as jwt_authn metadata', () => {
    const metadata = { 'envoy.filters.http.jwt_authn': { jwt_payload: { org: 'acme', sub: 'alice' } } };
    const result = identify(headers({ authorization: 'Bearer eyJhbGciOi.x.y' }), metadata, config);
    expect(result).toMatchObject({ ok: true, identity: { tenant: { id: 'acme' }, user: 'alice', via: 'jwt' } });
  });

  it('refuses a verified JWT whose tenant is not configured', () => {
    const metadata = { 'envoy.filters.http.jwt_authn': { jwt_payload: { org: 'initech' } } };
    expect(identify(headers({}), metadata, config)).toEqual({ ok: false, reason: 'unknown_tenant' });
  });
});
