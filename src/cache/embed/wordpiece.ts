/**
 * BERT's WordPiece tokenizer (uncased): lower case, accents stripped, split on whitespace and
 * punctuation, then greedy longest-match-first against `vocab.txt` with `##` continuations. What the
 * sentence-transformers exports (MiniLM, BGE...) expect as input ids, wrapped in [CLS] ... [SEP].
 */
const PUNCTUATION = /[\p{P}\p{S}]/u;
const SPACE = /\s/u;
const MAX_WORD_CHARS = 100;

export class WordPieceTokenizer {
  private readonly vocab = new Map<string, number>();
  private readonly cls: number;
  private readonly sep: number;
  private readonly unk: number;

  constructor(vocabText: string) {
    vocabText.split(/\r?\n/).forEach((token, index) => {
      if (token.length > 0 && !this.vocab.has(token)) this.vocab.set(token, index);
    });
    const special = (name: string): number => {
      const id = this.vocab.get(name);
      if (id === undefined) throw new Error(`vocab has no ${name}`);
      return id;
    };
    this.cls = special('[CLS]');
    this.sep = special('[SEP]');
    this.unk = special('[UNK]');
  }

  /** Input ids for one text, [CLS] and [SEP] included, at most `maxTokens` long. */
  encode(text: string, maxTokens: number): number[] {
    const ids: number[] = [this.cls];
    const room = Math.max(0, maxTokens - 2);
    for (const word of basicTokens(text)) {
      for (const id of this.wordPieces(word)) {
        if (ids.length - 1 >= room) break;
        ids.push(id);
      }
      if (ids.length - 1 >= room) break;
    }
    ids.push(this.sep);
    return ids;
  }

  private wordPieces(word: string): number[] {
    if (word.length > MAX_WORD_CHARS) return [this.unk];
    const pieces: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found: number | undefined;
      while (end > start) {
        const piece = (start > 0 ? '##' : '') + word.slice(start, end);
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end -= 1;
      }
      if (found === undefined) return [this.unk];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}

function basicTokens(text: string): string[] {
  const clean = text.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
  const out: string[] = [];
  let current = '';
  for (const ch of clean) {
    if (SPACE.test(ch)) {
      if (current) out.push(current);
      current = '';
    } else if (PUNCTUATION.test(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}
