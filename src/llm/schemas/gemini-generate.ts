/**
 * POST /v1beta/models/{model}:generateContent and :streamGenerateContent (GenerateContentRequest).
 *
 * Google's JSON mapping of protobuf accepts both lowerCamelCase and the proto's snake_case field
 * names (`systemInstruction` and `system_instruction`, and Google's own curl examples use the
 * latter), so every field is accepted under both spellings, and a body naming one field both ways
 * is rejected: otherwise we might inspect one spelling while the provider reads the other.
 */
import { z } from 'zod';
import { acceptsUndefined, modelName, positiveInt } from './common';

export function snakeCase(camel: string): string {
  let out = '';
  for (const ch of camel) out += ch >= 'A' && ch <= 'Z' ? `_${ch.toLowerCase()}` : ch;
  return out;
}

/** An object whose fields may use either spelling; a field is required when its schema rejects undefined. */
export function protoObject(shape: Readonly<Record<string, z.ZodType>>): z.ZodType {
  const loose: Record<string, z.ZodType> = {};
  const required: Array<[string, string]> = [];
  for (const [camel, schema] of Object.entries(shape)) {
    const snake = snakeCase(camel);
    if (snake === camel) {
      loose[camel] = schema;
      continue;
    }
    loose[camel] = schema.optional();
    loose[snake] = schema.optional();
    if (!acceptsUndefined(schema)) required.push([camel, snake]);
  }
  const pairs = Object.keys(shape)
    .map((camel): [string, string] => [camel, snakeCase(camel)])
    .filter(([camel, snake]) => camel !== snake);
  return z.looseObject(loose).superRefine((value, ctx) => {
    const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(value, key) && (value as Record<string, unknown>)[key] !== undefined;
    for (const [camel, snake] of pairs) {
      if (has(camel) && has(snake)) ctx.addIssue({ code: 'custom', message: `set either ${camel} or ${snake}, not both`, path: [snake] });
    }
    for (const [camel, snake] of required) {
      if (!has(camel) && !has(snake)) ctx.addIssue({ code: 'custom', message: `required field ${camel} is missing`, path: [camel] });
    }
  });
}

/** Part.data is a protobuf oneof: a part carrying two kinds of data is invalid, and we would inspect only one. */
const PART_DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'].flatMap((camel) => [...new Set([camel, snakeCase(camel)])]);

const part = protoObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  inlineData: protoObject({ mimeType: z.string().optional(), data: z.string() }).optional(),
  fileData: protoObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: protoObject({ name: z.string(), args: z.looseObject({}).optional() }).optional(),
  functionResponse: protoObject({ name: z.string(), response: z.looseObject({}).optional() }).optional(),
}).superRefine((value, ctx) => {
  const present = PART_DATA_FIELDS.filter((key) => Object.prototype.hasOwnProperty.call(value, key) && (value as Record<string, unknown>)[key] !== undefined);
  if (present.length > 1) ctx.addIssue({ code: 'custom', message: `a part holds one kind of data; this one has ${present.join(' and ')}`, path: [] });
});

export const GEMINI_ROLES = ['user', 'model', 'function'] as const;

const content = z.looseObject({ role: z.enum(GEMINI_ROLES).optional(), parts: z.array(part) });

const tool = protoObject({
  functionDeclarations: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
});

export const generateContentSchema = protoObject({
  // The model is in the path; a body may still carry one (as `models/...`), which must then be a string.
  model: modelName.optional(),
  contents: z.array(content).min(1),
  systemInstruction: z.looseObject({ parts: z.array(part) }).optional(),
  tools: z.array(tool).optional(),
  generationConfig: protoObject({
    maxOutputTokens: positiveInt.optional(),
    candidateCount: positiveInt.optional(),
    temperature: z.number().min(0).max(2).optional(),
    responseMimeType: z.string().optional(),
  }).optional(),
});
