import { builtinGuards } from '../../guard/builtin';
import type { OutputGuard } from '../../guard/registry';
import { parseResponse, type ParseableApiId } from '../../llm';
import { runTransforms } from '../transform';
import { outputStages } from './setup';

const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';

function responseBody(api: ParseableApiId, text: string, args: Record<string, unknown>): object {
  switch (api) {
    case 'openai.chat_completions':
      return { id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: JSON.stringify(args) } }] }, finish_reason: 'stop' }] };
    case 'openai.responses':
      return { id: 'r', object: 'response', status: 'completed', output: [{ type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text }] }, { type: 'function_call', id: 'fc', call_id: 'c', name: 'f', arguments: JSON.stringify(args) }] };
    case 'anthropic.messages':
      return { id: 'm', type: 'message', role: 'assistant', content: [{ type: 'text', text }, { type: 'tool_use', id: 't', name: 'f', input: args }], stop_reason: 'end_turn' };
    default:
      return { candidates: [{ content: { role: 'model', parts: [{ text }, { functionCall: { name: 'f', args } }] }, finishReason: 'STOP', index: 0 }] };
  }
}

const guard = (params: Record<string, unknown> = {}): OutputGuard => {
  const created = builtinGuards().createOutputGuard('output.pii', params, 'test');
  if (!created.ok) throw new Error('bad params');
  return created.value;
};

function run(api: ParseableApiId, body: object, guards: OutputGuard[], restore = new Map<string, string>()) {
  const built = outputStages({
    request: { api, family: 'openai', model: 'm', stream: false, tools: [], segments: [], media: [], tokenInputCount: 0, unknownContent: [], body: {}, raw: Buffer.alloc(0) },
    mode: 'buffered',
    guards: { guards, holdBackChars: 256 },
    restore,
    requestId: 'r',
  });
  const out = runTransforms(built.transforms, Buffer.from(JSON.stringify(body)), true);
  return { out, report: built.report };
}

describe.each<ParseableApiId>(['openai.chat_completions', 'openai.responses', 'anthropic.messages', 'gemini.generate_content'])('%s buffered', (api) => {
  it('masks text and tool arguments in place and re-serialises valid JSON', () => {
    const { out, report } = run(api, responseBody(api, `Mail a@b.co, key ${KEY}.`, { token: KEY, n: 1 }), [guard()]);
    expect(out.toString()).not.toContain('AbCdEf');
    const parsed = parseResponse(api, out);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.response.texts[0]?.text).toBe('Mail [REDACTED], key [REDACTED].');
    expect(JSON.parse(parsed.response.toolCalls[0]?.arguments ?? '')).toEqual({ token: '[REDACTED]', n: 1 });
    expect(report.block).toBeUndefined();
  });

  it('blocks: nothing of the body is returned and the report says why', () => {
    const { out, report } = run(api, responseBody(api, `key ${KEY}`, {}), [guard({ actions: { 'secret.*': 'block' } })]);
    expect(out.length).toBe(0);
    expect(report.block?.code).toBe('output_blocked');
  });

  it('restores placeholders in text (as is) and in arguments (JSON-escaped)', () => {
    const original = 'O"Brien\\n <x@y.z>';
    const { out } = run(api, responseBody(api, 'to [EMAIL_1]!', { to: '[EMAIL_1]' }), [], new Map([['[EMAIL_1]', original]]));
    const parsed = parseResponse(api, out);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.response.texts[0]?.text).toBe(`to ${original}!`);
    expect(JSON.parse(parsed.response.toolCalls[0]?.arguments ?? '')).toEqual({ to: original });
  });

  it('returns the provider bytes unchanged when nothing needs changing', () => {
    const body = Buffer.from(JSON.stringify(responseBody(api, 'all fine', { n: 1 })));
    const built = outputStages({
      request: { api, family: 'openai', model: 'm', stream: false, tools: [], segments: [], media: [], tokenInputCount: 0, unknownContent: [], body: {}, raw: Buffer.alloc(0) },
      mode: 'buffered',
      guards: { guards: [guard()], holdBackChars: 256 },
      restore: new Map(),
      requestId: 'r',
    });
    expect(runTransforms(built.transforms, body, true).equals(body)).toBe(true);
  });
});
