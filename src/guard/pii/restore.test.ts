import { Restorer, restoreText } from './restore';

const map = new Map([
  ['[EMAIL_1]', 'jane@example.com'],
  ['[PHONE_12]', '+44 20 7946 0958'],
  ['[PERSON_1]', 'Zoë "Z" Ørsted\nJr.'],
]);

const upstream = 'Hi [PERSON_1]! Mail [EMAIL_1], [not a placeholder] or [EMAIL_1x] or [PHONE_12]; [PHONE_1] stays; end [EMAIL_';
const expected = 'Hi Zoë "Z" Ørsted\nJr.! Mail jane@example.com, [not a placeholder] or [EMAIL_1x] or +44 20 7946 0958; [PHONE_1] stays; end [EMAIL_';

/** Asserts no released piece contains a placeholder or ends inside one. */
function assertNoHalfPlaceholder(pieces: readonly string[]): void {
  for (const piece of pieces) {
    for (const placeholder of map.keys()) {
      expect(piece).not.toContain(placeholder);
      for (let k = 1; k < placeholder.length; k++) {
        // A released piece may end with "[" only when the text really continues with something else.
        if (piece.endsWith(placeholder.slice(0, k)) && k > 1) throw new Error(`released half a placeholder: ${JSON.stringify(piece)}`);
      }
    }
  }
}

describe('Restorer', () => {
  it('restores a whole text', () => {
    expect(restoreText(upstream, map)).toBe(expected);
  });

  it('restores the exact text whatever two chunks it is split into (every character boundary)', () => {
    for (let cut = 0; cut <= upstream.length; cut++) {
      const restorer = new Restorer(map);
      const pieces = [restorer.push(upstream.slice(0, cut)), restorer.push(upstream.slice(cut))];
      const tail = restorer.end();
      expect(pieces.join('') + tail).toBe(expected);
      assertNoHalfPlaceholder(pieces);
    }
  });

  it('restores the exact bytes when fed one character at a time, holding back at most one placeholder', () => {
    const restorer = new Restorer(map);
    const pieces: string[] = [];
    for (const ch of upstream) {
      pieces.push(restorer.push(ch));
      expect(restorer.held).toBeLessThan(Math.max(...[...map.keys()].map((k) => k.length)));
    }
    expect(pieces.join('') + restorer.end()).toBe(expected);
    assertNoHalfPlaceholder(pieces);
  });

  it('restores the exact UTF-8 bytes when the byte stream is split at every byte boundary, and one byte at a time', () => {
    const bytes = Buffer.from(upstream, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const restorer = new Restorer(map);
      const pieces = [restorer.push(bytes.subarray(0, cut)), restorer.push(bytes.subarray(cut))];
      expect(Buffer.from(pieces.join('') + restorer.end(), 'utf8').equals(Buffer.from(expected, 'utf8'))).toBe(true);
      assertNoHalfPlaceholder(pieces);
    }
    const restorer = new Restorer(map);
    const pieces: string[] = [];
    for (const byte of bytes) pieces.push(restorer.push(Uint8Array.of(byte)));
    expect(pieces.join('') + restorer.end()).toBe(expected);
    assertNoHalfPlaceholder(pieces);
  });

  it('escapes restored values for the inside of a JSON string when asked', () => {
    const sse = 'data: {"delta":"Hello [PERSON_1]"}\n\n';
    const restored = restoreText(sse, map, { encoding: 'json' });
    expect(JSON.parse(restored.slice(6).trim())).toEqual({ delta: 'Hello Zoë "Z" Ørsted\nJr.' });
  });

  it('passes text straight through when nothing is reversible', () => {
    const restorer = new Restorer(new Map());
    expect(restorer.push('[EMAIL_')).toBe('[EMAIL_');
    expect(restorer.end()).toBe('');
  });

  it('releases a dangling "[" as soon as it cannot start a placeholder', () => {
    const restorer = new Restorer(map);
    expect(restorer.push('a [')).toBe('a ');
    expect(restorer.push('x')).toBe('[x');
    expect(restorer.push(' [E')).toBe(' ');
    expect(restorer.push('MAIL_1] ok')).toBe('jane@example.com ok');
  });
});
