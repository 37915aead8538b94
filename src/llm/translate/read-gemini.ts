/**
 * Gemini generateContent request -> neutral form. Gemini accepts camelCase and snake_case field
 * names (proto JSON), so every read goes through `protoField`. Its function calls may have no id;
 * the other APIs need one to pair a result with its call, so calls get `call_<turn>_<k>` and each
 * functionResponse is paired with the earliest unanswered call of the same name (Gemini's own rule).
 */
import { getArray, getString, isJsonObject, type JsonObject, type JsonValue } from '../json';
import { protoField } from '../request/gemini-generate';
import { pushMerged, TranslationError, type IrMessage, type IrPart, type IrRequest, type IrResultPart, type IrTool, type IrToolChoice, type IrResponseFormat } from './ir';

export function readGeminiGenerate(body: JsonObject, stream: boolean): IrRequest {
  const system: string[] = [];
  const instruction = objectField(body, 'systemInstruction');
  if (instruction) system.push(...partsOf(instruction).flatMap((p) => (typeof p.text === 'string' ? [p.text] : [])));

  const messages: IrMessage[] = [];
  const unanswered: Array<{ id: string; name: string }> = [];
  const contents = protoField(body, 'contents')?.value;
  (Array.isArray(contents) ? contents : []).forEach((raw, i) => {
    if (!isJsonObject(raw)) return;
    const role = getString(raw, 'role') === 'model' ? 'assistant' : 'user';
    const parts: IrPart[] = [];
    partsOf(raw).forEach((part, k) => {
      const at = `contents[${i}].parts[${k}]`;
      if (typeof part.text === 'string') {
        if (part.thought !== true) parts.push({ type: 'text', text: part.text });
        return;
      }
      const inline = objectField(part, 'inlineData');
      if (inline) {
        const mimeType = stringField(inline, 'mimeType') ?? '';
        if (!mimeType.startsWith('image/')) throw new TranslationError('Only image data can be sent to this model.', `${at}.inlineData.mimeType`);
        parts.push({ type: 'image', mimeType, data: stringField(inline, 'data') ?? '' });
        return;
      }
      const file = objectField(part, 'fileData');
      if (file) {
        const uri = stringField(file, 'fileUri') ?? '';
        if (!/^https?:\/\//.test(uri)) throw new TranslationError('Only http(s) file URIs can be sent to this model.', `${at}.fileData.fileUri`);
        const mimeType = stringField(file, 'mimeType');
        if (mimeType !== undefined && !mimeType.startsWith('image/')) throw new TranslationError('Only images can be sent to this model by URL.', `${at}.fileData.mimeType`);
        parts.push({ type: 'image', url: uri });
        return;
      }
      const call = objectField(part, 'functionCall');
      if (call) {
        const name = getString(call, 'name') ?? '';
        const id = getString(call, 'id') ?? `call_${i}_${k}`;
        unanswered.push({ id, name });
        const args = protoField(call, 'args')?.value;
        parts.push({ type: 'tool_call', id, name, arguments: isJsonObject(args) ? args : {} });
        return;
      }
      const response = objectField(part, 'functionResponse');
      if (response) {
        const name = getString(response, 'name') ?? '';
        const givenId = getString(response, 'id');
        const slot = unanswered.findIndex((c) => (givenId !== undefined ? c.id === givenId : c.name === name));
        if (slot < 0) throw new TranslationError('A functionResponse must answer a functionCall of an earlier model turn with the same name.', `${at}.functionResponse.name`);
        const [matched] = unanswered.splice(slot, 1);
        const payload = protoField(response, 'response')?.value;
        const content: IrResultPart[] = [{ type: 'text', text: resultText(payload) }];
        parts.push({ type: 'tool_result', id: matched?.id ?? '', name, content });
        return;
      }
      if (part.thought === true || objectField(part, 'thoughtSignature')) return;
      throw new TranslationError('This kind of part cannot be sent to this model.', at);
    });
    pushMerged(messages, { role, parts });
  });

  const config = objectField(body, 'generationConfig') ?? {};
  const count = numberField(config, 'candidateCount');
  if (count !== undefined && count > 1) throw new TranslationError('Several candidates (candidateCount > 1) cannot be requested from this model.', 'generationConfig.candidateCount');
  const maxTokens = numberField(config, 'maxOutputTokens');
  const temperature = numberField(config, 'temperature');
  const topP = numberField(config, 'topP');
  const topK = numberField(config, 'topK');
  if (protoField(body, 'cachedContent') !== undefined) throw new TranslationError('Gemini cached content lives at Google and cannot be sent to this model.', 'cachedContent');
  const stop = protoField(config, 'stopSequences')?.value;
  const responseFormat = readResponseFormat(config);
  const toolChoice = readToolChoice(objectField(objectField(body, 'toolConfig') ?? {}, 'functionCallingConfig'));
  return {
    system,
    messages,
    tools: readTools(protoField(body, 'tools')?.value),
    ...(toolChoice ? { toolChoice } : {}),
    ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(topK === undefined ? {} : { topK }),
    ...(Array.isArray(stop) ? { stop: stop.filter((s): s is string => typeof s === 'string') } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    stream,
    includeUsage: false,
  };
}

/** What a functionResponse said, as the text other APIs carry in a tool result. */
function resultText(payload: JsonValue | undefined): string {
  if (isJsonObject(payload)) {
    const keys = Object.keys(payload);
    // {"result": "..."} / {"output": "..."} is the documented convention: unwrap plain text.
    if (keys.length === 1 && (keys[0] === 'result' || keys[0] === 'output' || keys[0] === 'content') && typeof payload[keys[0]] === 'string') return payload[keys[0]] as string;
  }
  return JSON.stringify(payload ?? {});
}

function readTools(tools: JsonValue | undefined): IrTool[] {
  const out: IrTool[] = [];
  (Array.isArray(tools) ? tools : []).forEach((tool, k) => {
    if (!isJsonObject(tool)) return;
    const declarations = protoField(tool, 'functionDeclarations')?.value;
    const others = Object.keys(tool).filter((key) => key !== 'functionDeclarations' && key !== 'function_declarations');
    if (others.length > 0) throw new TranslationError(`Gemini tools other than functionDeclarations (${others.join(', ')}) cannot be offered to this model.`, `tools[${k}]`);
    for (const declaration of Array.isArray(declarations) ? declarations : []) {
      if (!isJsonObject(declaration)) continue;
      const description = getString(declaration, 'description');
      const jsonSchema = objectField(declaration, 'parametersJsonSchema');
      const openApi = objectField(declaration, 'parameters');
      const parameters = jsonSchema ?? (openApi ? toJsonSchema(openApi) : undefined);
      out.push({ name: getString(declaration, 'name') ?? '', ...(description === undefined ? {} : { description }), ...(isJsonObject(parameters) ? { parameters } : {}) });
    }
  });
  return out;
}

/** Gemini's OpenAPI-subset Schema (`type: "OBJECT"`, `nullable`) as JSON Schema (`type: "object"`, a null alternative). */
export function toJsonSchema(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isJsonObject(schema)) return schema;
  const nullable = schema.nullable === true;
  const entries: Array<[string, JsonValue]> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'propertyOrdering') continue;
    if (key === 'type' && typeof value === 'string') {
      const type = value.toLowerCase();
      entries.push([key, nullable ? [type, 'null'] : type]);
    } else if (key === 'properties' && isJsonObject(value)) {
      entries.push([key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]))]);
    } else {
      entries.push([key, toJsonSchema(value)]);
    }
  }
  return Object.fromEntries(entries) as JsonObject;
}

function readToolChoice(config: JsonObject | undefined): IrToolChoice | undefined {
  const mode = config ? stringField(config, 'mode') : undefined;
  const allowed = config ? protoField(config, 'allowedFunctionNames')?.value : undefined;
  if (mode === 'NONE') return { type: 'none' };
  if (mode === 'ANY') {
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string') return { type: 'tool', name: allowed[0] };
    return { type: 'required' };
  }
  if (mode === 'AUTO') return { type: 'auto' };
  return undefined;
}

function readResponseFormat(config: JsonObject): IrResponseFormat | undefined {
  if (stringField(config, 'responseMimeType') !== 'application/json') return undefined;
  const jsonSchema = objectField(config, 'responseJsonSchema');
  const openApi = objectField(config, 'responseSchema');
  const schema = jsonSchema ?? (openApi ? toJsonSchema(openApi) : undefined);
  return isJsonObject(schema) ? { type: 'json_schema', schema } : { type: 'json_object' };
}

function partsOf(content: JsonObject): JsonObject[] {
  const parts = getArray(content, 'parts');
  return (parts ?? []).filter(isJsonObject);
}

function objectField(object: JsonObject, camel: string): JsonObject | undefined {
  const value = protoField(object, camel)?.value;
  return isJsonObject(value) ? value : undefined;
}

function stringField(object: JsonObject, camel: string): string | undefined {
  const value = protoField(object, camel)?.value;
  return typeof value === 'string' ? value : undefined;
}

function numberField(object: JsonObject, camel: string): number | undefined {
  const value = protoField(object, camel)?.value;
  return typeof value === 'number' ? value : undefined;
}
