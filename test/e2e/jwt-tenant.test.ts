/**
 * Tenant from a JWT that Envoy's jwt_authn verified: its payload reaches the sidecar as forwarded
 * metadata (H3), the tenant and user come from its claims, and the token itself never goes upstream.
 */
import OpenAI from 'openai';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJhY21lIn0.signature';
let gateway: Gateway;
let claims: { tenant: string; sub: string } | undefined;

beforeAll(async () => {
  gateway = await startGateway(
    { auth: { jwt: { tenantClaim: 'tenant', userClaim: 'sub' } } },
    // What jwt_authn (payload_in_metadata: jwt_payload) puts in dynamic metadata after verifying the token.
    { dynamicMetadata: () => (claims ? { 'envoy.filters.http.jwt_authn': { jwt_payload: claims } } : undefined) },
  );
});
afterAll(async () => {
  await gateway.close();
});

const client = () => new OpenAI({ apiKey: TOKEN, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });

it('takes the tenant and user from verified claims and strips the token', async () => {
  claims = { tenant: 'acme', sub: 'alice' };
  const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  expect(completion.choices[0]?.message.content).toContain('mock-openai');
  const received = gateway.mocks.openai.requests().at(-1);
  expect(JSON.stringify(received?.headers)).not.toContain(TOKEN);
  const record = await auditOfLastRequest(gateway);
  expect(record).toMatchObject({ tenant: 'acme', user: 'alice', keyId: null });
});

it('refuses verified claims that name no configured tenant', async () => {
  claims = { tenant: 'initech', sub: 'bob' };
  const error: unknown = await client()
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
});

it('without verified claims, the bearer token is treated as an API key (and refused)', async () => {
  claims = undefined;
  const error: unknown = await client()
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
});
