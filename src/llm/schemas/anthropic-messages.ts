/** POST /v1/messages (@anthropic-ai/sdk `MessageCreateParams`). */
import { z } from 'zod';
import { byType, modelName, positiveInt, temperatureUpTo } from './common';

const textBlock = z.looseObject({ text: z.string() });
const base64 = z.looseObject({ data: z.string() });
const url = z.looseObject({ url: z.string() });
const file = z.looseObject({ file_id: z.string() });
const image = z.looseObject({ source: byType({ base64, url, file }) });
const document = z.looseObject({
  source: byType({
    base64,
    url,
    file,
    text: base64,
    content: z.looseObject({ content: z.union([z.string(), z.array(byType({ text: textBlock, image }))]) }),
  }),
  title: z.string().nullish(),
  context: z.string().nullish(),
});
const searchResult = z.looseObject({ content: z.array(byType({ text: textBlock })), source: z.string(), title: z.string() });

const toolResultContent = byType({ text: textBlock, image, document, search_result: searchResult });

const block = byType({
  text: textBlock,
  image,
  document,
  search_result: searchResult,
  thinking: z.looseObject({ thinking: z.string(), signature: z.string() }),
  redacted_thinking: z.looseObject({ data: z.string() }),
  tool_use: z.looseObject({ id: z.string(), name: z.string(), input: z.looseObject({}) }),
  server_tool_use: z.looseObject({ id: z.string(), name: z.string(), input: z.looseObject({}) }),
  tool_result: z.looseObject({ tool_use_id: z.string(), content: z.union([z.string(), z.array(toolResultContent)]).optional() }),
});

export const ANTHROPIC_ROLES = ['user', 'assistant', 'system'] as const;

const message = z.looseObject({ role: z.enum(ANTHROPIC_ROLES), content: z.union([z.string(), z.array(block)]) });

export const messagesSchema = z.looseObject({
  model: modelName,
  max_tokens: positiveInt,
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(byType({ text: textBlock }))]).optional(),
  stream: z.boolean().optional(),
  // Anthropic's own range is 0..1.
  temperature: temperatureUpTo(1),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  output_config: z.looseObject({ format: byType({ json_schema: z.looseObject({ schema: z.looseObject({}) }) }).nullish() }).optional(),
});
