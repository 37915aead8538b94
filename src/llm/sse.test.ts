import { formatSseComment, formatSseEvent, SseParser, type SseEvent } from './sse';

function parseAll(chunks: readonly Uint8Array[], options?: { maxEventBytes?: number }): { events: SseEvent[]; truncated: boolean; error?: string } {
  const parser = new SseParser(options);
  const events: SseEvent[] = [];
  for (const chunk of chunks) {
    const result = parser.push(chunk);
    events.push(...result.events);
    if (result.error) return { events, truncated: true, error: result.error.code };
  }
  const end = parser.end();
  return { events, truncated: end.truncated };
}

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Every way to cut the stream in two, and the stream as single bytes: all must agree with the whole. */
function expectSplitInvariant(stream: Buffer): SseEvent[] {
  const whole = parseAll([stream]);
  for (let cut = 0; cut <= stream.length; cut++) {
    expect(parseAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
  }
  expect(parseAll([...stream].map((b) => Uint8Array.of(b)))).toEqual(whole);
  // Three-way cuts around every CR and every multi-byte character.
  for (let a = 1; a < stream.length; a++) {
    const b = Math.min(stream.length, a + 1 + (a % 3));
    expect(parseAll([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).toEqual(whole);
  }
  return whole.events;
}

describe('SseParser: WHATWG parsing rules', () => {
  it.each<[string, string, SseEvent[], boolean?]>([
    ['one event', 'data: hello\n\n', [{ data: 'hello' }]],
    ['event name', 'event: message_start\ndata: {"a":1}\n\n', [{ event: 'message_start', data: '{"a":1}' }]],
    ['multi-line data joined with LF', 'data: a\ndata: b\ndata:\n\n', [{ data: 'a\nb\n' }]],
    ['only one leading space is removed', 'data:  two spaces\ndata:none\n\n', [{ data: ' two spaces\nnone' }]],
    ['CRLF line endings', 'event: x\r\ndata: 1\r\n\r\n', [{ event: 'x', data: '1' }]],
    ['CR line endings', 'data: 1\rdata: 2\r\r', [{ data: '1\n2' }]],
    ['mixed endings', 'data: 1\r\ndata: 2\rdata: 3\n\n', [{ data: '1\n2\n3' }]],
    ['comments ignored', ': keep-alive\n:\ndata: x\n\n: trailing\n', [{ data: 'x' }]],
    ['field without colon', 'data\n\n', [{ data: '' }]],
    ['empty data line dispatches an empty event', 'data:\n\n', [{ data: '' }]],
    ['no data: not dispatched', 'event: ping\n\ndata: x\n\n', [{ data: 'x' }]],
    ['event type resets after dispatch', 'event: a\ndata: 1\n\ndata: 2\n\n', [{ event: 'a', data: '1' }, { data: '2' }]],
    ['unknown fields ignored', 'foo: bar\ndata: x\nEvent: y\n\n', [{ data: 'x' }]],
    ['id and retry', 'id: 7\nretry: 1500\ndata: x\n\n', [{ id: '7', retry: 1500, data: 'x' }]],
    ['invalid retry ignored', 'retry: 1.5\nretry: x\ndata: x\n\n', [{ data: 'x' }]],
    ['id with NUL ignored', 'id: a\u0000b\ndata: x\n\n', [{ data: 'x' }]],
    ['leading BOM stripped', '\uFEFFdata: x\n\n', [{ data: 'x' }]],
    ['only the first BOM is stripped', '\uFEFF\uFEFFdata: x\n\n', []],
    ['BOM later is data', 'data: \uFEFFx\n\n', [{ data: '\uFEFFx' }]],
    ['multi-byte UTF-8', 'data: héllo – 你好 🙂\n\n', [{ data: 'héllo – 你好 🙂' }]],
    ['unterminated final event dropped', 'data: 1\n\ndata: 2\n', [{ data: '1' }], true],
    ['unterminated final line dropped', 'data: 1\n\ndata: 2', [{ data: '1' }], true],
    ['blank lines alone', '\n\n\r\n', []],
  ])('%s', (_name, stream, expected, truncated = false) => {
    expect(expectSplitInvariant(bytes(stream))).toEqual(expected);
    expect(parseAll([bytes(stream)]).truncated).toBe(truncated);
  });

  it('keeps the last event id across events', () => {
    const parser = new SseParser();
    parser.push(bytes('id: 1\ndata: a\n\ndata: b\n\n'));
    expect(parser.lastEventId).toBe('1');
  });

  it('replaces invalid UTF-8 like a browser', () => {
    expect(parseAll([Buffer.concat([bytes('data: a'), Buffer.from([0xff, 0xc3]), bytes('\n\n')])]).events).toEqual([{ data: 'a\uFFFD\uFFFD' }]);
  });

  it('is invariant under every split of a realistic mixed stream', () => {
    const stream = bytes(
      [
        'event: message_start\r\ndata: {"type":"message_start","message":{"usage":{"input_tokens":12}}}\r\n\r\n',
        ': ping\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße 🙂"}}\n\n',
        'data: line one\rdata: line two\r\r',
        'id: 42\nretry: 100\ndata: [DONE]\n\n',
      ].join(''),
    );
    expect(expectSplitInvariant(stream)).toHaveLength(4);
  });
});

describe('SseParser: random partitions', () => {
  /** A small deterministic PRNG (mulberry32) so failures reproduce. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('any partition of a long stream with every line ending and multi-byte text gives the same events', () => {
    const endings = ['\n', '\r\n', '\r'];
    const rand = random(42);
    let text = '\uFEFF';
    for (let i = 0; i < 60; i++) {
      const eol = endings[i % 3] as string;
      text += `event: e${i}${eol}data: ${'é🙂'.repeat(i % 5)}${i}${eol}data: second${eol}${i % 7 === 0 ? `: comment${eol}` : ''}${eol}`;
    }
    const stream = bytes(text);
    const whole = parseAll([stream]);
    expect(whole.events).toHaveLength(60);
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      let at = 0;
      while (at < stream.length) {
        const size = 1 + Math.floor(rand() * 12);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      expect(parseAll(chunks)).toEqual(whole);
    }
  });
});

describe('SseParser: bounded memory', () => {
  it('fails an event larger than the limit, keeping the events before it', () => {
    const stream = bytes(`data: small\n\ndata: ${'x'.repeat(200)}\n\ndata: after\n\n`);
    const result = parseAll([stream], { maxEventBytes: 100 });
    expect(result).toEqual({ events: [{ data: 'small' }], truncated: true, error: 'event_too_large' });
  });

  it('counts an unfinished line too, however it is split', () => {
    const parser = new SseParser({ maxEventBytes: 64 });
    let error: string | undefined;
    for (let i = 0; i < 100 && !error; i++) error = parser.push(bytes('y')).error?.code;
    expect(error).toBe('event_too_large');
    expect(parser.push(bytes('\n\ndata: x\n\n'))).toEqual({ events: [], error: { code: 'event_too_large', message: 'an SSE event exceeds 64 bytes' } });
    expect(parser.end().error?.code).toBe('event_too_large');
  });

  it('counts all lines of one event, not only the current one', () => {
    const many = `${'data: 0123456789\n'.repeat(10)}\n`;
    expect(parseAll([bytes(many)], { maxEventBytes: 100 }).error).toBe('event_too_large');
    expect(parseAll([bytes(many)], { maxEventBytes: 200 }).events).toHaveLength(1);
  });
});

describe('formatSseEvent', () => {
  it.each<[SseEvent, string]>([
    [{ data: 'x' }, 'data: x\n\n'],
    [{ event: 'message_stop', data: '{"type":"message_stop"}' }, 'event: message_stop\ndata: {"type":"message_stop"}\n\n'],
    [{ data: 'a\nb\r\nc\rd' }, 'data: a\ndata: b\ndata: c\ndata: d\n\n'],
    [{ data: '' }, 'data: \n\n'],
    [{ data: ' leading' }, 'data:  leading\n\n'],
    [{ id: '3', retry: 10, data: 'x' }, 'id: 3\nretry: 10\ndata: x\n\n'],
  ])('%j', (event, text) => {
    expect(formatSseEvent(event)).toBe(text);
  });

  it('round-trips through the parser', () => {
    const events: SseEvent[] = [{ event: 'e', data: 'multi\nline\n' }, { data: ' spaced ' }, { id: 'i', data: '{"x":"ü"}' }, { data: '' }];
    const text = events.map(formatSseEvent).join('') + formatSseComment('keep\nalive');
    expect(parseAll([bytes(text)]).events).toEqual(events.map((e) => ({ ...e, data: e.data })));
  });

  it('refuses field injection', () => {
    expect(() => formatSseEvent({ event: 'a\ndata: evil', data: 'x' })).toThrow(TypeError);
    expect(() => formatSseEvent({ id: 'a\rb', data: 'x' })).toThrow(TypeError);
    expect(() => formatSseEvent({ id: 'a\u0000', data: 'x' })).toThrow(TypeError);
    expect(() => formatSseEvent({ retry: -1, data: 'x' })).toThrow(TypeError);
  });
});
