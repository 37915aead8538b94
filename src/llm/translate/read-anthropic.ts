/** Anthropic messages request -> neutral form. The body already passed the messages schema. */
import { getArray, getBoolean, getNumber, getObject, getString, isJsonObject, own, type JsonObject, type JsonValue } from '../json';
import { pushMerged, TranslationError, type IrMessage, type IrPart, type IrRequest, type IrResultPart, type IrTool, type IrToolChoice } from './ir';

export function readAnthropicMessages(body: JsonObject): IrRequest {
  const system: string[] = [];
  const rawSystem = own(body, 'system');
  if (typeof rawSystem === 'string') system.push(rawSystem);
  else if (Array.isArray(rawSystem)) system.push(...rawSystem.flatMap((b) => (isJsonObject(b) && typeof b.text === 'string' ? [b.text] : [])));

  const messages: IrMessage[] = [];
  const callNames = new Map<string, string>();
  (getArray(body, 'messages') ?? []).forEach((raw, i) => {
    if (!isJsonObject(raw)) return;
    const role = getString(raw, 'role') === 'assistant' ? 'assistant' : 'user';
    const parts = blocks(own(raw, 'content'), `messages[${i}].content`, callNames);
    pushMerged(messages, { role, parts });
  });

  const choice = readToolChoice(getObject(body, 'tool_choice'));
  const disableParallel = getBoolean(getObject(body, 'tool_choice') ?? {}, 'disable_parallel_tool_use');
  const maxTokens = getNumber(body, 'max_tokens');
  const temperature = getNumber(body, 'temperature');
  const topP = getNumber(body, 'top_p');
  const topK = getNumber(body, 'top_k');
  const stop = getArray(body, 'stop_sequences');
  return {
    system,
    messages,
    tools: readTools(getArray(body, 'tools') ?? []),
    ...(choice ? { toolChoice: choice } : {}),
    ...(disableParallel === true ? { parallelToolCalls: false } : {}),
    ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(topK === undefined ? {} : { topK }),
    ...(stop ? { stop: stop.filter((s): s is string => typeof s === 'string') } : {}),
    stream: getBoolean(body, 'stream') === true,
    includeUsage: false,
  };
}

function blocks(content: JsonValue | undefined, param: string, callNames: Map<string, string>): IrPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const parts: IrPart[] = [];
  content.forEach((block, k) => {
    if (!isJsonObject(block)) return;
    const at = `${param}[${k}]`;
    const type = getString(block, 'type');
    switch (type) {
      case 'text':
        parts.push({ type: 'text', text: getString(block, 'text') ?? '' });
        break;
      case 'image':
        parts.push(image(block, at));
        break;
      case 'tool_use': {
        const id = getString(block, 'id') ?? '';
        const name = getString(block, 'name') ?? '';
        callNames.set(id, name);
        parts.push({ type: 'tool_call', id, name, arguments: getObject(block, 'input') ?? {} });
        break;
      }
      case 'tool_result': {
        const id = getString(block, 'tool_use_id') ?? '';
        const name = callNames.get(id);
        if (name === undefined) throw new TranslationError('A tool_result must answer a tool_use of an earlier assistant message (tool_use_id).', `${at}.tool_use_id`);
        const inner = own(block, 'content');
        const result: IrResultPart[] =
          typeof inner === 'string'
            ? [{ type: 'text', text: inner }]
            : (Array.isArray(inner) ? inner : []).flatMap((b, j): IrResultPart[] => {
                if (!isJsonObject(b)) return [];
                if (b.type === 'text') return [{ type: 'text', text: getString(b, 'text') ?? '' }];
                if (b.type === 'image') return [image(b, `${at}.content[${j}]`)];
                throw new TranslationError(`tool_result content of type ${JSON.stringify(b.type ?? null)} cannot be sent to this model.`, `${at}.content[${j}]`);
              });
        parts.push({ type: 'tool_result', id, name, content: result, ...(getBoolean(block, 'is_error') === true ? { isError: true } : {}) });
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
        // Signed reasoning only Anthropic can verify: another provider cannot take it back, and it is
        // not part of the conversation's meaning, so it stays behind.
        break;
      default:
        throw new TranslationError(`Content blocks of type ${JSON.stringify(type ?? null)} cannot be sent to this model.`, `${at}.type`);
    }
  });
  return parts;
}

function image(block: JsonObject, at: string): Extract<IrPart, { type: 'image' }> {
  const source = getObject(block, 'source') ?? {};
  const kind = getString(source, 'type');
  if (kind === 'base64') return { type: 'image', mimeType: getString(source, 'media_type') ?? 'image/png', data: getString(source, 'data') ?? '' };
  if (kind === 'url') return { type: 'image', url: getString(source, 'url') ?? '' };
  throw new TranslationError(`Image sources of type ${JSON.stringify(kind ?? null)} cannot be sent to this model.`, `${at}.source.type`);
}

function readTools(tools: readonly JsonValue[]): IrTool[] {
  return tools.map((tool, k) => {
    const type = isJsonObject(tool) ? getString(tool, 'type') : undefined;
    if (!isJsonObject(tool) || (type !== undefined && type !== 'custom')) {
      throw new TranslationError('Only client tools (name, input_schema) can be offered to this model; server tools run at Anthropic only.', `tools[${k}]`);
    }
    const description = getString(tool, 'description');
    const parameters = getObject(tool, 'input_schema');
    return { name: getString(tool, 'name') ?? '', ...(description === undefined ? {} : { description }), ...(parameters ? { parameters } : {}) };
  });
}

function readToolChoice(choice: JsonObject | undefined): IrToolChoice | undefined {
  switch (choice ? getString(choice, 'type') : undefined) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: getString(choice ?? {}, 'name') ?? '' };
    default:
      return undefined;
  }
}
