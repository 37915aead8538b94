/**
 * Word lists of the lexical matcher. Kept general (English function words, support-desk vocabulary,
 * pairs of opposites) rather than tuned to one workload: a synonym here makes two phrasings hit, an
 * entry in CONTRASTS makes two near-identical questions with opposite meanings never hit.
 */
import { stem } from './stem';

/** Function words and politeness that carry no meaning for "is this the same question". */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the this that these those there here it its it\'s i me my mine myself we us our ours you your yours he him his she her they them their ' +
    'is am are was were be been being do does did done doing have has had having will would shall should can could may might must ' +
    'of in on at by for with about as into onto to from up down out off through between ' +
    'and or but if so because while than then also just only very really quite too any some such ' +
    'what which how whose whom way ' +
    'please pls plz kindly thanks thank thx hi hello hey dear sir madam team ' +
    'want need like know tell let get got getting help assist possible able wonder wondering question ' +
    'go going im ive id ill youre dont cant wont'
  ).split(' '),
);

/** Negation cues (n't is folded into "not" by the tokenizer). */
export const NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'cannot', 'without', 'unable', 'nowhere']);

/** Question words whose answers differ (why vs when vs where vs who); how/what are interchangeable and stopwords. */
export const DISTINCT_QUESTION_WORDS: ReadonlySet<string> = new Set(['why', 'when', 'where', 'who']);

const NUMBER_WORDS_LIST: ReadonlyArray<readonly [string, string]> = [
  ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'], ['six', '6'], ['seven', '7'],
  ['eight', '8'], ['nine', '9'], ['ten', '10'], ['eleven', '11'], ['twelve', '12'], ['fifteen', '15'], ['twenty', '20'],
  ['thirty', '30'], ['forty', '40'], ['fifty', '50'], ['hundred', '100'], ['thousand', '1000'], ['million', '1000000'],
  ['twice', '2x'], ['single', '1'], ['double', '2x'], ['dozen', '12'], ['half', '0.5'],
  ['first', '1st'], ['second', '2nd'], ['third', '3rd'], ['fourth', '4th'], ['fifth', '5th'], ['last', 'last'],
];
export const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(NUMBER_WORDS_LIST);

/**
 * Groups of words with opposite or mutually exclusive meanings. Any of these present in a question is a
 * must-match feature (canonicalised to the group member), so "enable" never answers "disable".
 */
const CONTRAST_GROUPS: readonly (readonly string[])[] = [
  ['enable', 'activate', 'unlock', 'unblock', 'unfreeze', 'allow', 'permit'],
  ['disable', 'deactivate', 'lock', 'block', 'freeze', 'deny', 'forbid', 'ban'],
  ['add', 'create', 'insert', 'open', 'join', 'subscribe', 'include', 'attach', 'install'],
  ['remove', 'delete', 'erase', 'close', 'leave', 'unsubscribe', 'exclude', 'detach', 'uninstall', 'drop'],
  ['increase', 'raise', 'higher', 'more', 'most', 'extend', 'upgrade', 'maximum', 'max', 'above', 'over', 'exceeding', 'greater', 'larger', 'bigger', 'longer', 'expensive'],
  ['decrease', 'lower', 'reduce', 'less', 'least', 'fewer', 'shorten', 'downgrade', 'minimum', 'min', 'below', 'under', 'beneath', 'smaller', 'shorter', 'cheaper', 'cheap'],
  ['buy', 'purchase', 'import', 'upload', 'receive', 'incoming', 'deposit', 'credit', 'inbound'],
  ['sell', 'export', 'download', 'send', 'outgoing', 'withdraw', 'withdrawal', 'debit', 'outbound'],
  ['accept', 'approve', 'succeed', 'success', 'successful', 'valid'],
  ['reject', 'decline', 'refuse', 'fail', 'failure', 'invalid', 'deny'],
  ['start', 'begin', 'resume', 'continue', 'restart', 'renew', 'reactivate'],
  ['stop', 'end', 'pause', 'suspend', 'cancel', 'terminate', 'expire'],
  ['before', 'earlier', 'early', 'prior', 'past', 'previous', 'older', 'yesterday'],
  ['after', 'later', 'late', 'next', 'future', 'upcoming', 'newer', 'tomorrow'],
  ['today', 'tonight', 'current', 'currently'],
  ['show', 'display', 'reveal', 'unhide', 'visible', 'public'],
  ['hide', 'conceal', 'invisible', 'private', 'secret'],
  ['encrypt', 'encode', 'compress'],
  ['decrypt', 'decode', 'decompress'],
  ['domestic', 'local', 'national'],
  ['international', 'abroad', 'overseas', 'foreign', 'global'],
  ['personal', 'individual', 'consumer'],
  ['business', 'company', 'corporate', 'enterprise'],
  ['all', 'every', 'each', 'entire', 'whole', 'both'],
  ['partial', 'either'],
  ['daily', 'weekly', 'monthly', 'yearly', 'annual', 'annually', 'quarterly'],
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekend', 'weekday'],
  ['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  ['login', 'signin'],
  ['logout', 'signout'],
  ['signup', 'register', 'registration'],
  ['optin'],
  ['optout'],
  ['refund', 'exchange', 'replace', 'replacement', 'repair', 'credit'],
  ['free', 'premium', 'trial', 'pro', 'basic', 'standard', 'plus'],
  ['male', 'female'],
  ['someone', 'else', 'another', 'his', 'her', 'their'],
  ['adult', 'child', 'kid', 'minor', 'infant', 'senior', 'student'],
  ['north', 'south', 'east', 'west'],
  ['true', 'false'],
  ['hot', 'cold', 'warm'],
  ['fast', 'faster', 'express', 'slow', 'slower', 'standard', 'overnight', 'priority'],
  ['card', 'paypal', 'cash', 'cheque', 'transfer', 'wire', 'crypto', 'bitcoin', 'invoice'],
];

/**
 * Word (lower case or stem) -> its canonical contrast value. Members of one group that mean different
 * things (Monday and Tuesday, card and cash) each keep their own value: only exact synonyms share one.
 */
export const CONTRASTS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const sameMeaning: ReadonlyArray<readonly string[]> = [
    ['enable', 'activate', 'unlock', 'unblock', 'unfreeze', 'allow', 'permit'],
    ['disable', 'deactivate', 'lock', 'block', 'freeze', 'deny', 'forbid', 'ban'],
    ['add', 'create', 'insert', 'include', 'attach'],
    ['remove', 'delete', 'erase', 'exclude', 'detach', 'drop'],
    ['increase', 'raise', 'higher', 'more', 'extend', 'greater', 'larger', 'bigger', 'longer'],
    ['decrease', 'lower', 'reduce', 'less', 'fewer', 'shorten', 'smaller', 'shorter'],
    ['buy', 'purchase'],
    ['sell'],
    ['accept', 'approve'],
    ['reject', 'decline', 'refuse'],
    ['fail', 'failure'],
    ['succeed', 'success', 'successful'],
    ['start', 'begin'],
    ['cancel', 'terminate', 'end', 'stop'],
    ['export', 'download'],
    ['import', 'upload'],
    ['before', 'earlier', 'prior'],
    ['above', 'over', 'exceeding'],
    ['below', 'under', 'beneath'],
    ['after', 'later'],
    ['login', 'signin'],
    ['logout', 'signout'],
    ['signup', 'register', 'registration'],
    ['international', 'abroad', 'overseas', 'foreign'],
    ['all', 'every', 'each', 'entire', 'whole'],
    ['show', 'display', 'reveal', 'unhide'],
    ['hide', 'conceal'],
    ['withdraw', 'withdrawal'],
    ['annual', 'annually', 'yearly'],
    ['business', 'company', 'corporate', 'enterprise'],
    ['child', 'kid', 'minor'],
    ['someone', 'else', 'another'],
    ['fast', 'faster', 'express', 'priority', 'overnight'],
    ['transfer', 'wire'],
    ['crypto', 'bitcoin'],
  ];
  for (const group of CONTRAST_GROUPS) for (const word of group) map.set(word, word);
  for (const group of sameMeaning) for (const word of group) map.set(word, group[0] as string);
  // Stems too ("disabled" -> disabl), except where stemming lands on a plain noun (monthly -> month).
  for (const [word, value] of [...map]) if (!word.endsWith('ly') && !map.has(stem(word))) map.set(stem(word), value);
  return map;
})();

/** Two-word phrases folded into one word before matching ("log in" -> login, "turn off" -> disable). */
export const PHRASES: ReadonlyMap<string, string> = new Map([
  ['log in', 'login'], ['sign in', 'login'], ['logged in', 'login'], ['signed in', 'login'], ['log into', 'login'], ['sign into', 'login'],
  ['log out', 'logout'], ['sign out', 'logout'], ['logged out', 'logout'], ['signed out', 'logout'],
  ['sign up', 'signup'], ['signed up', 'signup'], ['opt in', 'optin'], ['opt out', 'optout'],
  ['turn on', 'enable'], ['switch on', 'enable'], ['turned on', 'enable'], ['turn off', 'disable'], ['switch off', 'disable'], ['turned off', 'disable'],
  ['set up', 'setup'], ['money back', 'refund'], ['e mail', 'email'], ['check out', 'checkout'], ['pay out', 'payout'],
  ['two factor', '2fa'], ['2 factor', '2fa'], ['multi factor', '2fa'], ['customer service', 'support'], ['customer support', 'support'],
  ['phone number', 'phone'], ['how long', 'duration'], ['how much', 'price'],
  ['how many', 'count'], ['sign-up', 'signup'], ['log-in', 'login'], ['log-out', 'logout'],
]);

/** Support-desk synonyms, folded to one canonical word (raw forms and their stems are both keys). */
export const SYNONYMS: ReadonlyMap<string, string> = (() => {
  const groups: ReadonlyArray<readonly string[]> = [
    ['password', 'passcode', 'passwd', 'pwd', 'passphrase'],
    ['change', 'update', 'modify', 'edit', 'alter', 'switch', 'amend'],
    ['reset', 'recover', 'restore', 'forgot', 'forget', 'forgotten', 'lost'],
    ['cancel', 'terminate', 'cancellation'],
    ['refund', 'reimburse', 'reimbursement', 'repay'],
    ['order', 'orders'],
    ['ship', 'shipping', 'shipment', 'deliver', 'delivery', 'dispatch', 'shipped', 'delivered', 'arrive', 'arrival'],
    ['account', 'profile', 'acct'],
    ['email', 'e-mail', 'mail', 'mailbox', 'emails'],
    ['phone', 'mobile', 'cellphone', 'telephone'],
    ['price', 'cost', 'fee', 'charge', 'pricing', 'rate', 'costs', 'fees'],
    ['contact', 'reach', 'call', 'phone-call'],
    ['invoice', 'receipt', 'bill', 'billing', 'statement'],
    ['subscription', 'plan', 'membership', 'subscribe'],
    ['support', 'helpdesk', 'agent', 'representative', 'human'],
    ['address', 'location'],
    ['item', 'product', 'goods', 'article'],
    ['return', 'send back', 'returning'],
    ['track', 'trace', 'status', 'tracking', 'whereabouts'],
    ['duration', 'long', 'time', 'take'],
    ['payment', 'pay', 'paying', 'paid'],
    ['damage', 'damaged', 'broken', 'defective', 'faulty', 'cracked'],
    ['wrong', 'incorrect', 'mistaken', 'different'],
    ['username', 'login-name', 'user-id', 'handle'],
    ['2fa', 'mfa', 'two-factor', 'authenticator', '2-step', 'two-step'],
    ['discount', 'coupon', 'promo', 'voucher', 'promotion'],
    ['app', 'application'],
    ['website', 'site', 'web', 'portal'],
    ['hour', 'hours'],
    ['policy', 'policies', 'rule', 'rules', 'terms'],
    ['error', 'issue', 'problem', 'trouble', 'bug'],
    ['work', 'working', 'function', 'functioning'],
    ['data', 'information', 'info', 'details', 'detail'],
    ['export', 'download'],
    ['see', 'view', 'find', 'check', 'look', 'locate'],
    ['use', 'usage', 'using', 'apply', 'redeem'],
    ['verify', 'confirm', 'validate', 'verification', 'confirmation'],
    ['setup', 'configure', 'configuration', 'install', 'installation'],
  ];
  const map = new Map<string, string>();
  for (const group of groups) {
    const canonical = group[0] as string;
    for (const word of group) {
      map.set(word, canonical);
      map.set(stem(word), canonical);
    }
  }
  return map;
})();

/**
 * Words common enough that a capital letter at the start of a sentence says nothing about them; a
 * capitalised sentence-opening word outside this list and the other lists counts as a named entity.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'why when where who whats wheres whys hows can could would will should is are do does did have has was were may might must ' +
    'need want help any anyone anybody someone somebody ok okay yes no not never also so well now just still again already ' +
    'after before since until during once then there here today tomorrow yesterday my your our their his her its the a an ' +
    'i we you they he she it this that these those if in on at by for from with about as to of or and but ' +
    'reset change update cancel refund order ship return track price contact invoice subscription password account email phone ' +
    'delivery shipping payment item product support app website hour policy error data setup login logout signup ' +
    'hello hi hey dear thanks thank please quick question urgent issue problem trouble' +
    ' how what which whose whom is there tell explain show give make let get go come send receive buy sell add remove delete ' +
    'enable disable open close start stop use find see check look pay charge transfer sign log create new old my'
  ).split(' '),
);
