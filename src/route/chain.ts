/**
 * A model's fallback chain: the model, then its fallbacks in order, each followed by its own fallbacks
 * (depth first), every model once. The config check rejects unknown names and cycles; the `seen` set
 * keeps this finite even if a cycle slipped through.
 */
import type { RuntimeModel } from '../config/runtime';

export function fallbackChain(primary: RuntimeModel, models: ReadonlyMap<string, RuntimeModel>): RuntimeModel[] {
  const chain: RuntimeModel[] = [];
  const seen = new Set<string>();
  const visit = (model: RuntimeModel): void => {
    if (seen.has(model.name)) return;
    seen.add(model.name);
    chain.push(model);
    for (const name of model.fallbacks) {
      const next = models.get(name);
      if (next) visit(next);
    }
  };
  visit(primary);
  return chain;
}
