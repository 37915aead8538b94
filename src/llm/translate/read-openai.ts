/** OpenAI chat completions request -> neutral form. The body already passed the chat schema. */
import { getArray, getBoolean, getNumber, getObject, getString, isJsonObject, own, type JsonObject, type JsonValue } from '../json';
import { parseArguments, parseDataUrl, pushMerged, TranslationError, type IrMessage, type IrPart, type IrRequest, type IrResultPart, type IrTool, type IrToolChoice, type IrResponseFormat } from './ir';

export function readOpenAiChat(body: JsonObject): IrRequest {
  const n = getNumber(body, 'n');
  if (n !== undefined && n > 1) throw new TranslationError('Several choices (n > 1) cannot be requested from this model.', 'n');
  const modalities = getArray(body, 'modalities');
  if (modalities?.includes('audio')) throw new TranslationError('Audio output cannot be requested from this model.', 'modalities');
  if (own(body, 'web_search_options') !== undefined) throw new TranslationError("OpenAI's web search runs at OpenAI only and cannot be requested from this model.", 'web_search_options');
  if (own(body, 'functions') !== undefined) throw new TranslationError('The deprecated functions field cannot be sent to this model; use tools.', 'functions');
  const system: string[] = [];
  const messages: IrMessage[] = [];
  const callNames = new Map<string, string>();
  (getArray(body, 'messages') ?? []).forEach((raw, i) => {
    if (!isJsonObject(raw)) return;
    const role = getString(raw, 'role');
    const at = `messages[${i}]`;
    switch (role) {
      case 'system':
      case 'developer':
        system.push(textOf(own(raw, 'content'), `${at}.content`));
        break;
      case 'user':
        pushMerged(messages, { role: 'user', parts: contentParts(own(raw, 'content'), `${at}.content`) });
        break;
      case 'assistant': {
        const parts: IrPart[] = [];
        const content = own(raw, 'content');
        if (content !== null && content !== undefined) parts.push(...contentParts(content, `${at}.content`).filter((p) => p.type !== 'text' || p.text.length > 0));
        (getArray(raw, 'tool_calls') ?? []).forEach((call, k) => {
          if (!isJsonObject(call)) return;
          const fn = getObject(call, 'function');
          const id = getString(call, 'id') ?? '';
          const name = fn ? getString(fn, 'name') : undefined;
          if (!fn || name === undefined) throw new TranslationError('Only function tool calls can be sent to this model.', `${at}.tool_calls[${k}]`);
          callNames.set(id, name);
          parts.push({ type: 'tool_call', id, name, arguments: parseArguments(getString(fn, 'arguments') ?? '', `${at}.tool_calls[${k}].function.arguments`) });
        });
        if (getObject(raw, 'function_call')) throw new TranslationError('The deprecated function_call field cannot be sent to this model; use tool_calls.', `${at}.function_call`);
        pushMerged(messages, { role: 'assistant', parts });
        break;
      }
      case 'tool': {
        const id = getString(raw, 'tool_call_id') ?? '';
        const name = callNames.get(id);
        if (name === undefined) throw new TranslationError('A tool message must answer a tool call of an earlier assistant message (tool_call_id).', `${at}.tool_call_id`);
        const content = contentParts(own(raw, 'content'), `${at}.content`).filter((p): p is IrResultPart => p.type === 'text' || p.type === 'image');
        pushMerged(messages, { role: 'user', parts: [{ type: 'tool_result', id, name, content }] });
        break;
      }
      default:
        throw new TranslationError(`Messages with role ${JSON.stringify(role ?? null)} cannot be sent to this model.`, `${at}.role`);
    }
  });

  const stop = own(body, 'stop');
  const maxTokens = getNumber(body, 'max_completion_tokens') ?? getNumber(body, 'max_tokens');
  const temperature = getNumber(body, 'temperature');
  const topP = getNumber(body, 'top_p');
  const toolChoice = readToolChoice(own(body, 'tool_choice'));
  const parallel = getBoolean(body, 'parallel_tool_calls');
  const responseFormat = readResponseFormat(getObject(body, 'response_format'));
  return {
    system,
    messages,
    tools: readTools(getArray(body, 'tools') ?? []),
    ...(toolChoice ? { toolChoice } : {}),
    ...(parallel === undefined ? {} : { parallelToolCalls: parallel }),
    ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(typeof stop === 'string' ? { stop: [stop] } : Array.isArray(stop) ? { stop: stop.filter((s): s is string => typeof s === 'string') } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    stream: getBoolean(body, 'stream') === true,
    includeUsage: getBoolean(getObject(body, 'stream_options') ?? {}, 'include_usage') === true,
  };
}

function textOf(content: JsonValue | undefined, param: string): string {
  if (typeof content === 'string') return content;
  return contentParts(content, param)
    .map((p) => (p.type === 'text' ? p.text : ''))
    .join('\n');
}

function contentParts(content: JsonValue | undefined, param: string): IrPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((part, k): IrPart => {
    if (!isJsonObject(part)) throw new TranslationError('Content parts must be objects.', `${param}[${k}]`);
    const type = getString(part, 'type');
    if (type === 'text') return { type: 'text', text: getString(part, 'text') ?? '' };
    // An earlier refusal in the history is what the assistant said.
    if (type === 'refusal') return { type: 'text', text: getString(part, 'refusal') ?? '' };
    if (type === 'image_url') {
      const image = getObject(part, 'image_url') ?? {};
      const url = getString(image, 'url') ?? '';
      const detail = getString(image, 'detail');
      const inline = parseDataUrl(url);
      return inline ? { type: 'image', ...inline, ...(detail ? { detail } : {}) } : { type: 'image', url, ...(detail ? { detail } : {}) };
    }
    throw new TranslationError(`Content parts of type ${JSON.stringify(type ?? null)} cannot be sent to this model.`, `${param}[${k}].type`);
  });
}

function readTools(tools: readonly JsonValue[]): IrTool[] {
  return tools.map((tool, k) => {
    const fn = isJsonObject(tool) && getString(tool, 'type') === 'function' ? getObject(tool, 'function') : undefined;
    const name = fn ? getString(fn, 'name') : undefined;
    if (!fn || name === undefined) throw new TranslationError('Only function tools can be offered to this model.', `tools[${k}]`);
    const description = getString(fn, 'description');
    const parameters = getObject(fn, 'parameters');
    return { name, ...(description === undefined ? {} : { description }), ...(parameters ? { parameters } : {}) };
  });
}

function readToolChoice(choice: JsonValue | undefined): IrToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isJsonObject(choice)) {
    const name = getString(getObject(choice, 'function') ?? {}, 'name');
    if (name !== undefined) return { type: 'tool', name };
    throw new TranslationError('This tool_choice cannot be sent to this model.', 'tool_choice');
  }
  return undefined;
}

function readResponseFormat(format: JsonObject | undefined): IrResponseFormat | undefined {
  const type = format ? getString(format, 'type') : undefined;
  if (!format || type === 'text' || type === undefined) return undefined;
  if (type === 'json_object') return { type };
  if (type === 'json_schema') {
    const spec = getObject(format, 'json_schema') ?? {};
    const name = getString(spec, 'name');
    return { type, schema: getObject(spec, 'schema') ?? { type: 'object' }, ...(name === undefined ? {} : { name }) };
  }
  throw new TranslationError(`response_format ${JSON.stringify(type)} cannot be sent to this model.`, 'response_format.type');
}
