/** POST /v1/chat/completions (openai `ChatCompletionCreateParams`). */
import { z } from 'zod';
import { byType, modelName, positiveInt, temperatureUpTo } from './common';

const textOnly = { text: z.looseObject({ text: z.string() }) };

const userParts = byType({
  ...textOnly,
  image_url: z.looseObject({ image_url: z.looseObject({ url: z.string().min(1) }) }),
  input_audio: z.looseObject({ input_audio: z.looseObject({ data: z.string() }) }),
  file: z.looseObject({ file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }) }),
  refusal: z.looseObject({ refusal: z.string() }),
});

const toolCall = byType({
  function: z.looseObject({ function: z.looseObject({ name: z.string(), arguments: z.string() }) }),
  custom: z.looseObject({ custom: z.looseObject({ name: z.string(), input: z.string() }) }),
});

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

const message = z
  .looseObject({
    role: z.enum(CHAT_ROLES),
    content: z.union([z.string(), z.array(userParts)]).nullish(),
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
    refusal: z.string().nullish(),
  })
  .superRefine((m, ctx) => {
    // Only assistant turns may omit content (they may carry tool calls instead).
    if (m.role !== 'assistant' && (m.content === undefined || m.content === null) && m.role !== 'function') {
      ctx.addIssue({ code: 'custom', message: `a ${m.role} message needs content`, path: ['content'] });
    }
  });

const tool = byType({
  function: z.looseObject({ function: z.looseObject({ name: z.string().min(1) }) }),
  custom: z.looseObject({ custom: z.looseObject({ name: z.string().min(1) }) }),
});

export const chatCompletionsSchema = z.looseObject({
  model: modelName,
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  n: positiveInt.nullish(),
  temperature: temperatureUpTo(2),
  tools: z.array(tool).nullish(),
  functions: z.array(z.looseObject({ name: z.string().min(1) })).nullish(),
  response_format: byType({ json_schema: z.looseObject({ json_schema: z.looseObject({ name: z.string().optional() }) }) }).nullish(),
  prediction: z.looseObject({ content: z.union([z.string(), z.array(byType(textOnly))]) }).nullish(),
});
