/**
 * local_reply_config rendering (used for every local reply: B2, T1, T3, T4, S3, R5) and the CEL subset
 * its filters may use.
 */
import { CelExpression } from '../support/edge/cel-lite';
import type { LocalReplyConfig } from '../support/edge/config-types';
import { HeaderList } from '../support/edge/headers';
import { type LocalReplyInput, renderLocalReply } from '../support/edge/local-reply';

const notJson = new CelExpression("!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')");

const config: LocalReplyConfig = {
  mappers: [
    {
      filter: { kind: 'and', filters: [{ kind: 'status_code', op: 'EQ', value: 429 }, { kind: 'cel', expression: notJson }] },
      bodyFormat: { kind: 'json', contentType: 'application/json', template: { error: { message: 'Rate limited.', code: 'rate_limited', status: '%RESPONSE_CODE%' } } },
      headersToAdd: [['x-mapped', '1']],
    },
    { filter: { kind: 'status_code', op: 'GE', value: 500 }, statusCode: 502, headersToAdd: [] },
  ],
  bodyFormat: { kind: 'text', contentType: 'text/plain', template: 'error: %LOCAL_REPLY_BODY% (%RESPONSE_CODE_DETAILS%)' },
};

function input(status: number, body: string, responseHeaders: Array<[string, string]> = []): LocalReplyInput {
  return {
    status,
    body,
    details: 'some_details',
    requestHeaders: new HeaderList([[':path', '/v1/x']]),
    responseHeaders: new HeaderList([[':status', String(status)], ...responseHeaders]),
    dynamicMetadata: {},
    startTime: new Date(0),
  };
}

describe('local_reply_config', () => {
  it('the first matching mapper formats the body; a sole operator keeps its type', () => {
    const out = renderLocalReply(config, input(429, 'quota'));
    expect(out).toMatchObject({ status: 429, mapper: 0, format: 'mapper', contentType: 'application/json', headersToAdd: [['x-mapped', '1']] });
    expect(JSON.parse(out.body)).toEqual({ error: { message: 'Rate limited.', code: 'rate_limited', status: 429 } });
    expect(out.body.endsWith('\n')).toBe(true);
  });

  it('a CEL filter can leave replies that are JSON already to the default format', () => {
    const out = renderLocalReply(config, input(429, '{"error":{}}', [['content-type', 'application/json']]));
    expect(out).toMatchObject({ mapper: -1, format: 'default', body: 'error: {"error":{}} (some_details)' });
  });

  it('a mapper may change the status without changing the body format', () => {
    const out = renderLocalReply(config, input(503, 'down'));
    expect(out).toMatchObject({ status: 502, mapper: 1, format: 'default', body: 'error: down (some_details)' });
  });

  it('without any format the body is unchanged, as text/plain', () => {
    expect(renderLocalReply({ mappers: [] }, input(500, 'boom'))).toMatchObject({ body: 'boom', contentType: 'text/plain', format: 'none' });
    expect(renderLocalReply({ mappers: [] }, input(500, ''))).toMatchObject({ body: '', contentType: undefined });
  });
});

describe('CEL subset', () => {
  const ctx = (headers: Array<[string, string]>) => ({ requestHeaders: new HeaderList(), responseHeaders: new HeaderList(headers), responseCode: 403 });

  it('follows CEL error rules: a missing key is an error that || can absorb', () => {
    expect(notJson.matches(ctx([]))).toBe(true);
    expect(notJson.matches(ctx([['content-type', 'text/plain']]))).toBe(true);
    expect(notJson.matches(ctx([['content-type', 'application/json; charset=utf-8']]))).toBe(false);
    expect(new CelExpression("response.headers['x-missing'] == 'a'").matches(ctx([]))).toBe(false);
    expect(new CelExpression('response.code == 403 && !(response.code != 403)').matches(ctx([]))).toBe(true);
  });

  it('refuses what it cannot evaluate instead of guessing', () => {
    expect(() => new CelExpression('response.headers.size() == 1')).toThrow(/not supported/);
    expect(() => new CelExpression('xds.cluster_name == "a"')).toThrow(/not supported/);
    expect(() => new CelExpression("response.headers['a'] > 'b'")).toThrow(/CEL/);
  });
});
