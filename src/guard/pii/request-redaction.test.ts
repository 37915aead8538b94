import { parseRequest, rewriteRequest, type CanonicalRequest, type ParseableApiId } from '../../llm';
import { PiiAnalyzer } from './analyzer';
import { compileRedaction, redactionBaseSchema, redactRequest } from './request-redaction';

const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';

/** Requests with the same email in a system text, a user text and tool-call arguments, in each API. */
const BODIES: Array<[ParseableApiId, object, { pathModel?: string }]> = [
  [
    'openai.chat_completions',
    {
      model: 'm',
      messages: [
        { role: 'system', content: `Support address: ${EMAIL}` },
        { role: 'user', content: [{ type: 'text', text: `I am ${EMAIL}, card ${CARD}` }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'mail', arguments: JSON.stringify({ to: EMAIL }) } }] },
        { role: 'tool', tool_call_id: 'c1', content: `sent to ${EMAIL}` },
      ],
    },
    {},
  ],
  ['openai.responses', { model: 'm', instructions: `Support address: ${EMAIL}`, input: [{ role: 'user', content: [{ type: 'input_text', text: `I am ${EMAIL}, card ${CARD}` }] }, { type: 'function_call', call_id: 'c1', name: 'mail', arguments: JSON.stringify({ to: EMAIL }) }] }, {}],
  [
    'anthropic.messages',
    {
      model: 'm',
      max_tokens: 10,
      system: `Support address: ${EMAIL}`,
      messages: [
        { role: 'user', content: `I am ${EMAIL}, card ${CARD}` },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'mail', input: { to: EMAIL } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `sent to ${EMAIL}` }] },
      ],
    },
    {},
  ],
  [
    'gemini.generate_content',
    {
      systemInstruction: { parts: [{ text: `Support address: ${EMAIL}` }] },
      contents: [
        { role: 'user', parts: [{ text: `I am ${EMAIL}, card ${CARD}` }] },
        { role: 'model', parts: [{ functionCall: { name: 'mail', args: { to: EMAIL } } }] },
      ],
    },
    { pathModel: 'gemini-flash' },
  ],
];

function parse(api: ParseableApiId, body: object, options: { pathModel?: string }): CanonicalRequest {
  const parsed = parseRequest(api, Buffer.from(JSON.stringify(body)), options);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.request;
}

const compile = (config: unknown) => compileRedaction(redactionBaseSchema.parse(config)).redaction;

describe.each(BODIES)('%s', (api, body, options) => {
  const request = parse(api, body, options);

  it('replaces every occurrence in every segment with one placeholder, masks the card, and the body re-parses', () => {
    const result = redactRequest(request, compile({ actions: { EMAIL_ADDRESS: 'reversible', CREDIT_CARD: 'mask' } }));
    const rewritten = rewriteRequest(request, { segments: result.segments });
    const text = rewritten.toString('utf8');
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(CARD);
    expect(text).toContain('[EMAIL_1]');
    expect(text).not.toContain('[EMAIL_2]');
    expect(text).toContain('[REDACTED]');
    expect(result.restore).toEqual(new Map([['[EMAIL_1]', EMAIL]]));
    const again = parse(api, JSON.parse(text) as object, options);
    expect(again.segments.map((s) => s.text).join(' ')).not.toContain(EMAIL);
    expect(result.counts).toEqual(expect.arrayContaining([{ type: 'CREDIT_CARD', action: 'mask', count: 1 }, expect.objectContaining({ type: 'EMAIL_ADDRESS', action: 'reversible' })]));
    expect(result.blocked).toEqual([]);
  });

  it('hash gives a keyed token, block refuses', () => {
    const hashed = redactRequest(request, compileRedaction(redactionBaseSchema.parse({ actions: { EMAIL_ADDRESS: 'hash' } }), () => 'k1').redaction);
    expect(rewriteRequest(request, { segments: hashed.segments }).toString()).toMatch(/\[EMAIL:[0-9a-f]{16}\]/);
    expect(redactRequest(request, compile({ actions: { CREDIT_CARD: 'block' } })).blocked).toEqual(['CREDIT_CARD']);
  });

  it('only redacts the channels it is told to', () => {
    const result = redactRequest(request, compile({ actions: { EMAIL_ADDRESS: 'mask' }, channels: ['user'] }));
    const changed = [...result.segments.keys()].map((index) => request.segments[index]?.channel);
    expect(new Set(changed)).toEqual(new Set(['user']));
  });
});

it('leaves signed thinking alone (counted as locked), rewriting the rest', () => {
  const request = parse(
    'anthropic.messages',
    {
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: `user is ${EMAIL}`, signature: 'sig' }, { type: 'text', text: 'ok' }] },
        { role: 'user', content: `mail ${EMAIL}` },
      ],
    },
    {},
  );
  const result = redactRequest(request, compile({ actions: { EMAIL_ADDRESS: 'placeholder' } }));
  expect(result.locked).toBe(1);
  const text = rewriteRequest(request, { segments: result.segments }).toString();
  expect(text).toContain(`"thinking":"user is ${EMAIL}"`);
  expect(text).toContain('mail [EMAIL_1]');
});

it('reports config errors with their paths', () => {
  const parsed = redactionBaseSchema.safeParse({ actions: { EMAIL_ADDRESS: 'shred' }, maskText: 'a"b', detector: { entities: ['NOPE'] } });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['actions.EMAIL_ADDRESS', 'detector.entities.0', 'maskText']);
});

it('never sends tool-call arguments that redaction turned into invalid JSON (counted as broken)', () => {
  const request = parse('anthropic.messages', { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { to: 'a' } }] }] }, {});
  // A recognizer whose span swallows JSON syntax (a quote and a colon).
  const analyzer = new PiiAnalyzer({ recognizers: [{ id: 'greedy', entities: ['X'], find: (text) => (text.includes('"to"') ? [{ type: 'X', start: text.indexOf('"to"'), end: text.indexOf('"to"') + 5, score: 1, recognizer: 'greedy' }] : []) }] });
  const result = redactRequest(request, { analyzer, policy: { actions: { X: 'mask' } } });
  expect(result.broken).toBe(1);
  expect(result.segments.size).toBe(0);
});
