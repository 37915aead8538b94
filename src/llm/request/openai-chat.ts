/** Segments and facts of an OpenAI chat completions request. */
import type { ResponseFormat, SegmentChannel, SegmentRole, ToolRef } from '../canonical';
import { getArray, getBoolean, getNumber, getObject, getString, own, type JsonObject, type JsonPointer } from '../json';
import { asObjects, type RequestCollector, type SegmentPlace } from './collector';
import type { RequestExtractor } from './types';

const USER: { role: SegmentRole; channel: SegmentChannel } = { role: 'user', channel: 'user' };
const PLACES = new Map<string, { role: SegmentRole; channel: SegmentChannel }>([
  ['system', { role: 'system', channel: 'system' }],
  ['developer', { role: 'developer', channel: 'system' }],
  ['user', USER],
  ['assistant', { role: 'assistant', channel: 'assistant' }],
  ['tool', { role: 'tool', channel: 'tool_result' }],
  ['function', { role: 'tool', channel: 'tool_result' }],
]);

export const extractChatCompletions: RequestExtractor = (body, collect) => {
  for (const [i, message] of asObjects(getArray(body, 'messages'))) {
    const role = getString(message, 'role') ?? 'user';
    const place: SegmentPlace = { ...(PLACES.get(role) ?? USER), turn: i };
    const at: JsonPointer = ['messages', i];
    collectContent(message, [...at, 'content'], place, collect);
    const refusal = getString(message, 'refusal');
    if (refusal !== undefined) collect.text(refusal, [...at, 'refusal'], place);
    collectToolCalls(message, at, i, collect);
  }
  const prediction = getObject(body, 'prediction');
  if (prediction) collectContent(prediction, ['prediction', 'content'], { role: 'user', channel: 'user' }, collect);

  const streamOptions = getObject(body, 'stream_options');
  const maxOutputTokens = getNumber(body, 'max_completion_tokens') ?? getNumber(body, 'max_tokens');
  const n = getNumber(body, 'n');
  const temperature = getNumber(body, 'temperature');
  const includeUsage = streamOptions ? getBoolean(streamOptions, 'include_usage') : undefined;
  const responseFormat = chatResponseFormat(getObject(body, 'response_format'));
  return {
    model: getString(body, 'model') ?? '',
    stream: getBoolean(body, 'stream') === true,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(n === undefined ? {} : { n }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(includeUsage === undefined ? {} : { includeUsage }),
    tools: chatTools(body),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
};

/** `content` as a string or an array of parts (text, image_url, input_audio, file, refusal). */
function collectContent(holder: JsonObject, pointer: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const content = own(holder, 'content');
  if (typeof content === 'string') {
    collect.text(content, pointer, place);
    return;
  }
  for (const [j, part] of asObjects(Array.isArray(content) ? content : undefined)) {
    const at = [...pointer, j];
    switch (getString(part, 'type')) {
      case 'text':
        collect.text(getString(part, 'text') ?? '', [...at, 'text'], place);
        break;
      case 'refusal':
        collect.text(getString(part, 'refusal') ?? '', [...at, 'refusal'], place);
        break;
      case 'image_url': {
        const image = getObject(part, 'image_url');
        const url = image ? getString(image, 'url') : undefined;
        const detail = image ? getString(image, 'detail') : undefined;
        if (url !== undefined) collect.addUrlMedia('image', url, [...at, 'image_url', 'url'], place.role, detail);
        break;
      }
      case 'input_audio': {
        const audio = getObject(part, 'input_audio');
        const data = audio ? getString(audio, 'data') : undefined;
        const format = audio ? getString(audio, 'format') : undefined;
        if (data !== undefined) collect.addMedia('audio', 'base64', [...at, 'input_audio', 'data'], place.role, { data, ...(format === undefined ? {} : { mimeType: `audio/${format}` }) });
        break;
      }
      case 'file': {
        const file = getObject(part, 'file') ?? {};
        const data = getString(file, 'file_data');
        if (data !== undefined) collect.fileData(data, [...at, 'file', 'file_data'], place);
        else collect.addMedia('document', 'file_id', [...at, 'file', 'file_id'], place.role);
        break;
      }
      default:
        collect.unknown(part, at, place);
    }
  }
}

/** Assistant `tool_calls[].function.arguments` / `custom.input`, and the legacy `function_call`. */
function collectToolCalls(message: JsonObject, at: JsonPointer, turn: number, collect: RequestCollector): void {
  const place: SegmentPlace = { role: 'assistant', channel: 'tool_call_arguments', turn };
  for (const [k, call] of asObjects(getArray(message, 'tool_calls'))) {
    const fn = getObject(call, 'function');
    const custom = getObject(call, 'custom');
    if (fn) collect.text(getString(fn, 'arguments') ?? '', [...at, 'tool_calls', k, 'function', 'arguments'], place);
    else if (custom) collect.text(getString(custom, 'input') ?? '', [...at, 'tool_calls', k, 'custom', 'input'], place);
  }
  const legacy = getObject(message, 'function_call');
  if (legacy) collect.text(getString(legacy, 'arguments') ?? '', [...at, 'function_call', 'arguments'], place);
}

function chatTools(body: JsonObject): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const [, tool] of asObjects(getArray(body, 'tools'))) {
    const type = getString(tool, 'type') ?? 'function';
    const spec = getObject(tool, type);
    const name = spec ? getString(spec, 'name') : undefined;
    if (type === 'function' || type === 'custom') {
      if (name !== undefined) tools.push({ name, kind: type });
    } else {
      tools.push({ name: type, kind: 'builtin' });
    }
  }
  for (const [, fn] of asObjects(getArray(body, 'functions'))) {
    const name = getString(fn, 'name');
    if (name !== undefined) tools.push({ name, kind: 'function' });
  }
  return tools;
}

/** `response_format`: text, json_object, or json_schema with `json_schema.schema`. */
export function chatResponseFormat(format: JsonObject | undefined): ResponseFormat | undefined {
  if (!format) return undefined;
  const type = getString(format, 'type');
  if (type === 'json_object' || type === 'text') return { type };
  if (type !== 'json_schema') return undefined;
  const spec = getObject(format, 'json_schema') ?? {};
  const schema = own(spec, 'schema');
  const name = getString(spec, 'name');
  return { type, ...(schema === undefined ? {} : { schema }), ...(name === undefined ? {} : { name }) };
}
