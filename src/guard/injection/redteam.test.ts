import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatRequestFor, formatRedteam, report, sendAll, type RowOutcome } from './redteam';
import type { CorpusRow } from './train';

const row = (over: Partial<CorpusRow>): CorpusRow => ({ id: 'r', text: 'hello', label: 'benign', ...over });

describe('llmgw redteam pieces', () => {
  it('user rows become the user message; document rows the result of a tool the assistant called', () => {
    expect(chatRequestFor(row({ channel: 'user', text: 'hi' }), 'm')).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const doc = chatRequestFor(row({ channel: 'document', text: 'the doc' }), 'm') as { messages: { role: string; content: unknown; tool_call_id?: string; tool_calls?: { id: string }[] }[] };
    expect(doc.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(doc.messages[2]).toMatchObject({ content: 'the doc', tool_call_id: doc.messages[1]?.tool_calls?.[0]?.id });
  });

  it('counts blocks, local predictions, disagreements and errors per category', () => {
    const rows = [row({ label: 'attack', category: 'injection' }), row({ label: 'attack', category: 'injection' }), row({ label: 'benign' }), row({ label: 'benign' })];
    const outcomes: RowOutcome[] = ['blocked', 'passed', 'passed', 'error'];
    const reports = report(rows, outcomes, [true, true, false, true]);
    expect(reports).toEqual([
      { category: 'benign', rows: 2, blocked: 0, errors: 1, predicted: 1, disagreements: 0 },
      { category: 'injection', rows: 2, blocked: 1, errors: 0, predicted: 2, disagreements: 1 },
    ]);
    expect(formatRedteam(reports)).toContain('injection');
  });

  it('classifies answers: the injection refusal is a block, any other failure an error; concurrency bounded', async () => {
    let inFlight = 0;
    let most = 0;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        inFlight++;
        most = Math.max(most, inFlight);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: { content: string }[] };
        const text = body.messages.at(-1)?.content ?? '';
        setTimeout(() => {
          inFlight--;
          res.setHeader('content-type', 'application/json');
          if (text === 'attack') {
            res.statusCode = 400;
            res.end(JSON.stringify({ error: { code: 'prompt_injection_detected', message: 'blocked' } }));
          } else if (text === 'other') {
            res.statusCode = 400;
            res.end(JSON.stringify({ error: { code: 'invalid_request', message: 'bad' } }));
          } else if (text === 'down') {
            res.statusCode = 503;
            res.end('{}');
          } else res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'ok' } }] }));
        }, 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const rows = ['attack', 'fine', 'other', 'down', 'attack', 'fine'].map((text) => row({ text, channel: 'user' }));
      const outcomes = await sendAll(rows, { target, model: 'm', concurrency: 2, timeoutMs: 5000 });
      expect(outcomes).toEqual(['blocked', 'passed', 'error', 'error', 'blocked', 'passed']);
      expect(most).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
