import { createHash } from 'node:crypto';
import { base58CheckDecode, bech32Valid, eip55Valid, ibanValid, keccak256, luhn, shannonEntropy } from './checksums';
import { PiiAnalyzer } from './analyzer';
import { cardIssuer } from './recognizers/financial';
import { validSsn } from './recognizers/government';

const analyzer = new PiiAnalyzer();

/** [type, value] of every span the default analyser reports. */
function found(text: string, a: PiiAnalyzer = analyzer): [string, string][] {
  return a.analyze(text).map((s) => [s.type, text.slice(s.start, s.end)]);
}

function jwt(payload: object): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.${createHash('sha256').update('sig').digest('base64url')}`;
}

describe('checksums', () => {
  it('Luhn', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(luhn('')).toBe(false);
  });

  it('card issuer ranges and lengths', () => {
    expect(cardIssuer('4111111111111111')).toBe('visa');
    expect(cardIssuer('5555555555554444')).toBe('mastercard');
    expect(cardIssuer('2221000000000009')).toBe('mastercard');
    expect(cardIssuer('378282246310005')).toBe('amex');
    expect(cardIssuer('6011111111111117')).toBe('discover');
    expect(cardIssuer('3530111333300000')).toBe('jcb');
    expect(cardIssuer('37828224631000')).toBeUndefined();
    expect(cardIssuer('1234567812345670')).toBeUndefined();
  });

  it('IBAN mod-97 and per-country length', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('gb82west12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
    expect(ibanValid('XX82WEST12345698765432')).toBe(false);
  });

  it('SSN invalid ranges', () => {
    expect(validSsn('536221234')).toBe(true);
    for (const bad of ['000221234', '666221234', '936221234', '536001234', '536220000', '123456789', '111111111', '078051120']) expect(validSsn(bad)).toBe(false);
  });

  it('Keccak-256, EIP-55, base58check, bech32/bech32m', () => {
    expect(Buffer.from(keccak256(new Uint8Array())).toString('hex')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(eip55Valid('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(true);
    expect(eip55Valid('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
    expect(base58CheckDecode('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')?.length).toBe(21);
    expect(base58CheckDecode('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBeUndefined();
    expect(bech32Valid('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'bc')).toBe(true);
    expect(bech32Valid('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'bc')).toBe(true);
    expect(bech32Valid('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'bc')).toBe(false);
  });

  it('entropy', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});

describe('recognizers through the analyser', () => {
  it.each<[string, string, [string, string][]]>([
    ['email', 'Write to jane.doe+news@mail.example.co.uk.', [['EMAIL_ADDRESS', 'jane.doe+news@mail.example.co.uk']]],
    ['international phone', 'Ring +44 20 7946 0958 tomorrow', [['PHONE_NUMBER', '+44 20 7946 0958']]],
    ['NANP phone with extension', 'Our desk: (415) 555-2671 x204', [['PHONE_NUMBER', '(415) 555-2671 x204']]],
    ['local phone with context', 'Call me on 06 12 34 56 78 please', [['PHONE_NUMBER', '06 12 34 56 78']]],
    ['local phone labelled after', '612 345 678 mobile', [['PHONE_NUMBER', '612 345 678']]],
    ['national number valid in a large numbering plan', 'or 020 7946 0958.', [['PHONE_NUMBER', '020 7946 0958']]],
    ['Visa, grouped', 'card 4111 1111 1111 1111 exp 12/29', [['CREDIT_CARD', '4111 1111 1111 1111']]],
    ['Amex then CVV', 'amex 378282246310005 123', [['CREDIT_CARD', '378282246310005']]],
    ['SSN', 'SSN 536-22-1234 on file', [['US_SSN', '536-22-1234']]],
    ['bare SSN with context', 'social security number 536221234', [['US_SSN', '536221234']]],
    ['IBAN, grouped', 'IBAN: GB82 WEST 1234 5698 7654 32 thanks', [['IBAN_CODE', 'GB82 WEST 1234 5698 7654 32']]],
    ['IBAN, compact then words', 'pay DE89370400440532013000 today', [['IBAN_CODE', 'DE89370400440532013000']]],
    ['IPv4', 'server at 192.168.10.254 is down', [['IP_ADDRESS', '192.168.10.254']]],
    ['IPv6', 'ping 2001:db8:85a3::8a2e:370:7334 now', [['IP_ADDRESS', '2001:db8:85a3::8a2e:370:7334']]],
    ['MAC', 'device 00:1A:2B:3C:4D:5E joined', [['MAC_ADDRESS', '00:1A:2B:3C:4D:5E']]],
    ['BTC legacy', 'send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', [['CRYPTO', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2']]],
    ['BTC bech32', 'wallet bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', [['CRYPTO', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']]],
    ['ETH EIP-55', 'to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', [['CRYPTO', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed']]],
    ['US passport with context', 'my passport number is 912803456', [['US_PASSPORT', '912803456']]],
    ['driver licence with context', "driver's licence D1234567 expired", [['US_DRIVER_LICENSE', 'D1234567']]],
    ['date of birth', 'I was born on 14/02/1987.', [['DATE_OF_BIRTH', '14/02/1987']]],
    ['date and time', 'Meeting 2024-03-05 14:30 in room 2', [['DATE_TIME', '2024-03-05 14:30']]],
    ['URL', 'see https://example.org/a?b=c).', [['URL', 'https://example.org/a?b=c']]],
    ['AWS key', 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE', [['secret.aws_access_key', 'AKIAIOSFODNN7EXAMPLE']]],
    ['GitHub token', 'token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', [['secret.github_token', 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789']]],
    ['Slack token', 'xoxb-2048-4096-aBcDeFgHiJkLmNoP', [['secret.slack_token', 'xoxb-2048-4096-aBcDeFgHiJkLmNoP']]],
    ['Stripe key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', [['secret.stripe_key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']]],
    ['OpenAI key', 'OPENAI_API_KEY sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF', [['secret.openai_key', 'sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF']]],
    ['Anthropic key', 'sk-ant-api03-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF_xY-zz', [['secret.anthropic_key', 'sk-ant-api03-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF_xY-zz']]],
    ['password in URL', 'postgres://admin:s3cr3tP4ss@db.internal:5432/app', [['secret.url_password', 's3cr3tP4ss']]],
    ['password assignment', 'password = "Tr0ub4dor&3"', [['secret.password', 'Tr0ub4dor&3']]],
    ['high-entropy value after a key word', "client_secret: 'Zx8fK2pLq9Wm4Rt7Yv1Bn3Cd'", [['secret.generic', 'Zx8fK2pLq9Wm4Rt7Yv1Bn3Cd']]],
  ])('%s', (_name, text, expected) => {
    expect(found(text)).toEqual(expect.arrayContaining(expected));
  });

  it('finds a JWT and a PEM private key (also one cut off)', () => {
    const token = jwt({ sub: '42', name: 'x' });
    expect(found(`Authorization: Bearer ${token}`)).toContainEqual(['secret.jwt', token]);
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nbye`)).toContainEqual(['secret.private_key', pem]);
    expect(found('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg')).toContainEqual(['secret.private_key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg']);
  });

  it.each<[string, string, string]>([
    ['a Luhn-invalid 16-digit number', 'ref 4111111111111112', 'CREDIT_CARD'],
    ['a number too long to be a card', 'id 41111111111111110000', 'CREDIT_CARD'],
    ['an SSN in an invalid range', 'SSN 666-22-1234', 'US_SSN'],
    ['a bare 9-digit number without context', 'order 536221234 shipped', 'US_SSN'],
    ['an IBAN with a bad check digit', 'IBAN GB83WEST12345698765432', 'IBAN_CODE'],
    ['a local number without phone context', 'the totals were 12 34 56 78', 'PHONE_NUMBER'],
    ['a date', 'on 2024-03-05 we met', 'PHONE_NUMBER'],
    ['a version number', 'upgrade to version 1.2.3.4 today', 'IP_ADDRESS'],
    ['an octet out of range', 'host 300.1.2.3', 'IP_ADDRESS'],
    ['an ETH address with a broken checksum', 'to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'CRYPTO'],
    ['a passport-shaped number without context', 'ticket 912803456', 'US_PASSPORT'],
    ['a licence-shaped token without context', 'code D1234567 applied', 'US_DRIVER_LICENSE'],
    ['a low-entropy value after a key word', 'token: aaaaaaaaaaaaaaaaaaaa', 'secret.generic'],
    ['"password" without a value', 'Password reset instructions were sent', 'secret.password'],
    ['a time', 'at 12:30:45 sharp', 'IP_ADDRESS'],
  ])('does not report %s', (_name, text, type) => {
    expect(found(text).map(([t]) => t)).not.toContain(type);
  });

  it('best effort: names, places, addresses, organisations', () => {
    expect(found('My name is Maria Gonzalez and I live in Lisbon')).toEqual(expect.arrayContaining([['PERSON', 'Maria Gonzalez'], ['LOCATION', 'Lisbon']]));
    expect(found('Ship it to 221 Baker Street, London')).toContainEqual(['ADDRESS', '221 Baker Street, London']);
    expect(found('She works at Initech Solutions now')).toContainEqual(['ORGANIZATION', 'Initech Solutions']);
    expect(found('my zip code is 90210')).toContainEqual(['ADDRESS', '90210']);
  });
});

describe('analyser options', () => {
  it('context words raise a score; a threshold per entity drops what stays below it', () => {
    const strict = new PiiAnalyzer({ thresholds: { IP_ADDRESS: 0.9 } });
    expect(found('reach 10.1.2.3 now', strict)).toEqual([]);
    expect(found('the server ip is 10.1.2.3', strict)).toEqual([['IP_ADDRESS', '10.1.2.3']]);
  });

  it('negative context lowers a score', () => {
    expect(found('release version 10.1.2.3 is out').map(([t]) => t)).not.toContain('IP_ADDRESS');
  });

  it('extra context words per entity', () => {
    const extra = new PiiAnalyzer({ extraContext: { PHONE_NUMBER: ['numero'] } });
    expect(found('numero 12 34 56 78', extra)).toEqual([['PHONE_NUMBER', '12 34 56 78']]);
    expect(found('numero 12 34 56 78')).toEqual([]);
  });

  it('entities filter, families and allow-list', () => {
    const text = 'mail ops@example.com, key AKIAIOSFODNN7EXAMPLE, ip 10.0.0.1';
    expect(found(text, new PiiAnalyzer({ entities: ['secret.*'] }))).toEqual([['secret.aws_access_key', 'AKIAIOSFODNN7EXAMPLE']]);
    expect(found(text, new PiiAnalyzer({ entities: ['EMAIL_ADDRESS', 'IP_ADDRESS'], allowList: ['ops@example.com'] }))).toEqual([['IP_ADDRESS', '10.0.0.1']]);
    expect(found(text, new PiiAnalyzer({ thresholds: { 'secret.*': 1.1 } })).map(([t]) => t)).not.toContain('secret.aws_access_key');
  });

  it('reports non-overlapping spans in order; offsets index the original string', () => {
    const text = '😀 é mail a@b.io and card 4111111111111111';
    const spans = analyzer.analyze(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['a@b.io', '4111111111111111']);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('stays linear on hostile input', () => {
    const hostile = ['1 '.repeat(20000), 'a@'.repeat(20000), '['.repeat(20000), ':'.repeat(20000), 'aaaa.'.repeat(10000), '-----BEGIN PRIVATE KEY-----'.repeat(2000)].join('\n');
    const t0 = Date.now();
    analyzer.analyze(hostile);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
