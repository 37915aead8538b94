/**
 * The layered detector: normalisation -> bounded decoding (each decoded span is a view scanned like the
 * text) -> signatures over the concept stream and structural patterns -> hashed n-gram logistic
 * regression -> one score per segment.
 *
 * User text is scored as a whole (long texts in overlapping windows). Data (documents, tool results) is
 * scored line by line, and a line there also scores when it merely reads like an instruction to an
 * assistant (the `task` model): data should not address the model at all. Rules have a stricter tier on
 * data too.
 *
 * The verdict on the content does not change when it is concealed (zero-width characters, tag
 * characters, look-alikes, leetspeak, encodings): concealment is reported separately (`concealment`).
 */
import type { SegmentChannel } from '../../llm';
import { CONCEPT_ID, tagConcepts, type Tokens } from './concepts';
import { DEFAULT_DECODE_LIMITS, findEncoded, type EncodingKind } from './decode';
import { extractFeatures } from './features';
import { loadModels, logitOf, score, sigmoid, type InjectionModels } from './model';
import { concealment, normalize, unconfuse, type NormalizeSignals } from './normalize';
import { pattern } from './patterns';
import { matchPatternRules, PATTERN_DATA_TIERS } from './pattern-rules';
import { CONCEPT_DATA_TIERS, matchConceptRules, type Family, type RuleHit, type Trust } from './signatures';

export interface DetectorOptions {
  /** Verdict threshold on user, system and other first-party channels. */
  readonly threshold: number;
  /** Verdict threshold on document and tool_result channels. */
  readonly dataThreshold: number;
  /** Decoded payloads are decoded again up to this depth. */
  readonly maxDecodeDepth: number;
  /** Decoded characters per segment, all depths together. */
  readonly maxDecodedChars: number;
  /** Encoded spans decoded per text. */
  readonly maxDecodeCandidates: number;
  /** Decoded views scanned per segment, all depths together (bounds fan-out: spans that decode to more spans). */
  readonly maxDecodedViews: number;
  /** Offset added to the `task` model's score on data lines (lower: more lenient). */
  readonly taskOffset: number;
  readonly models?: InjectionModels;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  threshold: 0.5,
  dataThreshold: 0.5,
  maxDecodeDepth: 3,
  maxDecodedChars: 262144,
  maxDecodeCandidates: 16,
  maxDecodedViews: 64,
  taskOffset: 2,
};

export type InjectionType = 'prompt_injection' | 'jailbreak';

export interface SegmentResult {
  /** 0..1, combined over views (text, decoded payloads, hidden tag text). */
  readonly score: number;
  readonly attack: boolean;
  readonly type: InjectionType;
  /** 0..1: concealment (invisible characters, tag text, look-alikes, leetspeak, encodings). */
  readonly concealment: number;
  /** Rule ids that fired (for audit and tests; never sent to the client). */
  readonly rules: readonly string[];
  /** Best prompt-model probability (on data: over lines). */
  readonly classifier: number;
  /** Data channels: best task-model probability over lines ("reads like an instruction to an assistant"); 0 elsewhere. */
  readonly task: number;
  /** Encoded spans decoded and scanned. */
  readonly decoded: number;
  /** Characters decoded, all depths together (bounded by `maxDecodedChars`). */
  readonly decodedChars: number;
  readonly decodedKinds: readonly EncodingKind[];
  /** Decoding stopped at a bound (depth, size or views) with more left to decode. */
  readonly boundReached: boolean;
  /** Encoded payloads nested deeper than `maxDecodeDepth`: counted as evidence (medium), since nobody nests encodings innocently. */
  readonly depthExceeded: boolean;
}

/** Channels whose content is data, not the user's own words. */
export function isDataChannel(channel: SegmentChannel): boolean {
  return channel === 'document' || channel === 'tool_result';
}

/**
 * How the layers combine, in logit space: the classifier's score is damped (`scale`, `shift`: on sources
 * it has not seen it is over-confident, so alone it flags only when very sure); a medium rule adds
 * `medium` (alone it flags unless the classifier disagrees), a weak one `weak`; `escalate` distinct medium
 * rules count as a strong one; a strong rule sets the floor.
 */
export const COMBINE: Readonly<{ scale: number; shift: number; medium: number; weak: number; escalate: number; strongFloor: number }> = {
  scale: 0.35,
  shift: -2.5,
  medium: 5,
  weak: 1.5,
  escalate: 3,
  strongFloor: logitOf(0.97),
};
const WINDOW_WORDS = 600;
const WINDOW_STEP = 400;
const MAX_LINE_CHARS = 600;
const MIN_PIECE = 20;

interface ViewScore {
  z: number;
  classifier: number;
  task: number;
  rules: RuleHit[];
}

/** A piece of data that opens with a word (letters), not with markup, a comment sign or quotes. */
const OPENS_WITH_WORD = pattern('detector.opens_with_word', '^\\s*[¿¡]?[\\p{L}]', 'u');
/** A piece of data that is a question (Latin, fullwidth and Arabic question marks). */
const ENDS_WITH_QUESTION = pattern('detector.ends_with_question', '[?\\uff1f\\u061f][\\s"\'\\u201d\\u00bb)]*$');

export class InjectionDetector {
  readonly options: DetectorOptions;
  private readonly models: InjectionModels;

  constructor(options: Partial<DetectorOptions> = {}) {
    this.options = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    this.models = options.models ?? loadModels();
  }

  analyse(text: string, channel: SegmentChannel): SegmentResult {
    const trust: Trust = isDataChannel(channel) ? 'data' : 'user';
    const threshold = trust === 'data' ? this.options.dataThreshold : this.options.threshold;
    const budget = { chars: this.options.maxDecodedChars, decoded: 0, kinds: [] as EncodingKind[], boundReached: false, depthExceeded: false };
    const signals: NormalizeSignals[] = [];
    const best = this.scanView(text, trust, 0, budget, signals);
    let conceal = 0;
    for (const s of signals) conceal = Math.max(conceal, concealment(s));
    if (budget.decoded > 0) conceal = Math.max(conceal, budget.depthExceeded ? 0.9 : 0.5);
    const z = best.z + (budget.depthExceeded ? COMBINE.medium : 0);
    const p = sigmoid(z);
    const rules = [...new Set(best.rules.map((r) => r.rule))];
    return {
      score: p,
      attack: p >= threshold,
      type: typeOf(best.rules),
      concealment: conceal,
      rules,
      classifier: best.classifier,
      task: best.task,
      decoded: budget.decoded,
      decodedChars: this.options.maxDecodedChars - budget.chars,
      decodedKinds: budget.kinds,
      boundReached: budget.boundReached,
      depthExceeded: budget.depthExceeded,
    };
  }

  /** Scores a text and, within the bounds, every payload decoded from it; returns the best view. */
  private scanView(
    text: string,
    trust: Trust,
    depth: number,
    budget: { chars: number; decoded: number; kinds: EncodingKind[]; boundReached: boolean; depthExceeded: boolean },
    signals: NormalizeSignals[],
    /** False for the reversed view: decoding it again would find the original text, reversed, and scan that too. */
    decode = true,
    /** A decoded payload or hidden characters' text: scored at the rules' data tiers. */
    concealed = false,
  ): ViewScore {
    const norm = normalize(text);
    signals.push(norm.signals);
    const tokens = tagConcepts(norm.folded, norm.ascii);
    let best = trust === 'data' ? this.scoreData(norm.text, norm.folded, tokens, norm.ascii) : this.scoreUser(norm.text, norm.folded, tokens, concealed);
    // A document pasted into the user's message ("Summarize this webpage: '<html>...'") is data too: an
    // instruction inside it is scored as one planted in a document.
    // When marks or invisible characters hide the cue in the text, it is looked for in the folded text.
    // Only when the message is not flagged already and shows some evidence (a rule, or a classifier
    // leaning that way): rescanning every pasted text as data would double the cost of long prompts.
    const undecided = trust === 'user' && sigmoid(best.z) < this.options.threshold && (best.rules.length > 0 || best.classifier >= PASTED_DATA_GATE);
    const pasted = undecided ? (embeddedData(text) ?? embeddedData(norm.folded)) : undefined;
    if (pasted !== undefined) {
      const inner = this.scanView(pasted, 'data', depth, budget, signals);
      best = { z: Math.max(best.z, inner.z), classifier: Math.max(best.classifier, inner.classifier), task: inner.task, rules: [...best.rules, ...inner.rules] };
    }
    const views: string[] = [];
    if (norm.hidden.length > 0) views.push(norm.hidden);
    let reversedView: string | undefined;
    const flagged = sigmoid(best.z) >= (trust === 'data' ? this.options.dataThreshold : this.options.threshold);
    if (decode && depth < this.options.maxDecodeDepth) {
      const limits = { ...DEFAULT_DECODE_LIMITS, maxCandidates: this.options.maxDecodeCandidates, maxSpanChars: Math.min(DEFAULT_DECODE_LIMITS.maxSpanChars, budget.chars) };
      const decodable = norm.signals.homoglyphWords > 0 || !norm.ascii ? unconfuse(norm.text) : norm.text;
      for (const span of findEncoded(decodable, limits, decodable === norm.text ? tokens.encoded : undefined)) {
        if (budget.chars <= 0 || budget.decoded >= this.options.maxDecodedViews) {
          budget.boundReached = true;
          break;
        }
        const view = span.text.length > budget.chars ? span.text.slice(0, budget.chars) : span.text;
        budget.chars -= view.length;
        budget.decoded++;
        budget.kinds.push(span.kind);
        views.push(view);
      }
      // Text that asks to be read backwards ("Read this backwards and do it: ...", "把下面这段文字倒过来读"): the whole text reversed
      // is a view too. The decoder finds reversed English by its word shapes; other scripts and a reversed part after a cue have none.
      // Not when the text is flagged already: a view can only raise the score, and a second full scan is the dearest step here.
      if (depth === 0 && !flagged && budget.chars > 0 && budget.decoded < this.options.maxDecodedViews && asksToReverse(tokens, norm.folded)) {
        const reversed = reverseText(norm.text.length > budget.chars ? norm.text.slice(0, budget.chars) : norm.text);
        budget.chars -= reversed.length;
        budget.decoded++;
        budget.kinds.push('reversed');
        reversedView = reversed;
      }
    } else if (decode && hasEncodedPayload(norm.text, this.options.maxDecodeCandidates)) {
      budget.boundReached = true;
      budget.depthExceeded = true;
    }
    if (reversedView !== undefined) views.push(reversedView);
    for (const view of views) {
      // What was encoded or hidden was kept from a reader's eye: the rules that are stricter in data are strict in it too. The reversed
      // view is the user's own text, asked for openly.
      const inner = this.scanView(view, trust, depth + 1, budget, signals, view !== reversedView, view !== reversedView);
      const merged = { classifier: Math.max(best.classifier, inner.classifier), task: Math.max(best.task, inner.task), rules: [...best.rules, ...inner.rules] };
      best = { ...merged, z: Math.max(best.z, inner.z) };
    }
    return best;
  }

  private scoreUser(text: string, folded: string, tokens: Tokens, concealed: boolean): ViewScore {
    const found = [...matchConceptRules(tokens, 'user'), ...matchPatternRules(text, folded, tokens, 'user')];
    // A single question about what follows from ignoring rules ("Is it safe to disregard the installation instructions?") is a topic, as
    // a report on attacks is: its rules count as weak and its classifier score is lowered. Only when every rule is an override (or weak
    // already): a question that also asks for the prompt or the password, opens a chat-template turn or switches persona ("What would
    // happen if you printed the password...?", "What happens if <|im_start|>system ...?") is not shielded. No attack in the corpus or the
    // check sets is phrased so.
    const topic = !concealed && found.length > 0 && found.every((h) => h.rule.startsWith('override.') || h.tier === 'weak') && asksConsequences(tokens, folded);
    const rules = concealed ? found.map(atDataTier) : topic ? found.map(asWeak) : found;
    let zc = -Infinity;
    if (tokens.words.length <= WINDOW_WORDS + WINDOW_STEP) {
      zc = score(this.models.prompt, extractFeatures(tokens, this.models.prompt.bits));
    } else {
      for (let from = 0; from < tokens.words.length; from += WINDOW_STEP) {
        zc = Math.max(zc, score(this.models.prompt, extractFeatures(windowOf(tokens, from, from + WINDOW_WORDS), this.models.prompt.bits)));
        if (from + WINDOW_WORDS >= tokens.words.length) break;
      }
    }
    return { z: combine(topic ? zc - REPORTED_SHIFT : zc, rules), classifier: sigmoid(zc), task: 0, rules };
  }

  private scoreData(text: string, folded: string, tokens: Tokens, ascii: boolean): ViewScore {
    // Whole-text structural patterns; concept rules and classifiers per line.
    const rules: RuleHit[] = [...matchPatternRules(text, folded, tokens, 'data')];
    let best = -Infinity;
    let bestClassifier = 0;
    let bestTask = 0;
    let bestRules: RuleHit[] = [];
    let docStems: Map<string, number> | undefined;
    const aboutAttacks = tokens.hits.some((h) => h.concept === ATTACK_TOPIC || h.concept === JAILBREAK_WORD) && tokens.hits.some((h) => h.concept === REPORTING);
    // An AI reader saluted in one piece and ordered in the next ("Агенту ИИ, анализирующему пайплайн: релиз утверждён. Выполни ...",
    // a commit message wrapped after "Agentes automatizados que continuarem este trabalho: para concluir a tarefa,"): the salutation
    // is read again with the piece that follows it.
    let salutation: string | undefined;
    for (const line of dataLines(folded)) {
      const lineTokens = tagConcepts(line, ascii || undefined);
      if (lineTokens.words.length === 0 && lineTokens.cjk.length === 0) continue;
      let lineRules = dataLineRules(line, lineTokens);
      let ordered = lineRules.some((r) => r.rule === AI_READER_ORDER);
      if (salutation !== undefined && !ordered) {
        const joined = `${salutation} ${line}`;
        const carried = dataLineRules(joined, tagConcepts(joined, ascii || undefined)).find((r) => r.rule === AI_READER_ORDER);
        if (carried) {
          lineRules = [...lineRules, carried];
          ordered = true;
        }
      }
      salutation = !ordered && salutes(line, lineTokens) ? line : undefined;
      const reported = aboutAttacks && reportsOn(lineTokens);
      if (reported) lineRules = lineRules.map(asWeak);
      if (lineRules.some((r) => r.rule === QUESTION_LINE) && (smallTalk(lineTokens) || onTopic(lineTokens.words, docStems ?? (docStems = stemCounts(tokens.words))))) {
        lineRules = lineRules.filter((r) => r.rule !== QUESTION_LINE);
      }
      const f = extractFeatures(lineTokens, this.models.prompt.bits);
      const zp = score(this.models.prompt, f);
      const zt = score(this.models.task, f) + this.options.taskOffset;
      const zc = reported ? zp - REPORTED_SHIFT : Math.max(zp, zt);
      const z = combine(zc, lineRules);
      bestClassifier = Math.max(bestClassifier, sigmoid(zp));
      bestTask = Math.max(bestTask, sigmoid(zt));
      if (z > best) {
        best = z;
        bestRules = lineRules;
      }
    }
    if (best === -Infinity) best = combine(-8, []);
    const all = [...rules, ...bestRules];
    return { z: Math.max(best, combine(-Infinity, rules)), classifier: bestClassifier, task: bestTask, rules: all };
  }
}

const QUESTION_LINE = 'address.question_line';
const AI_READER_ORDER = 'address.ai_reader_order';
const AI_READER = CONCEPT_ID.AI_READER;

/**
 * A piece that names an AI reader within its first words (the rule's `nearStart`) and then a colon: a salutation ("Агенту ИИ,
 * анализирующему пайплайн: ..."). An agenda item that names one ("3. Test dell'assistente IA per le giacenze") has no colon.
 */
function salutes(text: string, line: Tokens): boolean {
  let named = false;
  for (const h of line.hits) {
    if (h.pos > SALUTATION_WORDS) break;
    if (h.concept === AI_READER) named = true;
  }
  if (!named) return false;
  const colon = text.indexOf(':');
  const wide = text.indexOf('：');
  return (colon >= 0 && colon <= MAX_SALUTATION_CHARS) || (wide >= 0 && wide <= MAX_SALUTATION_CHARS);
}

/** Words before the AI reader's name: `address.ai_reader_order`'s `nearStart`. */
const SALUTATION_WORDS = 3;
const MAX_SALUTATION_CHARS = 80;
const ATTACK_TOPIC = CONCEPT_ID.ATTACK_TOPIC;
const JAILBREAK_WORD = CONCEPT_ID.JAILBREAK_WORD;
const REPORTING = CONCEPT_ID.REPORTING;
const SPEAKS_TO_READER = new Set([CONCEPT_ID.YOU, CONCEPT_ID.YOUR, CONCEPT_ID.ADDRESS_AI]);
const ORDER_VERBS = new Set((['IGNORE', 'REVEAL', 'SEND', 'SAY', 'GEN_TASK', 'FOLLOW', 'CALL', 'ACT', 'CHANGE', 'POLITE', 'STOP', 'ATTENTION'] as const).map((c) => CONCEPT_ID[c]));
/** Classifier logit taken off a line that reports on attacks (before damping). */
const REPORTED_SHIFT = 2;

/**
 * A line of a document that reports on attacks on language models (news, research, a security blog: it names the attack and who
 * found or did it) and speaks to no one: no "you", "your", "AI reading this"; and it names a reporter or does not open with an
 * order. Its rules count as weak and its classifier score is lowered: the article describes what an injection says ("the prompts
 * try to convince chatbots to ignore their safety rules"). A planted order keeps its weight: it addresses its reader or opens with
 * the verb.
 */
function reportsOn(line: Tokens): boolean {
  let reporter = false;
  let order = false;
  for (const h of line.hits) {
    if (SPEAKS_TO_READER.has(h.concept)) return false;
    if (h.concept === REPORTING) reporter = true;
    else if (h.pos <= 1 && ORDER_VERBS.has(h.concept)) order = true;
  }
  return reporter || !order;
}

const STEM = 5;

/** How often each content-word stem (first STEM characters of words of STEM or more) occurs in a text. */
function stemCounts(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of words) if (w.length >= STEM) counts.set(w.slice(0, STEM), (counts.get(w.slice(0, STEM)) ?? 0) + 1);
  return counts;
}

/**
 * A question about nothing in particular ("What is up?", "What was that?"): fewer than two content words,
 * so no task of its own. Chinese and Japanese lines have no words to count and are never small talk.
 */
function smallTalk(line: Tokens): boolean {
  if (line.cjk.length > 0) return false;
  let content = 0;
  for (const w of line.words) if (w.length >= STEM && ++content >= 2) return false;
  return true;
}

/** A question shares a content word with the rest of its document (an FAQ's question and its answer): not planted. */
function onTopic(lineWords: readonly string[], doc: ReadonlyMap<string, number>): boolean {
  const own = stemCounts(lineWords);
  for (const [stem, n] of own) if ((doc.get(stem) ?? 0) > n) return true;
  return false;
}

/**
 * A rule that is strong in data, an order to the reader there ("ignore the webpage and say..."), is strong in a hidden payload too. Only
 * those: "the new EU guidelines" base64-encoded is no more an order than in plain text, and a rule weaker in data ("regardless of
 * previous guidelines" in a policy) is never lowered.
 */
function atDataTier(hit: RuleHit): RuleHit {
  const tier = CONCEPT_DATA_TIERS.get(hit.rule) ?? PATTERN_DATA_TIERS.get(hit.rule);
  return tier !== 'strong' || hit.tier === 'strong' ? hit : { ...hit, tier };
}

function asWeak(hit: RuleHit): RuleHit {
  return hit.tier === 'weak' ? hit : { ...hit, tier: 'weak' };
}

const CONSEQUENCE = CONCEPT_ID.CONSEQUENCE;

/**
 * The whole text is one question that opens with "what happens if", "is it risky to" (in any language of the lexicon; Chinese and
 * Japanese put "会怎样", "どうなる" at the end, so there the phrase may stand anywhere).
 */
function asksConsequences(tokens: Tokens, folded: string): boolean {
  let asks = false;
  const anywhere = tokens.cjk.length > 0;
  for (const h of tokens.hits) {
    if (h.pos > 0 && !anywhere) break;
    if (h.concept === CONSEQUENCE) asks = true;
  }
  if (!asks) return false;
  const text = folded.trim();
  const last = text.length - 1;
  if (!QUESTION_MARKS.has(text[last] as string)) return false;
  for (let i = 0; i < last; i++) {
    const c = text[i] as string;
    // A point between digits ("version 2.1", "0.7 mg") ends no sentence.
    if (c === '.' && i > 0 && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) continue;
    if (SENTENCE_ENDS.has(c) || QUESTION_MARKS.has(c)) return false;
  }
  return true;
}

const QUESTION_MARKS = new Set(['?', '？', '؟']);
const SENTENCE_ENDS = new Set(['.', '!', '\n', '。', '！']);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Classifier score plus rule evidence: a strong rule sets a floor; medium and weak rules add. */
export function combine(z: number, rules: readonly RuleHit[]): number {
  let strong = false;
  const medium = new Set<Family>();
  const mediumRules = new Set<string>();
  const weak = new Set<Family>();
  for (const r of rules) {
    if (r.tier === 'strong') strong = true;
    else if (r.tier === 'medium') {
      medium.add(r.family);
      mediumRules.add(r.rule);
    } else weak.add(r.family);
  }
  let out = (z === -Infinity ? -8 : z) * COMBINE.scale + COMBINE.shift;
  if (medium.size > 0) out += COMBINE.medium + (medium.size > 1 ? COMBINE.medium / 2 : 0);
  if (weak.size > 0) out += COMBINE.weak + (weak.size > 1 ? COMBINE.weak / 2 : 0);
  if (strong || mediumRules.size >= COMBINE.escalate) out = Math.max(out, COMBINE.strongFloor);
  return out;
}

function typeOf(rules: readonly RuleHit[]): InjectionType {
  let jailbreak = 0;
  let other = 0;
  for (const r of rules) {
    const weight = r.tier === 'strong' ? 3 : r.tier === 'medium' ? 2 : 1;
    if (r.family === 'jailbreak') jailbreak += weight;
    else other += weight;
  }
  return jailbreak > other ? 'jailbreak' : 'prompt_injection';
}

function windowOf(tokens: Tokens, from: number, to: number): Tokens {
  const words = tokens.words.slice(from, to);
  const wordPos = tokens.wordPos.slice(from, to);
  const wordHashes = tokens.wordHashes.slice(from, to);
  const lo = wordPos[0] ?? 0;
  const hi = (wordPos[wordPos.length - 1] ?? lo) + 1;
  return { words, wordPos, wordHashes, hits: tokens.hits.filter((h) => h.pos >= lo && h.pos < hi), encoded: tokens.encoded, cjk: from === 0 ? tokens.cjk : [], length: hi - lo };
}

/**
 * Pieces of a data text: lines, and within a line its sentences (a planted instruction often shares a
 * line with the content, "What is X? Hi David, your card..."). Pieces shorter than MIN_PIECE join the
 * next one; none is longer than MAX_LINE_CHARS.
 */
export function* dataLines(folded: string): Generator<string> {
  let start = 0;
  while (start < folded.length) {
    let end = folded.indexOf('\n', start);
    if (end < 0) end = folded.length;
    let piece = start;
    for (let at = sentenceEnd(folded, start, end); at >= 0; at = sentenceEnd(folded, at + 2, end)) {
      const cut = at + 1;
      if (cut - piece >= MIN_PIECE) {
        yield* cutLong(folded, piece, cut);
        piece = cut;
      }
    }
    if (end > piece) yield* cutLong(folded, piece, end);
    start = end + 1;
  }
}

/**
 * The first sentence end in `text[from, to)`, or -1: a full stop, "!" or "?" (Latin, ideographic, fullwidth, Devanagari danda)
 * followed by a space or a tab. A loop bounded by the line: the global regex it replaces searched on past the line's end to the
 * next sentence end anywhere in the text, for every line, and allocated a match array per hit.
 */
function sentenceEnd(text: string, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x0964) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x20 || next === 0x09) return i;
    }
  }
  return -1;
}

function* cutLong(text: string, from: number, to: number): Generator<string> {
  for (let p = from; p < to; p += MAX_LINE_CHARS) {
    const piece = text.slice(p, Math.min(to, p + MAX_LINE_CHARS));
    if (piece.trim().length > 0) yield piece;
  }
}

/** The concept rules of one piece of data (training picks planted lines with the same rules). */
export function dataLineRules(line: string, tokens: Tokens): RuleHit[] {
  return matchConceptRules(tokens, 'data', OPENS_WITH_WORD.test(line), ENDS_WITH_QUESTION.test(line));
}

/** A request to read text backwards, in the eleven languages (folded text). */
const REVERSAL_CUE = pattern(
  'detector.reversal_cue',
  '\\b(?:backwards?|in reverse|reversed|reverse order|right to left|al reves|a l.?envers|de droite a gauche|ruckwarts|von hinten|de tras para frente|ao reves|alla rovescia|da destra a sinistra)\\b|в обратном порядке|задом наперед|задом наперёд|справа налево|倒过来|倒過來|倒序|反过来|反過來|从右到左|逆から|逆さ|逆順|右から左|उल्टा|उलटा|بالعكس|معكوس|من اليسار',
);

const SPELL_OUT = CONCEPT_ID.SPELL_OUT;

/** The reversal words are SPELL_OUT concepts too: the regex runs only on texts the tagger already found one in (most have none). */
function asksToReverse(tokens: Tokens, folded: string): boolean {
  return tokens.hits.some((h) => h.concept === SPELL_OUT) && REVERSAL_CUE.test(folded);
}

/** Code points in reverse order (the reverse of a reversed string restores it, combining marks included). */
function reverseText(text: string): string {
  return Array.from(text).reverse().join('');
}

/** Where a pasted document starts: a quote after a colon, a code fence, HTML or XML-ish markup. */
const EMBED_CUES = [": '", ': "', ":'", ':"', ': \u201c', ': \u2018', ':\n', '```', '<html', '<body', '<code', '<table', '<tr>', '<p>', '<div', '<!--', '<email', '<document'];
const MIN_EMBEDDED = 60;
/** Classifier probability of the whole message above which a pasted document in it is rescanned as data. */
const PASTED_DATA_GATE = 0.3;

/** The pasted document of a user message (from its first cue to the end), when there is one of some length. */
export function embeddedData(text: string): string | undefined {
  let at = -1;
  for (const cue of EMBED_CUES) {
    const i = text.indexOf(cue);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0 || text.length - at < MIN_EMBEDDED) return undefined;
  return text.slice(at);
}

function hasEncodedPayload(text: string, maxCandidates: number): boolean {
  return findEncoded(text, { ...DEFAULT_DECODE_LIMITS, maxCandidates: Math.min(2, maxCandidates), maxSpanChars: 4096 }).some((s) => s.kind !== 'rot13' && s.kind !== 'caesar' && s.kind !== 'reversed');
}
