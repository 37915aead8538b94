/**
 * Segments and facts of a Gemini generateContent / streamGenerateContent request. Every field may be
 * spelt in lowerCamelCase or snake_case (protobuf JSON); pointers use the spelling the body used.
 */
import type { ResponseFormat, SegmentRole, ToolRef } from '../canonical';
import { getArray, getString, isJsonObject, own, type JsonObject, type JsonPointer, type JsonValue } from '../json';
import { snakeCase } from '../schemas/gemini-generate';
import { asObjects, isTextMime, modalityOf, type RequestCollector, type SegmentPlace } from './collector';
import type { RequestExtractor } from './types';

/** The field under either spelling, with the key actually used. */
export function protoField(object: JsonObject, camel: string): { key: string; value: JsonValue } | undefined {
  const camelValue = own(object, camel);
  if (camelValue !== undefined) return { key: camel, value: camelValue };
  const snake = snakeCase(camel);
  const snakeValue = own(object, snake);
  return snakeValue === undefined ? undefined : { key: snake, value: snakeValue };
}

function protoObjectField(object: JsonObject, camel: string): { key: string; value: JsonObject } | undefined {
  const field = protoField(object, camel);
  return field && isJsonObject(field.value) ? { key: field.key, value: field.value } : undefined;
}

function protoNumber(object: JsonObject | undefined, camel: string): number | undefined {
  const field = object ? protoField(object, camel) : undefined;
  return typeof field?.value === 'number' ? field.value : undefined;
}

const ROLE_OF = new Map<string, SegmentRole>([
  ['user', 'user'],
  ['model', 'assistant'],
  ['function', 'tool'],
]);

export const extractGenerateContent: RequestExtractor = (body, collect, path) => {
  const system = protoObjectField(body, 'systemInstruction');
  if (system) collectParts(system.value, [system.key], { role: 'system', channel: 'system' }, collect);

  for (const [i, content] of asObjects(getArray(body, 'contents'))) {
    const role = ROLE_OF.get(getString(content, 'role') ?? 'user') ?? 'user';
    collectParts(content, ['contents', i], { role, channel: role === 'assistant' ? 'assistant' : role === 'tool' ? 'tool_result' : 'user', turn: i }, collect);
  }

  const config = protoObjectField(body, 'generationConfig')?.value;
  const maxOutputTokens = protoNumber(config, 'maxOutputTokens');
  const n = protoNumber(config, 'candidateCount');
  const temperature = protoNumber(config, 'temperature');
  const responseFormat = geminiFormat(config);
  return {
    model: path.model ?? bodyModel(body) ?? '',
    stream: path.stream === true,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(n === undefined ? {} : { n }),
    ...(temperature === undefined ? {} : { temperature }),
    tools: geminiTools(body),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
};

/** `parts[]` of a Content: text, inlineData, fileData, functionCall.args, functionResponse.response, code. */
function collectParts(content: JsonObject, at: JsonPointer, place: SegmentPlace, collect: RequestCollector): void {
  const turn = place.turn === undefined ? {} : { turn: place.turn };
  for (const [j, part] of asObjects(getArray(content, 'parts'))) {
    const partAt = [...at, 'parts', j];
    const text = getString(part, 'text');
    if (text !== undefined) {
      collect.text(text, [...partAt, 'text'], place);
      continue;
    }
    const inline = protoObjectField(part, 'inlineData');
    if (inline) {
      const mime = protoField(inline.value, 'mimeType');
      const data = protoField(inline.value, 'data');
      const mimeType = typeof mime?.value === 'string' ? mime.value : undefined;
      const payload = typeof data?.value === 'string' ? data.value : '';
      const dataAt = [...partAt, inline.key, data?.key ?? 'data'];
      // A text document sent inline is read by the model like any other document.
      if (isTextMime(mimeType)) collect.base64Text(payload, dataAt, { role: place.role, channel: 'document', ...turn });
      else collect.addMedia(modalityOf(mimeType), 'base64', dataAt, place.role, { data: payload, ...(mimeType === undefined ? {} : { mimeType }) });
      continue;
    }
    const file = protoObjectField(part, 'fileData');
    if (file) {
      const uri = protoField(file.value, 'fileUri');
      const mime = protoField(file.value, 'mimeType');
      const mimeType = typeof mime?.value === 'string' ? mime.value : undefined;
      const isWeb = typeof uri?.value === 'string' && (uri.value.startsWith('https://') || uri.value.startsWith('http://')) && !uri.value.includes('generativelanguage.googleapis.com');
      collect.addMedia(modalityOf(mimeType), isWeb ? 'url' : 'file_id', [...partAt, file.key, uri?.key ?? 'fileUri'], place.role, mimeType === undefined ? {} : { mimeType });
      continue;
    }
    const call = protoObjectField(part, 'functionCall');
    if (call) {
      const args = own(call.value, 'args');
      if (args !== undefined) collect.json(args, [...partAt, call.key, 'args'], { role: 'assistant', channel: 'tool_call_arguments', ...turn });
      continue;
    }
    const response = protoObjectField(part, 'functionResponse');
    if (response) {
      const value = own(response.value, 'response');
      if (value !== undefined) collect.json(value, [...partAt, response.key, 'response'], { role: 'tool', channel: 'tool_result', ...turn });
      continue;
    }
    const code = protoObjectField(part, 'executableCode');
    if (code) {
      collect.text(getString(code.value, 'code') ?? '', [...partAt, code.key, 'code'], { role: 'assistant', channel: 'assistant', ...turn });
      continue;
    }
    const result = protoObjectField(part, 'codeExecutionResult');
    if (result) {
      collect.text(getString(result.value, 'output') ?? '', [...partAt, result.key, 'output'], { role: 'tool', channel: 'tool_result', ...turn });
      continue;
    }
    // thoughtSignature-only parts and other metadata carry no text.
    if (protoField(part, 'thoughtSignature') === undefined) collect.unknownContent.push({ pointer: partAt, type: Object.keys(part).join(',') || '(empty)' });
  }
}

function bodyModel(body: JsonObject): string | undefined {
  const model = getString(body, 'model');
  return model?.startsWith('models/') ? model.slice('models/'.length) : model;
}

function geminiTools(body: JsonObject): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const [, tool] of asObjects(getArray(body, 'tools'))) {
    for (const key of Object.keys(tool)) {
      const field = own(tool, key);
      if (key === 'functionDeclarations' || key === 'function_declarations') {
        for (const [, decl] of asObjects(Array.isArray(field) ? field : undefined)) {
          const name = getString(decl, 'name');
          if (name !== undefined) tools.push({ name, kind: 'function' });
        }
      } else {
        tools.push({ name: key, kind: 'builtin' });
      }
    }
  }
  return tools;
}

/** responseMimeType application/json means JSON mode; a responseSchema / responseJsonSchema makes it structured. */
function geminiFormat(config: JsonObject | undefined): ResponseFormat | undefined {
  if (!config) return undefined;
  const mime = protoField(config, 'responseMimeType');
  const schema = protoField(config, 'responseJsonSchema') ?? protoField(config, 'responseSchema');
  if (schema !== undefined) return { type: 'json_schema', schema: schema.value };
  if (mime?.value === 'application/json') return { type: 'json_object' };
  if (mime?.value === 'text/plain') return { type: 'text' };
  return undefined;
}
