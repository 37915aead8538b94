/** Segments and facts of an Anthropic Messages request. */
import type { ResponseFormat, SegmentChannel, SegmentRole, ToolRef } from '../canonical';
import { getArray, getBoolean, getNumber, getObject, getString, own, type JsonObject, type JsonPointer } from '../json';
import { asObjects, type RequestCollector, type SegmentPlace } from './collector';
import type { RequestExtractor } from './types';

const ROLE_PLACES = new Map<string, { role: SegmentRole; channel: SegmentChannel }>([
  ['user', { role: 'user', channel: 'user' }],
  ['assistant', { role: 'assistant', channel: 'assistant' }],
  ['system', { role: 'system', channel: 'system' }],
]);
const SYSTEM: SegmentPlace = { role: 'system', channel: 'system' };

export const extractMessages: RequestExtractor = (body, collect) => {
  const system = own(body, 'system');
  if (typeof system === 'string') collect.text(system, ['system'], SYSTEM);
  for (const [j, block] of asObjects(Array.isArray(system) ? system : undefined)) collect.text(getString(block, 'text') ?? '', ['system', j, 'text'], SYSTEM);

  for (const [i, message] of asObjects(getArray(body, 'messages'))) {
    const place: SegmentPlace = { ...(ROLE_PLACES.get(getString(message, 'role') ?? 'user') ?? { role: 'user', channel: 'user' }), turn: i };
    const content = own(message, 'content');
    if (typeof content === 'string') collect.text(content, ['messages', i, 'content'], place);
    for (const [j, block] of asObjects(Array.isArray(content) ? content : undefined)) collectBlock(block, ['messages', i, 'content', j], place, collect);
  }

  const maxOutputTokens = getNumber(body, 'max_tokens');
  const temperature = getNumber(body, 'temperature');
  const responseFormat = outputFormat(body);
  return {
    model: getString(body, 'model') ?? '',
    stream: getBoolean(body, 'stream') === true,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    tools: anthropicTools(body),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
};

function collectBlock(block: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const turn = place.turn;
  switch (getString(block, 'type')) {
    case 'text':
      collect.text(getString(block, 'text') ?? '', [...at, 'text'], place);
      return;
    case 'image':
      collectImage(block, at, place.role, collect);
      return;
    case 'document':
      collectDocument(block, at, { role: place.role, channel: 'document', ...(turn === undefined ? {} : { turn }) }, collect);
      return;
    case 'search_result':
      collectSearchResult(block, at, { role: place.role, channel: 'document', ...(turn === undefined ? {} : { turn }) }, collect);
      return;
    case 'thinking':
      // Signed by Anthropic: inspected, but changing it would make the API reject the request.
      collect.text(getString(block, 'thinking') ?? '', [...at, 'thinking'], { role: 'assistant', channel: 'assistant', ...(turn === undefined ? {} : { turn }) }, false);
      return;
    case 'redacted_thinking':
    case 'container_upload':
      return;
    case 'tool_use':
    case 'server_tool_use': {
      const input = own(block, 'input');
      if (input !== undefined) collect.json(input, [...at, 'input'], { role: 'assistant', channel: 'tool_call_arguments', ...(turn === undefined ? {} : { turn }) });
      return;
    }
    case 'tool_result':
      collectToolResult(block, at, { role: 'tool', channel: 'tool_result', ...(turn === undefined ? {} : { turn }) }, collect);
      return;
    default:
      collect.unknown(block, at, place);
  }
}

/** `tool_result.content`: a string or text / image / document / search_result blocks, all third-party content. */
function collectToolResult(block: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const content = own(block, 'content');
  if (typeof content === 'string') {
    collect.text(content, [...at, 'content'], place);
    return;
  }
  for (const [k, inner] of asObjects(Array.isArray(content) ? content : undefined)) {
    const innerAt = [...at, 'content', k];
    switch (getString(inner, 'type')) {
      case 'text':
        collect.text(getString(inner, 'text') ?? '', [...innerAt, 'text'], place);
        break;
      case 'image':
        collectImage(inner, innerAt, place.role, collect);
        break;
      case 'document':
        collectDocument(inner, innerAt, place, collect);
        break;
      case 'search_result':
        collectSearchResult(inner, innerAt, place, collect);
        break;
      default:
        collect.unknown(inner, innerAt, place);
    }
  }
}

function collectImage(block: JsonObject, at: JsonPointer, role: SegmentRole, collect: RequestCollector): void {
  const source = getObject(block, 'source') ?? {};
  const mimeType = getString(source, 'media_type');
  switch (getString(source, 'type')) {
    case 'base64':
      collect.addMedia('image', 'base64', [...at, 'source', 'data'], role, { data: getString(source, 'data') ?? '', ...(mimeType === undefined ? {} : { mimeType }) });
      return;
    case 'url':
      collect.addMedia('image', 'url', [...at, 'source', 'url'], role);
      return;
    default:
      collect.addMedia('image', 'file_id', [...at, 'source'], role);
  }
}

/**
 * A document block: plain-text source (a segment), content source (text blocks and images), or a
 * PDF / file by base64, URL or file id (media). Its `title` and `context` are read by the model too.
 */
function collectDocument(block: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const source = getObject(block, 'source') ?? {};
  const mimeType = getString(source, 'media_type');
  for (const key of ['title', 'context']) collect.text(getString(block, key) ?? '', [...at, key], place);
  switch (getString(source, 'type')) {
    case 'text':
      collect.text(getString(source, 'data') ?? '', [...at, 'source', 'data'], place);
      return;
    case 'content': {
      const content = own(source, 'content');
      if (typeof content === 'string') collect.text(content, [...at, 'source', 'content'], place);
      for (const [k, inner] of asObjects(Array.isArray(content) ? content : undefined)) {
        if (getString(inner, 'type') === 'image') collectImage(inner, [...at, 'source', 'content', k], place.role, collect);
        else collect.text(getString(inner, 'text') ?? '', [...at, 'source', 'content', k, 'text'], place);
      }
      return;
    }
    case 'base64':
      collect.addMedia('document', 'base64', [...at, 'source', 'data'], place.role, { data: getString(source, 'data') ?? '', ...(mimeType === undefined ? {} : { mimeType }) });
      return;
    case 'url':
      collect.addMedia('document', 'url', [...at, 'source', 'url'], place.role);
      return;
    default:
      collect.addMedia('document', 'file_id', [...at, 'source'], place.role);
  }
}

function collectSearchResult(block: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  collect.text(getString(block, 'title') ?? '', [...at, 'title'], place);
  for (const [k, inner] of asObjects(getArray(block, 'content'))) collect.text(getString(inner, 'text') ?? '', [...at, 'content', k, 'text'], place);
}

/** Client tools have a name and (for custom tools) no type or `custom`; server tools have a versioned `type`. */
function anthropicTools(body: JsonObject): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const [, tool] of asObjects(getArray(body, 'tools'))) {
    const name = getString(tool, 'name');
    const type = getString(tool, 'type');
    if (name === undefined) continue;
    tools.push({ name, kind: type === undefined || type === 'custom' ? 'function' : 'builtin' });
  }
  return tools;
}

/** `output_config.format` (structured outputs): `{type: 'json_schema', schema}`. */
function outputFormat(body: JsonObject): ResponseFormat | undefined {
  const config = getObject(body, 'output_config');
  const format = config ? getObject(config, 'format') : undefined;
  if (!format || getString(format, 'type') !== 'json_schema') return undefined;
  const schema = own(format, 'schema');
  return { type: 'json_schema', ...(schema === undefined ? {} : { schema }) };
}
