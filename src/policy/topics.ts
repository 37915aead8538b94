/**
 * Topic classification for policy input: weighted term lists per topic, matched on normalised words, so
 * any language whose words are separated by spaces works (the defaults cover English, German, French and
 * Spanish). Pluggable: anything implementing TopicClassifier can feed input.topics.
 *
 * Normalisation folds case and accents (NFKD without combining marks), so `Médicament` matches
 * `medicament*`. A term is one or more words; a trailing `*` makes its last word a prefix (at least three
 * characters). Each term counts once per request, plus a quarter of its weight for up to two repeats; a
 * topic's score is 1 - exp(-sum / scale), so one term of weight 1 scores 0.63 and the score saturates
 * towards 1 as evidence adds up.
 */
import { z } from 'zod';
import type { PolicyTopic } from './types';

export interface TopicClassifier {
  /** Scores for the topics present in these texts (the request's segments), highest first. */
  classify(texts: readonly string[]): PolicyTopic[];
}

export const topicDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case identifier'),
  /** Term (words, optional trailing `*`) to weight. */
  terms: z.record(z.string().min(1), z.number().positive().max(10)),
  /** Weight sum at which the score reaches 0.63. */
  scale: z.number().positive().default(1),
});
export type TopicDefinition = z.input<typeof topicDefinitionSchema>;

export const topicClassifierParamsSchema = z.strictObject({
  /** Start from DEFAULT_TOPICS (medical, legal and financial advice, weapons, self-harm). */
  defaults: z.boolean().default(true),
  /** More topics, or more terms for a default topic (same id: terms merged, later weights win). */
  topics: z.array(topicDefinitionSchema).default([]),
  /** The tenant's competitors' names and products: the `competitor` topic. */
  competitors: z.array(z.string().min(1)).default([]),
  /** Topics scoring below this are left out of the input. */
  minScore: z.number().min(0).max(1).default(0.05),
  /** Only the first characters of a request are read (cost bound). */
  maxChars: z.number().int().positive().default(200_000),
});
export type TopicClassifierParams = z.input<typeof topicClassifierParamsSchema>;

export const COMPETITOR_TOPIC = 'competitor';
const COMPETITOR_WEIGHT = 1.5;

/** Sample lexicons a platform team starts from; tune them per deployment. */
export const DEFAULT_TOPICS: readonly TopicDefinition[] = [
  {
    id: 'medical_advice',
    terms: {
      'diagnos*': 0.6, 'symptom*': 0.5, dosage: 0.8, 'dose of': 0.6, prescription: 0.5, medication: 0.5, 'side effects': 0.6, 'treatment for': 0.6,
      'mg of': 0.6, 'should i take': 0.5, 'is it safe to take': 0.8,
      dosierung: 0.8, nebenwirkungen: 0.6, 'medikament*': 0.5, behandlung: 0.4, arzt: 0.3,
      posologie: 0.8, 'effets secondaires': 0.6, 'medicament*': 0.5, ordonnance: 0.5,
      dosis: 0.7, 'efectos secundarios': 0.6, 'receta medica': 0.6, 'sintoma*': 0.5,
    },
  },
  {
    id: 'legal_advice',
    terms: {
      lawsuit: 0.8, 'legal advice': 1.2, lawyer: 0.5, attorney: 0.5, liable: 0.6, liability: 0.5, 'breach of contract': 1, custody: 0.5, 'can i sue': 1.2, court: 0.3,
      rechtsberatung: 1.2, 'anwalt*': 0.5, klage: 0.6, verklagen: 0.8,
      'conseil juridique': 1.2, avocat: 0.5, 'poursuivre en justice': 1, tribunal: 0.4,
      'asesoria legal': 1.2, abogado: 0.5, demandar: 0.7, demanda: 0.4,
    },
  },
  {
    id: 'financial_advice',
    terms: {
      'financial advice': 1.2, 'tax advice': 1, 'should i buy': 0.8, 'should i sell': 0.8, portfolio: 0.5, 'invest*': 0.4, 'stock*': 0.3, 'crypto*': 0.4,
      etf: 0.5, 'retirement savings': 0.6, mortgage: 0.4,
      finanzberatung: 1.2, geldanlage: 0.8, 'aktie*': 0.5, 'sollte ich kaufen': 0.8,
      'conseil financier': 1.2, bourse: 0.4, placement: 0.3,
      'asesoramiento financiero': 1.2, invertir: 0.5, 'inversion*': 0.5, acciones: 0.3,
    },
  },
  {
    id: 'weapons',
    terms: {
      gun: 0.5, guns: 0.5, 'firearm*': 0.7, 'rifle*': 0.6, 'pistol*': 0.6, ammunition: 0.6, 'explosiv*': 0.8, bomb: 0.7, 'pipe bomb': 2, 'build a bomb': 2.5,
      'make a bomb': 2.5, 'ghost gun': 1.5, silencer: 0.6, detonator: 1, 'nerve agent': 2, 'bioweapon*': 2,
      'waffe*': 0.6, sprengstoff: 1, bombe: 0.7, munition: 0.6, gewehr: 0.6,
      'arme a feu': 1, fusil: 0.6, munitions: 0.6,
      'arma de fuego': 1, armas: 0.5, bomba: 0.7, municion: 0.6,
    },
  },
  {
    id: 'self_harm',
    terms: {
      suicide: 1.2, 'kill myself': 2.5, 'end my life': 2.5, 'self harm': 1.5, 'hurt myself': 1.5, 'cutting myself': 2, overdose: 0.8, 'want to die': 2.5,
      selbstmord: 1.2, 'suizid*': 1.2, 'mich umbringen': 2.5, selbstverletzung: 1.5,
      'me suicider': 2.5, 'me tuer': 1.5, automutilation: 1.5,
      suicidio: 1.2, suicidarme: 2.5, matarme: 2, autolesion: 1.5, 'quiero morir': 2.5,
    },
  },
];

/** Lower case, accents and compatibility forms folded, anything but letters and digits a space. */
export function normaliseText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ');
}

interface Term {
  readonly topic: number;
  readonly weight: number;
  /** Words after the first (the first is the index key). */
  readonly rest: readonly string[];
  /** The last word is a prefix. */
  readonly prefix: boolean;
}

const PREFIX_KEY = 3;

export class LexiconTopicClassifier implements TopicClassifier {
  private readonly ids: string[] = [];
  private readonly scales: number[] = [];
  /** Terms by exact first word. */
  private readonly exact = new Map<string, Term[]>();
  /** Single-word prefix terms (and multi-word terms whose first word is a prefix) by the prefix's first three characters. */
  private readonly prefixes = new Map<string, { readonly stem: string; readonly term: Term }[]>();
  private readonly minScore: number;
  private readonly maxChars: number;

  constructor(params: TopicClassifierParams = {}) {
    const p = topicClassifierParamsSchema.parse(params);
    this.minScore = p.minScore;
    this.maxChars = p.maxChars;
    const merged = new Map<string, { terms: Record<string, number>; scale: number }>();
    const definitions = [...(p.defaults ? DEFAULT_TOPICS.map((t) => topicDefinitionSchema.parse(t)) : []), ...p.topics];
    if (p.competitors.length > 0) definitions.push({ id: COMPETITOR_TOPIC, terms: Object.fromEntries(p.competitors.map((c) => [c, COMPETITOR_WEIGHT])), scale: 1 });
    for (const definition of definitions) {
      const existing = merged.get(definition.id);
      if (existing) Object.assign(existing.terms, definition.terms);
      else merged.set(definition.id, { terms: { ...definition.terms }, scale: definition.scale });
    }
    for (const [id, { terms, scale }] of merged) {
      const topic = this.ids.length;
      this.ids.push(id);
      this.scales.push(scale);
      for (const [raw, weight] of Object.entries(terms)) this.addTerm(topic, raw, weight);
    }
  }

  private addTerm(topic: number, raw: string, weight: number): void {
    const prefix = raw.trimEnd().endsWith('*');
    const words = normaliseText(raw.replace(/\*\s*$/, '')).split(' ').filter(Boolean);
    if (words.length === 0) return;
    if (prefix && words[words.length - 1]!.length < PREFIX_KEY) throw new Error(`topic term ${JSON.stringify(raw)}: a prefix needs at least ${PREFIX_KEY} characters`);
    const term: Term = { topic, weight, rest: words.slice(1), prefix };
    const first = words[0]!;
    if (prefix && words.length === 1) {
      const key = first.slice(0, PREFIX_KEY);
      const list = this.prefixes.get(key) ?? [];
      list.push({ stem: first, term });
      this.prefixes.set(key, list);
    } else {
      const list = this.exact.get(first) ?? [];
      list.push(term);
      this.exact.set(first, list);
    }
  }

  /** Topic ids this classifier knows. */
  topics(): readonly string[] {
    return this.ids;
  }

  classify(texts: readonly string[]): PolicyTopic[] {
    const counts = new Map<Term, number>();
    let budget = this.maxChars;
    for (const text of texts) {
      if (budget <= 0) break;
      const slice = text.length > budget ? text.slice(0, budget) : text;
      budget -= slice.length;
      const words = normaliseText(slice).split(' ');
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!;
        if (word === '') continue;
        const candidates = this.exact.get(word);
        if (candidates) {
          for (const term of candidates) if (this.restMatches(term, words, i + 1)) counts.set(term, (counts.get(term) ?? 0) + 1);
        }
        if (word.length >= PREFIX_KEY) {
          const prefixed = this.prefixes.get(word.slice(0, PREFIX_KEY));
          if (prefixed) for (const { stem, term } of prefixed) if (word.startsWith(stem)) counts.set(term, (counts.get(term) ?? 0) + 1);
        }
      }
    }
    const sums = new Array<number>(this.ids.length).fill(0);
    for (const [term, count] of counts) sums[term.topic]! += term.weight * (1 + 0.25 * Math.min(count - 1, 2));
    const result: PolicyTopic[] = [];
    sums.forEach((sum, topic) => {
      if (sum === 0) return;
      const score = Math.round((1 - Math.exp(-sum / this.scales[topic]!)) * 1000) / 1000;
      if (score >= this.minScore) result.push({ id: this.ids[topic]!, score });
    });
    return result.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }

  private restMatches(term: Term, words: readonly string[], from: number): boolean {
    const rest = term.rest;
    for (let k = 0; k < rest.length; k++) {
      const word = words[from + k];
      if (word === undefined) return false;
      const last = k === rest.length - 1;
      if (last && term.prefix ? !word.startsWith(rest[k]!) : word !== rest[k]) return false;
    }
    return true;
  }
}
