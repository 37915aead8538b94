/** POST /v1/embeddings (openai `EmbeddingCreateParams`). */
import { z } from 'zod';
import { modelName, positiveInt } from './common';

const tokenArray = z.array(z.number().int().min(0)).min(1);

export const embeddingsSchema = z.looseObject({
  model: modelName,
  input: z.union([z.string(), z.array(z.string()).min(1), tokenArray, z.array(tokenArray).min(1)]),
  dimensions: positiveInt.optional(),
  encoding_format: z.string().optional(),
});
