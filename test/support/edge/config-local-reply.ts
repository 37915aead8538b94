/** Reader for HttpConnectionManager.local_reply_config (mappers and the default body_format). */
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import { CelExpression } from './cel-lite';
import { EnvoyConfigError, asObject, optArray, optBool, optNumber, optObject, optString, reqString, typeName } from './config-access';
import { readHeaderMatcher } from './config-matchers';
import type { BodyFormat, LocalReplyConfig, LocalReplyFilter, LocalReplyMapper } from './config-types';

/** Command operators the edge can render; anything else is refused at load so no reply is silently wrong. */
export const SUPPORTED_OPERATORS = /^%(LOCAL_REPLY_BODY|RESPONSE_CODE|RESPONSE_CODE_DETAILS|REQ\([^)]+\)|RESP\([^)]+\)|START_TIME)%$/;

export function readLocalReplyConfig(hcm: JsonObject, path: string): LocalReplyConfig {
  const config = optObject(hcm, 'local_reply_config', path);
  if (!config) return { mappers: [] };
  const configPath = `${path}.local_reply_config`;
  const bodyFormat = optObject(config, 'body_format', configPath);
  return {
    mappers: optArray(config, 'mappers', configPath).map((m, i) => readMapper(m, `${configPath}.mappers[${i}]`)),
    bodyFormat: bodyFormat ? readBodyFormat(bodyFormat, `${configPath}.body_format`) : undefined,
  };
}

function readMapper(value: JsonValue, path: string): LocalReplyMapper {
  const mapper = asObject(value, path);
  const bodyFormat = optObject(mapper, 'body_format_override', path);
  const statusCode = mapper.status_code;
  return {
    filter: readFilter(mapper.filter, `${path}.filter`),
    statusCode: typeof statusCode === 'number' ? statusCode : optNumber(mapper, 'status_code', path),
    bodyFormat: bodyFormat ? readBodyFormat(bodyFormat, `${path}.body_format_override`) : undefined,
    headersToAdd: optArray(mapper, 'headers_to_add', path).map((h, i) => {
      const header = asObject(asObject(h, `${path}.headers_to_add[${i}]`).header, `${path}.headers_to_add[${i}].header`);
      return [reqString(header, 'key', path).toLowerCase(), optString(header, 'value', path) ?? ''] as const;
    }),
  };
}

function readFilter(value: JsonValue | undefined, path: string): LocalReplyFilter {
  const filter = asObject(value, path);
  const status = optObject(filter, 'status_code_filter', path);
  if (status) {
    const comparison = asObject(status.comparison, `${path}.status_code_filter.comparison`);
    const op = optString(comparison, 'op', path) ?? 'EQ';
    if (op !== 'EQ' && op !== 'GE' && op !== 'LE') throw new EnvoyConfigError(path, `unknown comparison op ${op}`);
    const runtimeValue = asObject(comparison.value, `${path}.status_code_filter.comparison.value`);
    const defaultValue = optNumber(runtimeValue, 'default_value', path);
    if (defaultValue === undefined) throw new EnvoyConfigError(`${path}.status_code_filter`, 'default_value is required');
    return { kind: 'status_code', op, value: defaultValue };
  }
  const header = optObject(filter, 'header_filter', path);
  if (header) return { kind: 'header', matcher: readHeaderMatcher(header.header, `${path}.header_filter.header`) };
  const metadata = optObject(filter, 'metadata_filter', path);
  if (metadata) return readMetadataFilter(metadata, `${path}.metadata_filter`);
  const extension = optObject(filter, 'extension_filter', path);
  if (extension) return readCelFilter(extension, `${path}.extension_filter`);
  for (const kind of ['and', 'or'] as const) {
    const group = optObject(filter, `${kind}_filter`, path);
    if (group) {
      return { kind, filters: optArray(group, 'filters', path).map((f, i) => readFilter(f, `${path}.${kind}_filter.filters[${i}]`)) };
    }
  }
  throw new EnvoyConfigError(path, 'the edge supports status_code_filter, header_filter, metadata_filter, and_filter, or_filter and the CEL extension_filter');
}

const CEL_FILTER_TYPE = 'envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter';

function readCelFilter(extension: JsonObject, path: string): LocalReplyFilter {
  const typed = asObject(extension.typed_config, `${path}.typed_config`);
  if (typeName(typed, `${path}.typed_config`) !== CEL_FILTER_TYPE) throw new EnvoyConfigError(path, 'the edge supports only the CEL extension filter');
  const source = reqString(typed, 'expression', `${path}.typed_config`);
  try {
    return { kind: 'cel', expression: new CelExpression(source) };
  } catch (error) {
    throw new EnvoyConfigError(`${path}.typed_config.expression`, (error as Error).message);
  }
}

function readMetadataFilter(filter: JsonObject, path: string): LocalReplyFilter {
  const matcher = asObject(filter.matcher, `${path}.matcher`);
  const namespace = reqString(matcher, 'filter', `${path}.matcher`);
  const keys = optArray(matcher, 'path', `${path}.matcher`).map((segment, i) => reqString(asObject(segment, `${path}.matcher.path[${i}]`), 'key', path));
  const valueMatcher = asObject(matcher.value, `${path}.matcher.value`);
  let exact: string | null = null;
  if (optBool(valueMatcher, 'present_match', path) !== true) {
    const stringMatch = optObject(valueMatcher, 'string_match', `${path}.matcher.value`);
    exact = stringMatch ? (optString(stringMatch, 'exact', path) ?? null) : null;
    if (exact === null) throw new EnvoyConfigError(`${path}.matcher.value`, 'the edge supports present_match and string_match.exact');
  }
  return { kind: 'metadata', namespace, path: keys, exact, matchIfKeyNotFound: optBool(filter, 'match_if_key_not_found', path) ?? false };
}

function readBodyFormat(format: JsonObject, path: string): BodyFormat {
  const contentType = optString(format, 'content_type', path);
  const json = optObject(format, 'json_format', path);
  if (json) {
    checkOperators(json, `${path}.json_format`);
    return { kind: 'json', template: json, contentType: contentType ?? 'application/json' };
  }
  const text = optString(format, 'text_format', path);
  if (text !== undefined) {
    checkOperators(text, `${path}.text_format`);
    return { kind: 'text', template: text, contentType: contentType ?? 'text/plain' };
  }
  const source = optObject(format, 'text_format_source', path);
  if (source) {
    const inline = reqString(source, 'inline_string', `${path}.text_format_source`);
    checkOperators(inline, `${path}.text_format_source`);
    return { kind: 'text', template: inline, contentType: contentType ?? 'text/plain' };
  }
  throw new EnvoyConfigError(path, 'expected json_format, text_format or text_format_source');
}

function checkOperators(template: JsonValue, path: string): void {
  if (typeof template === 'string') {
    for (const operator of template.match(/%[A-Z_]+(\([^)]*\))?(:\d+)?%/g) ?? []) {
      if (!SUPPORTED_OPERATORS.test(operator)) throw new EnvoyConfigError(path, `command operator ${operator} is not rendered by the test edge`);
    }
  } else if (Array.isArray(template)) {
    template.forEach((item, i) => checkOperators(item, `${path}[${i}]`));
  } else if (template !== null && typeof template === 'object') {
    for (const [key, item] of Object.entries(template)) checkOperators(item, `${path}.${key}`);
  }
}
