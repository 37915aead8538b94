/**
 * What Gemini's generateContent rejects: unknown fields (proto JSON, camelCase or snake_case), contents
 * without parts or with roles other than user/model, parts with no data or two kinds of data,
 * functionCall outside model turns, functionResponse outside user turns or not answering (by name,
 * one for one) the function calls of the model turn before it, function declarations with invalid
 * names or both parameter forms, and out-of-range generation parameters.
 */
import { first, isInteger, isObject, problem, type Problem } from './validate-common';
import type { Json, JsonObject } from './types';

const REQUEST_FIELDS = ['contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent', 'labels', 'model'];
const GENERATION_FIELDS = [
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', '_responseJsonSchema', 'responseModalities', 'candidateCount', 'maxOutputTokens',
  'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers',
  'speechConfig', 'thinkingConfig', 'imageConfig', 'mediaResolution',
];
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/;

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A field by its camelCase or snake_case name. */
function field(object: JsonObject, camel: string): Json | undefined {
  return object[camel] ?? object[snake(camel)];
}

function unknownField(object: JsonObject, known: readonly string[], at: string): Problem | undefined {
  const names = new Set([...known, ...known.map(snake)]);
  const extra = Object.keys(object).find((key) => !names.has(key));
  return extra === undefined ? undefined : { param: `${at}${extra}`, message: `Invalid JSON payload received. Unknown name "${extra}"${at ? ` at '${at.slice(0, -1)}'` : ''}: Cannot find field.` };
}

export function validateGenerateRequest(body: JsonObject): Problem | undefined {
  return first(
    () => unknownField(body, REQUEST_FIELDS, ''),
    () => checkContents(field(body, 'contents')),
    () => checkSystemInstruction(field(body, 'systemInstruction')),
    () => checkTools(field(body, 'tools')),
    () => checkGenerationConfig(field(body, 'generationConfig')),
  );
}

function checkContents(contents: Json | undefined): Problem | undefined {
  if (!Array.isArray(contents) || contents.length === 0) return problem('contents', 'contents is not specified');
  let pendingCalls: string[] = [];
  for (let i = 0; i < contents.length; i++) {
    const content = contents[i];
    const at = `contents[${i}]`;
    if (!isObject(content)) return problem(at, 'Invalid value: expected an object');
    const role = content.role;
    if (role !== undefined && role !== 'user' && role !== 'model') return problem(`${at}.role`, `Please use a valid role: user, model.`);
    if (role === undefined && contents.length > 1) return problem(`${at}.role`, 'Please use a valid role: user, model (required in multi-turn conversations).');
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) return problem(`${at}.parts`, 'contents.parts must not be empty.');
    const calls: string[] = [];
    const responses: string[] = [];
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k];
      const pat = `${at}.parts[${k}]`;
      if (!isObject(part)) return problem(pat, 'Invalid value: expected an object');
      const kinds = PART_DATA.filter((name) => field(part, name) !== undefined);
      if (kinds.length === 0 && field(part, 'thoughtSignature') === undefined) return problem(pat, 'Required oneof field \'data\' must have one initialized field');
      if (kinds.length > 1) return problem(pat, `Invalid value: oneof field 'data' is already set (${kinds.join(', ')})`);
      const text = part.text;
      if (text !== undefined && typeof text !== 'string') return problem(`${pat}.text`, 'Invalid value: expected a string');
      const inline = field(part, 'inlineData');
      if (inline !== undefined && (!isObject(inline) || typeof field(inline, 'mimeType') !== 'string' || typeof inline.data !== 'string')) return problem(`${pat}.inlineData`, 'inlineData needs mimeType and base64 data');
      const call = field(part, 'functionCall');
      if (call !== undefined) {
        if (role !== 'model') return problem(pat, 'functionCall parts are only allowed in model turns');
        if (!isObject(call) || typeof call.name !== 'string') return problem(`${pat}.functionCall.name`, 'Name is required');
        if (call.args !== undefined && !isObject(call.args)) return problem(`${pat}.functionCall.args`, 'Invalid value: expected an object (google.protobuf.Struct)');
        calls.push(call.name);
      }
      const response = field(part, 'functionResponse');
      if (response !== undefined) {
        if (role === 'model') return problem(pat, 'functionResponse parts are only allowed in user turns');
        if (!isObject(response) || typeof response.name !== 'string') return problem(`${pat}.functionResponse.name`, 'Name is required');
        if (!isObject(response.response)) return problem(`${pat}.functionResponse.response`, 'Invalid value: expected an object (google.protobuf.Struct)');
        responses.push(response.name);
      }
    }
    if (responses.length > 0 || pendingCalls.length > 0) {
      const expected = [...pendingCalls].sort().join(',');
      if (responses.length !== pendingCalls.length || [...responses].sort().join(',') !== expected) {
        return problem(at, 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn, and that their names match.');
      }
    }
    pendingCalls = calls;
  }
  return undefined;
}

function checkSystemInstruction(instruction: Json | undefined): Problem | undefined {
  if (instruction === undefined) return undefined;
  if (!isObject(instruction) || !Array.isArray(instruction.parts) || instruction.parts.some((p) => !isObject(p) || typeof p.text !== 'string')) {
    return problem('systemInstruction', 'Invalid value: expected a Content with text parts');
  }
  return undefined;
}

function checkTools(tools: Json | undefined): Problem | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return problem('tools', 'Invalid value: expected a list');
  for (let k = 0; k < tools.length; k++) {
    const tool = tools[k];
    if (!isObject(tool)) return problem(`tools[${k}]`, 'Invalid value: expected an object');
    const declarations = field(tool, 'functionDeclarations');
    if (declarations === undefined) continue;
    if (!Array.isArray(declarations)) return problem(`tools[${k}].functionDeclarations`, 'Invalid value: expected a list');
    for (let j = 0; j < declarations.length; j++) {
      const d = declarations[j];
      const at = `tools[${k}].functionDeclarations[${j}]`;
      if (!isObject(d) || typeof d.name !== 'string' || !FUNCTION_NAME.test(d.name)) return problem(`${at}.name`, 'Invalid function name. Must start with a letter or an underscore and contain only a-z, A-Z, 0-9, underscores, dots, colons and dashes.');
      const openApi = field(d, 'parameters');
      const jsonSchema = field(d, 'parametersJsonSchema');
      if (openApi !== undefined && jsonSchema !== undefined) return problem(at, 'parameters and parametersJsonSchema cannot both be set');
      if (openApi !== undefined && !isObject(openApi)) return problem(`${at}.parameters`, 'Invalid value: expected a Schema');
    }
  }
  return undefined;
}

function checkGenerationConfig(config: Json | undefined): Problem | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return problem('generationConfig', 'Invalid value: expected an object');
  return first(
    () => unknownField(config, GENERATION_FIELDS, 'generationConfig.'),
    () => {
      const max = field(config, 'maxOutputTokens');
      return max !== undefined && (!isInteger(max) || max < 1) ? problem('generationConfig.maxOutputTokens', 'Invalid value: expected a positive integer') : undefined;
    },
    () => {
      const t = field(config, 'temperature');
      return t !== undefined && (typeof t !== 'number' || t < 0 || t > 2) ? problem('generationConfig.temperature', 'Invalid value: must be between 0 and 2') : undefined;
    },
    () => {
      const stop = field(config, 'stopSequences');
      return stop !== undefined && (!Array.isArray(stop) || stop.length > 5 || stop.some((s) => typeof s !== 'string')) ? problem('generationConfig.stopSequences', 'Invalid value: at most 5 strings') : undefined;
    },
    () => (field(config, 'responseSchema') !== undefined && field(config, 'responseJsonSchema') !== undefined ? problem('generationConfig', 'responseSchema and responseJsonSchema cannot both be set') : undefined),
  );
}
