/** Segments and facts of an OpenAI embeddings request: `input` as a string, strings, or token arrays. */
import { getString, own } from '../json';
import type { RequestExtractor } from './types';

export const extractEmbeddings: RequestExtractor = (body, collect) => {
  const input = own(body, 'input');
  const place = { role: 'user', channel: 'user' } as const;
  if (typeof input === 'string') collect.text(input, ['input'], place);
  if (Array.isArray(input)) {
    input.forEach((item, i) => {
      if (typeof item === 'string') collect.text(item, ['input', i], { ...place, turn: i });
      // Token ids carry no text we can inspect; count them for the budget estimate.
      else if (typeof item === 'number') collect.tokenInputCount += 1;
      else if (Array.isArray(item)) collect.tokenInputCount += item.length;
    });
  }
  return { model: getString(body, 'model') ?? '', stream: false, tools: [] };
};
