/**
 * Which provider an Envoy attempt targets, from the `xds.upstream_host_metadata` request attribute of the
 * per-attempt (upstream) ext_proc filter. Envoy sends a protobuf message attribute as its text format
 * (Envoy AI Gateway reads the same attribute with prototext.Unmarshal, internal/extproc/server.go), so this
 * reads `filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "..." } } } }`
 * with a small tokenizer: no regex over the whole text, bounded work per character.
 */

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

const MAX_METADATA_CHARS = 64 * 1024;

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === ',' || c === ';') {
      i += 1;
    } else if (c === '{' || c === '}' || c === ':' || c === '<' || c === '>' || c === '[' || c === ']') {
      tokens.push({ kind: 'punct', text: c === '<' ? '{' : c === '>' ? '}' : c });
      i += 1;
    } else if (c === '"' || c === "'") {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1];
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else {
          value += text[i];
          i += 1;
        }
      }
      if (i >= text.length) return undefined;
      i += 1;
      tokens.push({ kind: 'string', text: value });
    } else {
      let word = '';
      while (i < text.length && !' \n\t\r,;{}:<>[]"\''.includes(text[i])) {
        word += text[i];
        i += 1;
      }
      tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

type TextValue = string | TextMessage;
interface TextMessage {
  readonly fields: Array<[string, TextValue]>;
}

/** Parses a text-format message into ordered (field, value) pairs; scalars stay strings. */
export function parseTextProto(text: string): TextMessage | undefined {
  if (text.length > MAX_METADATA_CHARS) return undefined;
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  let position = 0;
  const message = (depth: number): TextMessage | undefined => {
    if (depth > 32) return undefined;
    const fields: Array<[string, TextValue]> = [];
    while (position < tokens.length) {
      const token = tokens[position];
      if (token.kind === 'punct' && token.text === '}') return { fields };
      if (token.kind !== 'word') return undefined;
      position += 1;
      if (tokens[position]?.kind === 'punct' && tokens[position].text === ':') position += 1;
      const value = tokens[position];
      if (!value) return undefined;
      if (value.kind === 'punct' && value.text === '{') {
        position += 1;
        const inner = message(depth + 1);
        if (!inner || tokens[position]?.text !== '}') return undefined;
        position += 1;
        fields.push([token.text, inner]);
      } else if (value.kind === 'punct') {
        return undefined;
      } else {
        position += 1;
        fields.push([token.text, value.text]);
      }
    }
    return depth === 0 ? { fields } : undefined;
  };
  return message(0);
}

function child(message: TextMessage, name: string): TextValue[] {
  return message.fields.filter(([field]) => field === name).map(([, value]) => value);
}

/** `filter_metadata[namespace].fields[key].string_value`, or undefined. */
export function hostMetadataString(text: string, namespace: string, key: string): string | undefined {
  const metadata = parseTextProto(text);
  if (!metadata) return undefined;
  for (const entry of child(metadata, 'filter_metadata')) {
    if (typeof entry === 'string' || child(entry, 'key')[0] !== namespace) continue;
    const struct = child(entry, 'value')[0];
    if (!struct || typeof struct === 'string') continue;
    for (const field of child(struct, 'fields')) {
      if (typeof field === 'string' || child(field, 'key')[0] !== key) continue;
      const value = child(field, 'value')[0];
      if (!value || typeof value === 'string') continue;
      const stringValue = child(value, 'string_value')[0];
      if (typeof stringValue === 'string') return stringValue;
    }
  }
  return undefined;
}
