import { builtinGuards } from '../../guard/builtin';
import type { OutputGuard } from '../../guard/registry';
import type { StreamingApiId } from '../../llm';
import { runTransforms } from '../transform';
import { providerStream, readStream, STREAMING_APIS } from './fixtures.test-util';
import { outputStages } from './setup';

const EMAIL = 'jane.doe@example.com';
const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';

function guard(id: string, params: Record<string, unknown> = {}): OutputGuard {
  const created = builtinGuards().createOutputGuard(id, params, 'test');
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  return created.value;
}

function stages(api: StreamingApiId, guards: OutputGuard[], restore: ReadonlyMap<string, string> = new Map(), holdBackChars = 64) {
  return outputStages({
    request: { api, family: 'openai', model: 'm', stream: true, tools: [], segments: [], media: [], tokenInputCount: 0, unknownContent: [], body: {}, raw: Buffer.alloc(0) },
    mode: 'streamed',
    guards: { guards, holdBackChars },
    restore,
    requestId: 'req-1',
  });
}

/** Feeds `chunks` as Envoy would (one answer each, the last with end of stream); returns what the client gets and the answers. */
function run(api: StreamingApiId, chunks: readonly Buffer[], guards: OutputGuard[], restore?: ReadonlyMap<string, string>) {
  const built = stages(api, guards, restore);
  const answers = chunks.map((chunk, i) => runTransforms(built.transforms, chunk, i === chunks.length - 1));
  return { received: Buffer.concat(answers), answers, report: built.report };
}

const splitAt = (bytes: Buffer, cut: number): Buffer[] => [bytes.subarray(0, cut), bytes.subarray(cut)];
const singleBytes = (bytes: Buffer): Buffer[] => [...bytes].map((byte) => Buffer.from([byte]));

describe.each(STREAMING_APIS)('%s output stages', (api) => {
  const deltas = ['Write to ', 'jane.d', 'oe@exam', 'ple.com and use the key sk-proj-AbCdEf', 'GhIjKlMnOpQrStUvWxYz0123456789abcd', ' for the call. Thanks, bye.'];
  const upstream = Buffer.from(providerStream(api, deltas));

  it('masks an email and an API key split across deltas, and nothing of either reaches the client', () => {
    const { received, report } = run(api, [upstream], [guard('output.pii')]);
    const text = readStream(api, received);
    expect(text.errors).toEqual([]);
    expect(received.toString()).not.toContain('jane');
    expect(received.toString()).not.toContain('AbCdEf');
    expect(text.text).toBe('Write to [REDACTED] and use the key [REDACTED] for the call. Thanks, bye.');
    for (const snapshot of text.snapshots) expect(snapshot).toBe(text.text);
    expect(report.findings().map((f) => f.type).sort()).toEqual(['EMAIL_ADDRESS', 'secret.openai_key']);
  });

  it('gives the same client text for a split at every byte boundary and for single-byte chunks', () => {
    const expected = readStream(api, run(api, [upstream], [guard('output.pii')]).received).text;
    for (let cut = 1; cut < upstream.length; cut++) {
      const { received } = run(api, splitAt(upstream, cut), [guard('output.pii')]);
      const got = readStream(api, received);
      if (got.text !== expected || received.includes(EMAIL) || received.includes(KEY.slice(0, 12))) throw new Error(`split at byte ${cut}: ${got.text}`);
    }
    const bytes = run(api, singleBytes(upstream), [guard('output.pii')]);
    expect(readStream(api, bytes.received).text).toBe(expected);
    expect(bytes.answers).toHaveLength(upstream.length);
  });

  it('blocks mid-stream: one error event in the API format, then empty answers until the upstream ends', () => {
    const chunks = singleBytes(upstream);
    const { answers, report } = run(api, chunks, [guard('output.pii', { actions: { 'secret.*': 'block' } })]);
    const tripped = answers.findIndex((answer) => answer.length > 0 && answer.toString().includes('output_blocked'));
    expect(tripped).toBeGreaterThan(0);
    expect(answers.slice(tripped + 1).every((answer) => answer.length === 0)).toBe(true);
    const received = Buffer.concat(answers);
    expect(received.toString()).not.toContain('AbCdEf');
    const got = readStream(api, received);
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]?.message).toContain('content policy');
    if (api === 'openai.chat_completions') expect(received.toString().endsWith('data: [DONE]\n\n')).toBe(true);
    expect(report.block?.code).toBe('output_blocked');
  });

  it('restores reversible placeholders, exactly, whatever the split', () => {
    const original = 'O\'Brien "Jr" <jane+x@exämple.com>\n';
    const restore = new Map([['[EMAIL_1]', original]]);
    const text = ['Hello [EM', 'AIL_1], your [EMAIL_', '1] is on file; [EMAIL_2] is not ours. [', 'EMAIL_1]'];
    const args = ['{"to":"[EMAIL', '_1]","n":1}'];
    const wire = Buffer.from(providerStream(api, text, api.startsWith('gemini') ? ['{"to":"[EMAIL_1]","n":1}'] : args));
    const expected = text.join('').split('[EMAIL_1]').join(original);
    const expectedArgs = JSON.stringify({ to: original, n: 1 });
    for (const chunks of [[wire], singleBytes(wire), ...Array.from({ length: wire.length - 1 }, (_, i) => splitAt(wire, i + 1))]) {
      const got = readStream(api, run(api, chunks, [], restore).received);
      expect(got.text).toBe(expected);
      expect(JSON.parse(got.toolArgs)).toEqual(JSON.parse(expectedArgs));
      for (const snapshot of got.snapshots.filter((s) => !s.startsWith('{'))) expect(snapshot).toBe(expected);
    }
  });

  it('guards run on the placeholders, restoration after them', () => {
    const restore = new Map([['[EMAIL_1]', EMAIL]]);
    const wire = Buffer.from(providerStream(api, ['Mail [EMAIL_1] or ', 'bob@example.org please']));
    const got = readStream(api, run(api, [wire], [guard('output.pii')], restore).received);
    expect(got.text).toBe(`Mail ${EMAIL} or [REDACTED] please`);
  });
});

describe('tool-call arguments', () => {
  it.each(['openai.chat_completions', 'anthropic.messages', 'openai.responses'] as const)('%s: masks a key in streamed arguments', (api) => {
    const wire = Buffer.from(providerStream(api, ['ok'], ['{"token":"sk-proj-AbCdEfGh', 'IjKlMnOpQrStUvWxYz0123456789abcd","n":1}']));
    const { received } = run(api, singleBytes(wire), [guard('output.pii')]);
    const got = readStream(api, received);
    expect(JSON.parse(got.toolArgs)).toEqual({ token: '[REDACTED]', n: 1 });
    expect(received.toString()).not.toContain('AbCdEf');
  });
});

it('OpenAI chat with two interleaved choices: each choice is its own slot, flushed before its own finish', () => {
  const envelope = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const chunk = (index: number, content: string | null, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...envelope, choices: [{ index, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
  const wire = Buffer.from(
    chunk(0, 'Zero: jane.d') + chunk(1, 'One: bob@exa') + chunk(0, 'oe@example.com ok') + chunk(1, 'mple.org fine') + chunk(0, null, 'stop') + chunk(1, ' end') + chunk(1, null, 'stop') + 'data: [DONE]\n\n',
  );
  for (const chunks of [[wire], singleBytes(wire)]) {
    const { received } = run('openai.chat_completions', chunks, [guard('output.pii')]);
    const texts = ['', ''];
    let finishedBeforeText = false;
    const finished = new Set<number>();
    for (const event of received.toString().split('\n\n')) {
      if (!event.startsWith('data: {')) continue;
      const data = JSON.parse(event.slice(6)) as { choices: Array<{ index: number; delta: { content?: string }; finish_reason: string | null }> };
      for (const choice of data.choices) {
        if (choice.delta.content) {
          if (finished.has(choice.index)) finishedBeforeText = true;
          texts[choice.index] += choice.delta.content;
        }
        if (choice.finish_reason) finished.add(choice.index);
      }
    }
    expect(texts).toEqual(['Zero: [REDACTED] ok', 'One: [REDACTED] fine end']);
    expect(finishedBeforeText).toBe(false);
  }
});
