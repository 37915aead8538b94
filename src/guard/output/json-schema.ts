/**
 * `output.json_schema`: when the request asked for structured output (`response_format` json_schema,
 * Responses `text.format`, Anthropic `output_format`, Gemini `responseSchema`), the model's text must be
 * JSON that follows that schema (json_object: any JSON object). Validated with ajv when the text ends.
 *
 * A buffered response that fails is replaced by an error (block) or flagged. A stream has already
 * delivered the text by the time it ends, so a block there ends the stream with an error event instead
 * of the normal end, which the SDKs raise: the client does not mistake it for a valid answer.
 *
 * The schema comes from the client, so it is treated as hostile: `pattern` and `patternProperties`
 * regexes are not executed (a client could otherwise make the gateway run a catastrophic regex), and
 * schemas ajv cannot compile make the guard report `schema_unusable` instead of validating.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { z } from 'zod';
import type { Finding, GuardVerdict, OutputGuardPlugin, StreamGuard } from '../registry';
import { OUTPUT_BLOCK } from './block';
import { PASS_THROUGH } from './window';

export const OUTPUT_JSON_SCHEMA_ID = 'output.json_schema';

export const jsonSchemaParamsSchema = z.strictObject({
  action: z.enum(['flag', 'block']).default('block'),
  /** Longest text validated; longer text is reported as `too_large` (and blocked when action is block). */
  maxChars: z.number().int().positive().max(16 * 1024 * 1024).default(1024 * 1024),
});
export type JsonSchemaParams = z.infer<typeof jsonSchemaParamsSchema>;

/** Stands in for every schema regex: matches anything (see the module comment). */
const ACCEPT_ANY = { test: (): boolean => true };

const acceptAnyPattern = Object.assign(() => ACCEPT_ANY, { code: 'acceptAnyPattern' });
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, code: { regExp: acceptAnyPattern } });
/** Compiled validators by schema text; requests of one application repeat the same schema. */
const compiled = new Map<string, ValidateFunction | null>();
const MAX_COMPILED = 256;

export function validatorFor(schema: unknown): ValidateFunction | null {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate !== undefined) {
    compiled.delete(key);
    compiled.set(key, validate);
    return validate;
  }
  try {
    validate = ajv.compile(typeof schema === 'object' && schema !== null ? (schema as object) : {});
  } catch {
    validate = null;
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

/** Why a text does not satisfy the requested format, or undefined when it does. */
export function structuredOutputProblem(text: string, format: { readonly type: string; readonly schema?: unknown }): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not_json';
  }
  if (format.type === 'json_object') return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'not_object';
  if (format.schema === undefined) return undefined;
  const validate = validatorFor(format.schema);
  if (!validate) return 'schema_unusable';
  return validate(value) ? undefined : 'schema_mismatch';
}

class StructuredOutputGuard implements StreamGuard {
  private text = '';
  private tooLarge = false;

  constructor(
    private readonly params: JsonSchemaParams,
    private readonly format: { readonly type: string; readonly schema?: unknown },
  ) {}

  feed(text: string): GuardVerdict {
    if (!this.tooLarge) {
      this.text += text;
      if (this.text.length > this.params.maxChars) {
        this.tooLarge = true;
        this.text = '';
      }
    }
    return { release: text, findings: [] };
  }

  end(): GuardVerdict {
    const problem = this.tooLarge ? 'too_large' : structuredOutputProblem(this.text, this.format);
    this.text = '';
    if (problem === undefined || problem === 'schema_unusable') {
      const findings: Finding[] = problem ? [{ detector: OUTPUT_JSON_SCHEMA_ID, type: problem, score: 1, outcome: 'flag' }] : [];
      return { release: '', findings };
    }
    const finding: Finding = { detector: OUTPUT_JSON_SCHEMA_ID, type: problem, score: 1, outcome: this.params.action };
    return { release: '', findings: [finding], ...(this.params.action === 'block' ? { block: OUTPUT_BLOCK } : {}) };
  }
}

export const jsonSchemaPlugin: OutputGuardPlugin<JsonSchemaParams> = {
  kind: 'output_guard',
  id: OUTPUT_JSON_SCHEMA_ID,
  description: 'Structured output: the response text must follow the JSON schema the request asked for',
  params: jsonSchemaParamsSchema,
  create(params) {
    return {
      start(context) {
        const format = context.responseFormat;
        if (context.kind !== 'text' || !format || format.type === 'text') return PASS_THROUGH;
        return new StructuredOutputGuard(params, format);
      },
    };
  },
};
