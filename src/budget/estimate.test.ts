import { deflateSync } from 'node:zlib';
import { encode as o200kEncode } from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { encode as cl100kEncode } from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import { parseRequest, type CanonicalRequest, type ParseableApiId } from '../llm';
import { countTextTokens, estimateRequest, expectedOutputTokens, imageTokens, openAiEncoding, streamedOutputTokens } from './estimate';
import { imageDimensions, imageDimensionsFromBase64 } from './image-size';

function parse(api: ParseableApiId, body: unknown, pathModel?: string): CanonicalRequest {
  const result = parseRequest(api, Buffer.from(JSON.stringify(body)), pathModel === undefined ? {} : { pathModel });
  if (!result.ok) throw new Error(result.error.message);
  return result.request;
}

function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(24);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return Buffer.concat([header, Buffer.from([8, 2, 0, 0, 0, 0, 0, 0, 0]), deflateSync(Buffer.alloc(10))]);
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0x10, 0x02]), Buffer.alloc(0x1000)]); // a 4 KiB APP1 segment first
  const sof = Buffer.from([0xff, 0xc2, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, exif, sof, Buffer.from([0xff, 0xd9])]);
}

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

function webpLossless(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBP', 8, 'latin1');
  b.write('VP8L', 12, 'latin1');
  b.writeUInt32LE(10, 16);
  b[20] = 0x2f;
  b.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 21);
  return b;
}

describe('image dimensions', () => {
  it.each([
    ['png', png(1920, 1080)],
    ['jpeg behind an APP1 segment', jpeg(1920, 1080)],
    ['gif', gif(1920, 1080)],
    ['webp lossless', webpLossless(1920, 1080)],
  ])('reads %s headers', (_name, bytes) => {
    expect(imageDimensions(bytes)).toEqual({ width: 1920, height: 1080 });
    expect(imageDimensionsFromBase64(`data:image/x;base64,${bytes.toString('base64')}`)).toEqual({ width: 1920, height: 1080 });
  });

  it('gives up on unknown or truncated data', () => {
    expect(imageDimensions(Buffer.from('not an image at all, just some text'))).toBeUndefined();
    expect(imageDimensionsFromBase64(png(10, 10).subarray(0, 12).toString('base64'))).toBeUndefined();
  });
});

describe('text tokens', () => {
  const text = 'The quick brown fox jumps over the lazy dog. Überprüfung der Zeichenkodierung: 東京タワー.';

  it('picks the encoding by model', () => {
    expect(openAiEncoding('gpt-4o-mini')).toBe('o200k');
    expect(openAiEncoding('gpt-4.1')).toBe('o200k');
    expect(openAiEncoding('o3-mini')).toBe('o200k');
    expect(openAiEncoding('gpt-5')).toBe('o200k');
    expect(openAiEncoding('gpt-4-turbo')).toBe('cl100k');
    expect(openAiEncoding('gpt-3.5-turbo')).toBe('cl100k');
    expect(openAiEncoding('text-embedding-3-small')).toBe('cl100k');
  });

  it('counts OpenAI text with the real BPE', () => {
    expect(countTextTokens(text, { family: 'openai', model: 'gpt-4o' })).toBe(o200kEncode(text).length);
    expect(countTextTokens(text, { family: 'openai', model: 'gpt-4' })).toBe(cl100kEncode(text).length);
  });

  it('approximates Anthropic and Gemini from o200k with their factors', () => {
    const base = o200kEncode(text).length;
    expect(countTextTokens(text, { family: 'anthropic', model: 'claude-sonnet-4-5' })).toBe(Math.ceil(base * 1.2));
    expect(countTextTokens(text, { family: 'anthropic', model: 'claude-opus-4-7' })).toBe(Math.ceil(base * 1.6));
    expect(countTextTokens(text, { family: 'gemini', model: 'gemini-2.5-flash' })).toBe(Math.max(Math.ceil(base * 1.1), Math.ceil(text.length / 4)));
    expect(countTextTokens(text, { family: 'anthropic', model: 'claude-sonnet-4-5' }, { textFactor: 2 })).toBe(base * 2);
  });

  it('bounds the BPE work on huge texts', () => {
    const huge = 'word '.repeat(50_000);
    const bounded = countTextTokens(huge, { family: 'openai', model: 'gpt-4o' }, { maxBpeChars: 1000 });
    expect(bounded).toBe(o200kEncode(huge.slice(0, 1000)).length + Math.ceil((huge.length - 1000) / 3));
  });
});

describe('image tokens by provider rule', () => {
  const gpt4o = { family: 'openai', model: 'gpt-4o' } as const;
  it('OpenAI tiles: low detail is the base, high scales to 2048 then 768 short side', () => {
    expect(imageTokens(gpt4o, 'low', { width: 4000, height: 3000 })).toBe(85);
    expect(imageTokens(gpt4o, 'high', { width: 1024, height: 1024 })).toBe(85 + 170 * 4); // 768x768 -> 2x2
    expect(imageTokens(gpt4o, 'high', { width: 2048, height: 4096 })).toBe(85 + 170 * 6); // 1024x2048 -> 768x1536 -> 2x3
    expect(imageTokens(gpt4o, 'high', { width: 500, height: 500 })).toBe(85 + 170);
    expect(imageTokens(gpt4o, undefined, undefined)).toBe(85 + 170 * 8); // unknown size: the maximum
    expect(imageTokens({ family: 'openai', model: 'gpt-4o-mini' }, 'low', undefined)).toBe(2833);
    expect(imageTokens({ family: 'openai', model: 'gpt-5' }, 'high', { width: 512, height: 512 })).toBe(70 + 140);
  });

  it('OpenAI patches for the mini/nano models', () => {
    const mini = { family: 'openai', model: 'gpt-4.1-mini' } as const;
    expect(imageTokens(mini, 'high', { width: 1024, height: 1024 })).toBe(Math.ceil(1024 * 1.62));
    expect(imageTokens(mini, 'high', { width: 1800, height: 2400 })).toBeLessThanOrEqual(Math.ceil(1536 * 1.62));
    expect(imageTokens(mini, 'high', undefined)).toBe(Math.ceil(1536 * 1.62));
  });

  it('Anthropic (w*h)/750 after the resize', () => {
    const claude = { family: 'anthropic', model: 'claude-sonnet-4-5' } as const;
    expect(imageTokens(claude, undefined, { width: 200, height: 200 })).toBe(54);
    expect(imageTokens(claude, undefined, { width: 1000, height: 1000 })).toBe(1334);
    expect(imageTokens(claude, undefined, { width: 4000, height: 3000 })).toBe(1600);
    expect(imageTokens(claude, undefined, undefined)).toBe(1600);
  });

  it('Gemini: flat per image (3.x) or 258 per 768 px tile (2.x)', () => {
    expect(imageTokens({ family: 'gemini', model: 'gemini-3-pro-preview' }, undefined, { width: 4000, height: 3000 })).toBe(1120);
    expect(imageTokens({ family: 'gemini', model: 'gemini-2.0-flash' }, undefined, { width: 300, height: 300 })).toBe(258);
    expect(imageTokens({ family: 'gemini', model: 'gemini-2.0-flash' }, undefined, { width: 1000, height: 700 })).toBe(258 * 2);
  });
});

describe('estimateRequest', () => {
  it('OpenAI chat: text, 3 per message + 3, tools, inline image from its header', () => {
    const image = `data:image/png;base64,${png(1024, 1024).toString('base64')}`;
    const request = parse('openai.chat_completions', {
      model: 'gpt-4o',
      max_completion_tokens: 300,
      n: 2,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: image, detail: 'high' } }] },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look a thing up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
    });
    const estimate = estimateRequest(request);
    const text = o200kEncode('You are terse.\nWhat is in this picture?').length;
    const tools = o200kEncode(JSON.stringify(request.body['tools'])).length + 12;
    expect(estimate.method).toBe('o200k');
    expect(estimate.breakdown).toEqual({ text, framing: 3 + 3 * 2, tools, media: 85 + 170 * 4, tokenInput: 0 });
    expect(estimate.promptTokens).toBe(text + 9 + tools + 765);
    expect(estimate.requestedMaxOutputTokens).toBe(300);
    expect(estimate.n).toBe(2);
  });

  it('uses the served model, not the API the client spoke', () => {
    const request = parse('openai.chat_completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
    const asOpenAi = estimateRequest(request);
    const asClaude = estimateRequest(request, { family: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(asClaude.method).toBe('anthropic~o200k');
    expect(asClaude.breakdown.text).toBeGreaterThan(asOpenAi.breakdown.text);
  });

  it('Anthropic adds the tool-use system prompt; images by area', () => {
    const request = parse('anthropic.messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 1000,
      system: 'Be brief.',
      tools: [{ name: 'weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg(1000, 1000).toString('base64') } }, { type: 'text', text: 'Describe.' }] }],
    });
    const estimate = estimateRequest(request);
    expect(estimate.breakdown.media).toBe(1334);
    expect(estimate.breakdown.tools).toBeGreaterThan(346);
  });

  it('Gemini counts candidates and images', () => {
    const request = parse(
      'gemini.generate_content',
      { contents: [{ role: 'user', parts: [{ text: 'Caption this.' }, { inlineData: { mimeType: 'image/png', data: png(300, 300).toString('base64') } }] }], generationConfig: { candidateCount: 3, maxOutputTokens: 200 } },
      'gemini-2.0-flash',
    );
    const estimate = estimateRequest(request);
    expect(estimate.breakdown.media).toBe(258);
    expect(estimate.n).toBe(3);
    expect(expectedOutputTokens(estimate, { defaultMaxOutputTokens: 1024 })).toBe(600);
  });

  it('embeddings: token arrays count, nothing is generated', () => {
    const request = parse('openai.embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3, 4], [5, 6]] });
    const estimate = estimateRequest(request);
    expect(estimate.promptTokens).toBe(6);
    expect(estimate.producesOutput).toBe(false);
    expect(expectedOutputTokens(estimate, { defaultMaxOutputTokens: 1024 })).toBe(0);
  });
});

describe('expectedOutputTokens', () => {
  it.each([
    ['requested, below every cap', { requestedMaxOutputTokens: 500, n: 1 }, 500],
    ['unset: the tenant default, not the model max', { n: 1 }, 256],
    ['n choices', { requestedMaxOutputTokens: 500, n: 3 }, 1500],
    ['tenant cap', { requestedMaxOutputTokens: 50_000, n: 1 }, 4000],
    ['model max below the tenant cap', { requestedMaxOutputTokens: 50_000, n: 2, model: 3000 }, 6000],
    ['default still capped', { n: 1, model: 100 }, 100],
  ])('%s', (_name, input, expected) => {
    const { model, ...estimate } = { model: undefined as number | undefined, ...input };
    expect(expectedOutputTokens({ ...estimate, producesOutput: true }, { defaultMaxOutputTokens: 256, tenantMaxOutputTokens: 4000, ...(model === undefined ? {} : { modelMaxOutputTokens: model }) })).toBe(expected);
  });
});

describe('streamedOutputTokens', () => {
  it('tokenizes kept text, else chars / 4', () => {
    expect(streamedOutputTokens({ family: 'openai', model: 'gpt-4o' }, { text: 'hello world' })).toBe(2);
    expect(streamedOutputTokens({ family: 'openai', model: 'gpt-4o' }, { chars: 401 })).toBe(101);
  });
});
