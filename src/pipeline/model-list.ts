/**
 * The gateway answers model listing itself, from its catalogue filtered by what the tenant may use:
 * the provider's own list would show models the tenant cannot call (and need the provider's key).
 * Each API gets its own list shape, so `client.models.list()` works in every SDK.
 */
import type { ApiFamily, RuntimeConfig, RuntimeModel, RuntimeTenant } from '../config/runtime';

/** A fixed creation time: the catalogue has no history, and a stable value keeps responses cacheable. */
const CREATED_EPOCH_SECONDS = 1_700_000_000;

export function visibleModels(config: RuntimeConfig, tenant: RuntimeTenant): RuntimeModel[] {
  return [...config.models.values()].filter((model) => tenant.mayUseModel(model.name)).sort((a, b) => a.name.localeCompare(b.name));
}

export function modelListBody(family: ApiFamily, models: readonly RuntimeModel[]): object {
  switch (family) {
    case 'openai':
      return { object: 'list', data: models.map(openAiModel) };
    case 'anthropic':
      return {
        data: models.map(anthropicModel),
        has_more: false,
        first_id: models[0]?.name ?? null,
        last_id: models[models.length - 1]?.name ?? null,
      };
    case 'gemini':
      return { models: models.map(geminiModel) };
  }
}

export function modelBody(family: ApiFamily, model: RuntimeModel): object {
  switch (family) {
    case 'openai':
      return openAiModel(model);
    case 'anthropic':
      return anthropicModel(model);
    case 'gemini':
      return geminiModel(model);
  }
}

function openAiModel(model: RuntimeModel): object {
  return { id: model.name, object: 'model', created: CREATED_EPOCH_SECONDS, owned_by: model.provider.name };
}

function anthropicModel(model: RuntimeModel): object {
  return { type: 'model', id: model.name, display_name: model.name, created_at: new Date(CREATED_EPOCH_SECONDS * 1000).toISOString() };
}

function geminiModel(model: RuntimeModel): object {
  return {
    name: `models/${model.name}`,
    baseModelId: model.name,
    version: '001',
    displayName: model.name,
    ...(model.contextWindow ? { inputTokenLimit: model.contextWindow } : {}),
    ...(model.maxOutputTokens ? { outputTokenLimit: model.maxOutputTokens } : {}),
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
