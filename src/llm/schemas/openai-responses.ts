/** POST /v1/responses (openai `ResponseCreateParams`). */
import { z } from 'zod';
import { byType, forwardIssues, modelName, positiveInt, temperatureUpTo } from './common';

const contentParts = z.array(
  byType({
    input_text: z.looseObject({ text: z.string() }),
    output_text: z.looseObject({ text: z.string() }),
    refusal: z.looseObject({ refusal: z.string() }),
    input_image: z.looseObject({ image_url: z.string().nullish(), file_id: z.string().nullish() }),
    input_file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().nullish(), file_url: z.string().optional() }),
  }),
);

const toolOutput = z.union([z.string(), contentParts]);

export const RESPONSES_MESSAGE_ROLES = ['user', 'assistant', 'system', 'developer'] as const;

const messageItem = z.looseObject({ role: z.enum(RESPONSES_MESSAGE_ROLES), content: z.union([z.string(), contentParts]) });

const itemSchemas = new Map<string, z.ZodType>([
  ['message', messageItem],
  ['function_call', z.looseObject({ name: z.string(), arguments: z.string(), call_id: z.string() })],
  ['function_call_output', z.looseObject({ call_id: z.string(), output: toolOutput })],
  ['custom_tool_call', z.looseObject({ name: z.string(), input: z.string(), call_id: z.string() })],
  ['custom_tool_call_output', z.looseObject({ call_id: z.string(), output: toolOutput })],
  ['reasoning', z.looseObject({ summary: z.array(z.looseObject({ text: z.string() })) })],
]);

/** An input item: a message when `type` is absent (EasyInputMessage), else by its `type`. */
const inputItem = z.looseObject({ type: z.string().optional() }).superRefine((item, ctx) => {
  const schema = itemSchemas.get(item.type ?? 'message');
  if (schema !== undefined) forwardIssues(schema.safeParse(item, { reportInput: true }), ctx);
});

const tool = byType({
  function: z.looseObject({ name: z.string().min(1) }),
  custom: z.looseObject({ name: z.string().min(1) }),
});

export const responsesSchema = z.looseObject({
  // The API lets a stored prompt supply the model; the gateway needs it to route and price.
  model: modelName,
  input: z.union([z.string(), z.array(inputItem)]).optional(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: positiveInt.nullish(),
  temperature: temperatureUpTo(2),
  tools: z.array(tool).nullish(),
  text: z.looseObject({ format: byType({}).optional() }).nullish(),
  prompt: z.looseObject({ id: z.string(), variables: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});
