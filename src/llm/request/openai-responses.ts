/** Segments and facts of an OpenAI Responses API request. */
import type { ResponseFormat, SegmentChannel, SegmentRole, ToolRef } from '../canonical';
import { getArray, getBoolean, getNumber, getObject, getString, isJsonObject, own, type JsonObject, type JsonPointer, type JsonValue } from '../json';
import { asObjects, type RequestCollector, type SegmentPlace } from './collector';
import type { RequestExtractor } from './types';

const USER: { role: SegmentRole; channel: SegmentChannel } = { role: 'user', channel: 'user' };
const MESSAGE_PLACES = new Map<string, { role: SegmentRole; channel: SegmentChannel }>([
  ['system', { role: 'system', channel: 'system' }],
  ['developer', { role: 'developer', channel: 'system' }],
  ['user', USER],
  ['assistant', { role: 'assistant', channel: 'assistant' }],
]);

/** Item types whose text (if any) is read generically from `arguments` / `output`; anything else is reported as unknown. */
const KNOWN_ITEM_TYPES = new Set([
  'item_reference',
  'file_search_call',
  'web_search_call',
  'computer_call',
  'computer_call_output',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'tool_search_call',
  'tool_search_output',
  'compaction',
]);

export const extractResponses: RequestExtractor = (body, collect) => {
  const instructions = getString(body, 'instructions');
  if (instructions !== undefined) collect.text(instructions, ['instructions'], { role: 'system', channel: 'system' });

  const input = own(body, 'input');
  if (typeof input === 'string') collect.text(input, ['input'], { ...USER, turn: 0 });
  for (const [i, item] of asObjects(Array.isArray(input) ? input : undefined)) collectItem(item, ['input', i], i, collect);

  collectPromptVariables(body, collect);

  const maxOutputTokens = getNumber(body, 'max_output_tokens');
  const temperature = getNumber(body, 'temperature');
  const text = getObject(body, 'text');
  const responseFormat = responsesFormat(text ? getObject(text, 'format') : undefined);
  return {
    model: getString(body, 'model') ?? '',
    stream: getBoolean(body, 'stream') === true,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    tools: responsesTools(body),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
};

function collectItem(item: JsonObject, at: JsonPointer, turn: number, collect: RequestCollector): void {
  const type = getString(item, 'type') ?? 'message';
  const toolResult: SegmentPlace = { role: 'tool', channel: 'tool_result', turn };
  const toolCall: SegmentPlace = { role: 'assistant', channel: 'tool_call_arguments', turn };
  switch (type) {
    case 'message': {
      const place: SegmentPlace = { ...(MESSAGE_PLACES.get(getString(item, 'role') ?? 'user') ?? USER), turn };
      const content = own(item, 'content');
      if (typeof content === 'string') collect.text(content, [...at, 'content'], place);
      else collectParts(content, [...at, 'content'], place, collect);
      return;
    }
    case 'function_call':
      collect.text(getString(item, 'arguments') ?? '', [...at, 'arguments'], toolCall);
      return;
    case 'custom_tool_call':
      collect.text(getString(item, 'input') ?? '', [...at, 'input'], toolCall);
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      collectOutput(item, at, toolResult, collect);
      return;
    case 'reasoning': {
      const place: SegmentPlace = { role: 'assistant', channel: 'assistant', turn };
      for (const key of ['summary', 'content']) {
        for (const [k, part] of asObjects(getArray(item, key))) collect.text(getString(part, 'text') ?? '', [...at, key, k, 'text'], place);
      }
      return;
    }
    default:
      if (!KNOWN_ITEM_TYPES.has(type)) collect.unknownContent.push({ pointer: at, type });
      // Built-in tool items: their model-produced arguments and third-party outputs are text the model reads.
      if (typeof own(item, 'arguments') === 'string') collect.text(getString(item, 'arguments') ?? '', [...at, 'arguments'], toolCall);
      collectOutput(item, at, toolResult, collect);
  }
}

/** A tool output: a string or a list of input_text / input_image / input_file parts. */
function collectOutput(item: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const output = own(item, 'output');
  if (typeof output === 'string') collect.text(output, [...at, 'output'], place);
  else if (Array.isArray(output)) collectParts(output, [...at, 'output'], place, collect);
}

function collectParts(content: JsonValue | undefined, pointer: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  for (const [j, part] of asObjects(Array.isArray(content) ? content : undefined)) collectPart(part, [...pointer, j], place, collect);
}

/** One input part: input_text / output_text / refusal / input_image / input_file. */
function collectPart(part: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  switch (getString(part, 'type')) {
    case 'input_text':
    case 'output_text':
      collect.text(getString(part, 'text') ?? '', [...at, 'text'], place);
      return;
    case 'refusal':
      collect.text(getString(part, 'refusal') ?? '', [...at, 'refusal'], place);
      return;
    case 'input_image': {
      const url = getString(part, 'image_url');
      const detail = getString(part, 'detail');
      if (url !== undefined) collect.addUrlMedia('image', url, [...at, 'image_url'], place.role, detail);
      else collect.addMedia('image', 'file_id', [...at, 'file_id'], place.role, detail === undefined ? {} : { detail });
      return;
    }
    case 'input_file': {
      const data = getString(part, 'file_data');
      const url = getString(part, 'file_url');
      if (data !== undefined) {
        if (data.startsWith('data:')) collect.fileData(data, [...at, 'file_data'], place);
        else collect.addMedia('document', 'base64', [...at, 'file_data'], place.role, { data });
      } else if (url !== undefined) collect.addMedia('document', 'url', [...at, 'file_url'], place.role);
      else collect.addMedia('document', 'file_id', [...at, 'file_id'], place.role);
      return;
    }
    default:
      collect.unknown(part, at, place);
  }
}

/** A stored prompt's `variables`: strings (or input parts) substituted into the prompt the model reads. */
function collectPromptVariables(body: JsonObject, collect: RequestCollector): void {
  const prompt = getObject(body, 'prompt');
  const variables = prompt ? getObject(prompt, 'variables') : undefined;
  if (!variables) return;
  for (const key of Object.keys(variables)) {
    const value = own(variables, key);
    const at = ['prompt', 'variables', key];
    if (typeof value === 'string') collect.text(value, at, USER);
    else if (isJsonObject(value)) collectPart(value, at, USER, collect);
  }
}

function responsesTools(body: JsonObject): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const [, tool] of asObjects(getArray(body, 'tools'))) {
    const type = getString(tool, 'type') ?? 'function';
    const name = getString(tool, 'name');
    if ((type === 'function' || type === 'custom') && name !== undefined) tools.push({ name, kind: type });
    else if (type !== 'function' && type !== 'custom') tools.push({ name: type, kind: 'builtin' });
  }
  return tools;
}

/** `text.format`: text, json_object, or json_schema with `schema` and `name` beside `type`. */
function responsesFormat(format: JsonObject | undefined): ResponseFormat | undefined {
  if (!format) return undefined;
  const type = getString(format, 'type');
  if (type === 'json_object' || type === 'text') return { type };
  if (type !== 'json_schema') return undefined;
  const schema = own(format, 'schema');
  const name = getString(format, 'name');
  return { type, ...(schema === undefined ? {} : { schema }), ...(name === undefined ? {} : { name }) };
}
