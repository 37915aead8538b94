import { OpenAiUsageStripper } from './usage-stripper';

const chunk = (content: string) => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}],"usage":null}\n\n`;
const USAGE = 'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}\n\n';
const upstream = `${chunk('Hel')}${chunk('lo')}${USAGE}data: [DONE]\n\n`;
const expected = `${chunk('Hel').replace(',"usage":null', '')}${chunk('lo').replace(',"usage":null', '')}data: [DONE]\n\n`;

function run(parts: Buffer[]): { out: string; answers: number } {
  const stripper = new OpenAiUsageStripper();
  const outs = parts.map((part) => stripper.push(part));
  outs.push(stripper.end());
  return { out: Buffer.concat(outs).toString('utf8'), answers: parts.length };
}

describe('OpenAiUsageStripper', () => {
  it('drops the usage chunk and the usage:null fields, keeping everything else', () => {
    expect(run([Buffer.from(upstream)]).out).toBe(expected);
  });

  it('gives the same result whatever the chunk boundaries (every split point, and single bytes)', () => {
    const bytes = Buffer.from(upstream);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(run([bytes.subarray(0, cut), bytes.subarray(cut)]).out).toBe(expected);
    }
    expect(run([...bytes].map((byte) => Buffer.from([byte]))).out).toBe(expected);
  });

  it('keeps multi-byte characters intact across splits', () => {
    const text = `${chunk('héllo 世界')}data: [DONE]\n\n`;
    const bytes = Buffer.from(text);
    const out = run([...bytes].map((byte) => Buffer.from([byte]))).out;
    expect(out).toBe(`${chunk('héllo 世界').replace(',"usage":null', '')}data: [DONE]\n\n`);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('understands %s line endings', (_name, eol) => {
    const text = `data: {"choices":[],"usage":{"prompt_tokens":1}}${eol}${eol}data: [DONE]${eol}${eol}`;
    expect(run([Buffer.from(text)]).out).toBe(`data: [DONE]${eol}${eol}`);
  });

  it('passes through events it does not understand byte for byte', () => {
    const odd = ': keep-alive\n\nevent: x\ndata: {"usage":null}\n\ndata: not json\n\n';
    expect(run([Buffer.from(odd)]).out).toBe(odd);
  });

  it('stops holding back at the size bound and passes the rest through', () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    const stripper = new OpenAiUsageStripper();
    expect(stripper.push(Buffer.concat([Buffer.from('data: '), huge])).length).toBe(huge.length + 6);
    expect(stripper.push(Buffer.from(USAGE)).toString()).toBe(USAGE);
  });
});
