/**
 * Which catalog model a request names: an explicit model, an alias (the tenant's own over the top-level
 * ones), or the `auto` selector, which picks the cheapest model the tenant may use that fits the request.
 *
 * `auto`, in order (docs/routing.md has the table the tests check):
 *   1. candidates: models of the kind the endpoint needs (chat, embedding) that the tenant may use and
 *      whose provider API the client's API can be served through;
 *   2. fit: prompt estimate + output cap within the context window, output cap within the model's
 *      maximum, tools / images / JSON mode only on models with that capability, estimated cost within
 *      the tenant's per-request ceiling;
 *   3. complexity: a complex request (long prompt, code block, or a reasoning keyword) goes to the
 *      cheapest fitting `advanced` model; when none fits, to the cheapest fitting one (said in the reason);
 *   4. rank: estimated cost for this request (prompt and output at the model's prices), then name.
 * The prompt estimate is a cheap character count (chars / 4, plus a flat 1000 tokens per image), not the
 * budget's tokenizer pass: selection must be cheap and happens before the serving model is known.
 */
import type { ApiFamily, RuntimeConfig, RuntimeModel, RuntimeTenant } from '../config/runtime';
import type { CanonicalRequest } from '../llm/canonical';
import type { AutoSelectConfig } from './config';
import { isTranslatable } from '../llm/translate';

/** The parts of a request that selection reads. */
export type SelectionFacts = Pick<CanonicalRequest, 'api' | 'family' | 'model' | 'maxOutputTokens' | 'tools' | 'responseFormat' | 'segments' | 'media'> & {
  readonly stream?: boolean;
};

export type SelectedBy = 'explicit' | 'alias' | 'auto';

export type Selection =
  | { readonly ok: true; readonly model: RuntimeModel; readonly selectedBy: SelectedBy; readonly reason: string }
  | { readonly ok: false; readonly code: 'model_not_found' | 'model_not_allowed' | 'no_model_fits'; readonly model: string; readonly reason: string };

/** Whether a model behind `providerApi` can serve a request made in `clientApi` (same API, or translation). */
export type ApiCompatibility = (clientApi: CanonicalRequest['api'], providerApi: ApiFamily) => boolean;

export const sameApiOnly: ApiCompatibility = (clientApi, providerApi) => clientApi.split('.')[0] === providerApi;

/** The same API, or any provider API when the client's API can be translated (src/llm/translate). */
export const sameApiOrTranslatable: ApiCompatibility = (clientApi, providerApi) => sameApiOnly(clientApi, providerApi) || isTranslatable(clientApi);

const IMAGE_TOKENS = 1000;

export interface RequestShape {
  readonly promptTokens: number;
  readonly outputCap: number | undefined;
  readonly needsTools: boolean;
  readonly needsVision: boolean;
  readonly needsJson: boolean;
  readonly complex: boolean;
  /** Why the request counts as complex (for the reason), when it does. */
  readonly complexBecause?: string;
}

export function describeRequest(request: SelectionFacts, auto: AutoSelectConfig): RequestShape {
  let chars = 0;
  let userText = '';
  for (const segment of request.segments) {
    chars += segment.text.length;
    if (segment.channel === 'user') userText += `\n${segment.text}`;
  }
  const images = request.media.filter((media) => media.modality === 'image').length;
  const promptTokens = Math.ceil(chars / 4) + images * IMAGE_TOKENS;
  const lowered = userText.toLowerCase();
  const keyword = auto.complexKeywords.find((word) => lowered.includes(word.toLowerCase()));
  const complexBecause =
    promptTokens >= auto.complexPromptTokens
      ? `prompt ~${promptTokens} tokens`
      : userText.includes('```')
        ? 'code block'
        : keyword !== undefined
          ? `keyword "${keyword}"`
          : undefined;
  return {
    promptTokens,
    outputCap: request.maxOutputTokens,
    needsTools: request.tools.length > 0,
    needsVision: images > 0,
    needsJson: request.responseFormat !== undefined && request.responseFormat.type !== 'text',
    complex: complexBecause !== undefined,
    ...(complexBecause === undefined ? {} : { complexBecause }),
  };
}

/** Estimated USD for this request on this model: prompt at the input price, output at the cap (or the assumed size). */
export function estimatedCostUsd(model: RuntimeModel, shape: RequestShape, auto: AutoSelectConfig): number {
  const output = model.kind === 'embedding' ? 0 : (shape.outputCap ?? Math.min(auto.assumedOutputTokens, model.maxOutputTokens ?? Infinity));
  return (shape.promptTokens * model.pricing.input + output * model.pricing.output) / 1_000_000;
}

/** Why the model cannot take the request, or undefined when it fits. */
export function misfit(model: RuntimeModel, shape: RequestShape, tenant: RuntimeTenant, auto: AutoSelectConfig): string | undefined {
  if (shape.needsTools && !model.capabilities.tools) return 'no tools';
  if (shape.needsVision && !model.capabilities.vision) return 'no vision';
  if (shape.needsJson && !model.capabilities.jsonMode) return 'no JSON mode';
  if (shape.outputCap !== undefined && model.maxOutputTokens !== undefined && shape.outputCap > model.maxOutputTokens) return 'output cap above its maximum';
  if (model.contextWindow !== undefined && shape.promptTokens + (shape.outputCap ?? 0) > model.contextWindow) return 'context window too small';
  const ceiling = tenant.maxCostPerRequestUsd;
  if (ceiling !== undefined && estimatedCostUsd(model, shape, auto) > ceiling) return 'over the cost ceiling';
  return undefined;
}

export function selectModel(request: SelectionFacts, tenant: RuntimeTenant, config: RuntimeConfig, compatible: ApiCompatibility): Selection {
  const auto = config.routing.auto;
  const name = request.model;
  if (name === auto.name) return selectAuto(request, tenant, config, compatible);
  const aliasTarget = tenant.aliases.get(name);
  const model = config.models.get(aliasTarget ?? name);
  if (!model) return { ok: false, code: 'model_not_found', model: name, reason: 'unknown model' };
  // A tenant that may not use the model may not reach it through an alias either.
  if (!tenant.mayUseModel(model.name)) return { ok: false, code: 'model_not_allowed', model: model.name, reason: 'denied by the tenant' };
  return aliasTarget === undefined
    ? { ok: true, model, selectedBy: 'explicit', reason: `explicit model ${model.name}` }
    : { ok: true, model, selectedBy: 'alias', reason: `alias ${name} -> ${model.name}` };
}

function selectAuto(request: SelectionFacts, tenant: RuntimeTenant, config: RuntimeConfig, compatible: ApiCompatibility): Selection {
  const auto = config.routing.auto;
  const shape = describeRequest(request, auto);
  const kind = request.api === 'openai.embeddings' ? 'embedding' : 'chat';
  const fitting: Array<{ model: RuntimeModel; cost: number }> = [];
  const rejected: string[] = [];
  for (const model of config.models.values()) {
    if (model.kind !== kind || !tenant.mayUseModel(model.name) || !compatible(request.api, model.provider.api)) continue;
    const why = misfit(model, shape, tenant, auto);
    if (why) rejected.push(`${model.name}: ${why}`);
    else fitting.push({ model, cost: estimatedCostUsd(model, shape, auto) });
  }
  fitting.sort((a, b) => a.cost - b.cost || (a.model.name < b.model.name ? -1 : a.model.name > b.model.name ? 1 : 0));
  if (fitting.length === 0) {
    return { ok: false, code: 'no_model_fits', model: auto.name, reason: rejected.length > 0 ? rejected.join('; ') : 'no model available to the tenant' };
  }
  const needs = [shape.needsTools && 'tools', shape.needsVision && 'vision', shape.needsJson && 'json'].filter(Boolean).join('+');
  const about = `~${shape.promptTokens} prompt tokens${needs ? `, needs ${needs}` : ''}`;
  if (shape.complex) {
    const advanced = fitting.find((entry) => entry.model.tier === 'advanced');
    if (advanced) {
      return { ok: true, model: advanced.model, selectedBy: 'auto', reason: `auto: complex (${shape.complexBecause}), cheapest advanced model that fits (${about}, ~$${advanced.cost.toFixed(6)})` };
    }
    const cheapest = fitting[0];
    return { ok: true, model: cheapest.model, selectedBy: 'auto', reason: `auto: complex (${shape.complexBecause}) but no advanced model fits; cheapest that fits (${about}, ~$${cheapest.cost.toFixed(6)})` };
  }
  const cheapest = fitting[0];
  return { ok: true, model: cheapest.model, selectedBy: 'auto', reason: `auto: cheapest model that fits (${about}, ~$${cheapest.cost.toFixed(6)})` };
}
