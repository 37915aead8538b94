/**
 * Building blocks for the per-API request schemas.
 *
 * The schemas are permissive about fields they do not name (providers add fields every month, and
 * rejecting them would break clients) but strict on the types of the fields the gateway relies on.
 * They validate only; the parsers read the original JSON, so the zod output is never used.
 */
import { z } from 'zod';
import { apiError, invalidRequest, missingModel, type ApiError } from '../errors';
import { formatPointer, isJsonObject, type JsonValue } from '../json';

export const positiveInt = z.number().int().min(1);
export const modelName = z.string().min(1);

export function temperatureUpTo(max: number): z.ZodNullable<z.ZodOptional<z.ZodNumber>> {
  return z.number().min(0).max(max).optional().nullable();
}

/**
 * An array element discriminated by its `type` string: known types are checked with their schema,
 * unknown types pass (the parser still looks for text in them). Unlike z.discriminatedUnion this
 * accepts new types, and unlike z.union it reports the failing field, not "Invalid input".
 */
export function byType(known: Readonly<Record<string, z.ZodType>>): z.ZodType {
  const table = new Map(Object.entries(known));
  return z.looseObject({ type: z.string() }).superRefine((value, ctx) => {
    const schema = table.get(value.type);
    if (schema === undefined) return;
    forwardIssues(schema.safeParse(value, { reportInput: true }), ctx);
  });
}

type Ctx = z.RefinementCtx;

export function forwardIssues(result: z.ZodSafeParseResult<unknown>, ctx: Ctx): void {
  if (result.success) return;
  for (const issue of result.error.issues) {
    const { path, message } = resolveIssue(issue);
    ctx.addIssue({ code: 'custom', message, path });
  }
}

/** True when the schema accepts a missing value. */
export function acceptsUndefined(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/**
 * Validates `body` and turns the first problem into a 400 in our vocabulary: `missing_model` when
 * `model` is absent or empty, otherwise `invalid_request` naming the field (`param`).
 */
export function validateBody(schema: z.ZodType, body: JsonValue): ApiError | undefined {
  // reportInput lets describeIssue tell "missing" from "wrong type"; the input itself is never rendered.
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return undefined;
  const issues = result.error.issues;
  const first = issues[0];
  if (first === undefined) return invalidRequest('The request body is not valid.');
  const { path, message } = resolveIssue(first);
  const param = formatPointer(path);
  if (param === 'model' && isJsonObject(body)) {
    const model = body.model;
    if (model === undefined || model === null || model === '') return missingModel();
  }
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const where = param.length === 0 ? 'The request body' : `\`${param}\``;
  return apiError(400, 'invalid_request', `${where}: ${message}${more}.`, param.length === 0 ? {} : { param });
}

/**
 * The field at fault and a message that names what was expected, never the value received (it
 * could be a secret). A union failure is reported as the alternative that got furthest (the
 * deepest path), unless every alternative failed on the value's type alone ("expected string or array").
 */
export function resolveIssue(issue: z.core.$ZodIssue): { path: Array<string | number>; message: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code !== 'invalid_union') return { path, message: describeIssue(issue) };
  const alternatives = issue.errors.filter((errors) => errors.length > 0);
  const typeOnly = alternatives.map((errors) => errors[0]).filter((e): e is z.core.$ZodIssueInvalidType => e !== undefined && e.code === 'invalid_type' && e.path.length === 0);
  if (typeOnly.length === alternatives.length && typeOnly.length > 0) return { path, message: `expected ${typeOnly.map((e) => e.expected).join(' or ')}` };
  let best: z.core.$ZodIssue | undefined;
  for (const errors of alternatives) {
    const candidate = errors[0];
    if (candidate !== undefined && (best === undefined || candidate.path.length > best.path.length)) best = candidate;
  }
  if (best === undefined) return { path, message: 'invalid value' };
  const inner = resolveIssue(best);
  return { path: [...path, ...inner.path], message: inner.message };
}

/** A message for one (non-union) issue. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_union':
      return resolveIssue(issue).message;
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      return issue.input === undefined ? `required ${expected} is missing` : `expected ${expected}, got ${kindOf(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'number (not an integer)';
  return typeof value;
}
