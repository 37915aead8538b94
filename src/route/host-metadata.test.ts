import { hostMetadataString, parseTextProto } from './host-metadata';

const metadata = `filter_metadata {
  key: "envoy.lb"
  value {
    fields { key: "canary" value { bool_value: true } }
  }
}
filter_metadata {
  key: "llmgw"
  value {
    fields {
      key: "provider"
      value {
        string_value: "anthropic"
      }
    }
  }
}`;

describe('host metadata from the xds.upstream_host_metadata attribute (text format)', () => {
  it.each<[string, string, string | undefined]>([
    ['multi-line text format', metadata, 'anthropic'],
    ['one line, as Envoy short-debug-strings it', 'filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "openai" } } } }', 'openai'],
    ['angle brackets and escapes', 'filter_metadata < key: "llmgw" value < fields < key: "provider" value < string_value: "a\\"b" > > > >', 'a"b'],
    ['other namespace only', 'filter_metadata { key: "envoy.lb" value { fields { key: "provider" value { string_value: "x" } } } }', undefined],
    ['not a string value', 'filter_metadata { key: "llmgw" value { fields { key: "provider" value { number_value: 3 } } } }', undefined],
    ['unterminated string', 'filter_metadata { key: "llmgw', undefined],
    ['unbalanced braces', 'filter_metadata { key: "llmgw" value {', undefined],
    ['empty', '', undefined],
  ])('%s', (_name, text, expected) => {
    expect(hostMetadataString(text, 'llmgw', 'provider')).toBe(expected);
  });

  it('refuses oversized or absurdly nested input', () => {
    expect(parseTextProto('a { '.repeat(40) + '}'.repeat(40))).toBeUndefined();
    expect(parseTextProto(`x: "${'y'.repeat(70_000)}"`)).toBeUndefined();
  });
});
