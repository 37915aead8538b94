/**
 * What OpenAI's chat completions endpoint rejects: unknown fields, messages of unknown roles or with
 * content of the wrong type, tool_calls whose arguments are not a JSON string, a `tool` message that
 * does not answer a tool_call id of the assistant message before it (or an assistant's tool_calls
 * left unanswered), tools without a valid function name, out-of-range sampling parameters, and
 * stream_options without stream.
 */
import { checkKnownKeys, checkPositiveInteger, checkRange, first, isObject, problem, TOOL_NAME, type Problem } from './validate-common';
import type { Json, JsonObject } from './types';

const CHAT_KEYS = new Set([
  'model', 'messages', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens',
  'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'reasoning_effort', 'response_format',
  'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs',
  'top_p', 'user', 'verbosity', 'web_search_options',
]);

export function validateChatRequest(body: JsonObject): Problem | undefined {
  return first(
    () => checkKnownKeys(body, CHAT_KEYS, (key) => `Unrecognized request argument supplied: ${key}`),
    () => checkMessages(body.messages),
    () => checkTools(body.tools),
    () => checkToolChoice(body.tool_choice),
    () => checkPositiveInteger(body, 'max_tokens'),
    () => checkPositiveInteger(body, 'max_completion_tokens'),
    () => checkRange(body, 'temperature', 0, 2),
    () => checkRange(body, 'top_p', 0, 1),
    () => checkStop(body.stop),
    () => (body.stream !== undefined && typeof body.stream !== 'boolean' ? problem('stream', 'Input should be a valid boolean') : undefined),
    () => (body.stream_options !== undefined && body.stream !== true ? problem('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled.") : undefined),
    () => checkResponseFormat(body.response_format),
  );
}

function checkMessages(messages: Json | undefined): Problem | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return problem('messages', "Missing required parameter: 'messages'.");
  /** Tool call ids of the last assistant message still waiting for their `tool` messages. */
  let pending: Set<string> | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const at = `messages[${i}]`;
    if (!isObject(message)) return problem(at, 'Input should be an object');
    const role = message.role;
    if (role !== 'tool' && pending && pending.size > 0) {
      return problem(at, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`);
    }
    switch (role) {
      case 'system':
      case 'developer':
      case 'user': {
        const bad = checkContent(message.content, `${at}.content`, role === 'user');
        if (bad) return bad;
        pending = undefined;
        break;
      }
      case 'assistant': {
        const calls = message.tool_calls;
        if ((message.content === undefined || message.content === null) && calls === undefined && message.function_call === undefined) {
          return problem(`${at}.content`, "Missing required parameter: 'content' (an assistant message needs content or tool_calls).");
        }
        if (message.content !== undefined && message.content !== null) {
          const bad = checkContent(message.content, `${at}.content`, false);
          if (bad) return bad;
        }
        pending = new Set();
        if (calls !== undefined) {
          if (!Array.isArray(calls) || calls.length === 0) return problem(`${at}.tool_calls`, 'Input should be a non-empty array');
          for (let k = 0; k < calls.length; k++) {
            const call = calls[k];
            const cat = `${at}.tool_calls[${k}]`;
            if (!isObject(call) || typeof call.id !== 'string' || call.id.length === 0) return problem(`${cat}.id`, "Missing required parameter: 'id'.");
            if (call.type !== 'function') return problem(`${cat}.type`, "Input should be 'function'");
            const fn = call.function;
            if (!isObject(fn) || typeof fn.name !== 'string') return problem(`${cat}.function.name`, "Missing required parameter: 'name'.");
            if (typeof fn.arguments !== 'string') return problem(`${cat}.function.arguments`, 'Input should be a valid string');
            pending.add(call.id);
          }
        }
        break;
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') return problem(`${at}.tool_call_id`, "Missing required parameter: 'tool_call_id'.");
        if (!pending || !pending.has(message.tool_call_id)) {
          return problem(at, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
        }
        pending.delete(message.tool_call_id);
        const bad = checkContent(message.content, `${at}.content`, false);
        if (bad) return bad;
        break;
      }
      case 'function':
        pending = undefined;
        break;
      default:
        return problem(`${at}.role`, "Input should be 'system', 'developer', 'user', 'assistant', 'tool' or 'function'");
    }
  }
  return undefined;
}

function checkContent(content: Json | undefined, at: string, allowMedia: boolean): Problem | undefined {
  if (typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return problem(at, 'Input should be a valid string or a list of content parts');
  for (let k = 0; k < content.length; k++) {
    const part = content[k];
    const pat = `${at}[${k}]`;
    if (!isObject(part)) return problem(pat, 'Input should be an object');
    if (part.type === 'text' || part.type === 'refusal') {
      if (typeof part.text !== 'string' && typeof part.refusal !== 'string') return problem(`${pat}.text`, "Missing required parameter: 'text'.");
    } else if (allowMedia && part.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : undefined;
      if (typeof url !== 'string' || !/^(https?:\/\/|data:image\/[a-z+.-]+;base64,)/.test(url)) return problem(`${pat}.image_url.url`, 'Invalid image URL: expected an http(s) URL or a base64 data URL.');
    } else if (!(allowMedia && (part.type === 'input_audio' || part.type === 'file'))) {
      return problem(`${pat}.type`, `Invalid value: '${String(part.type)}'. Supported values are: 'text'${allowMedia ? ", 'image_url', 'input_audio', 'file'" : ''}.`);
    }
  }
  return undefined;
}

function checkTools(tools: Json | undefined): Problem | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return problem('tools', 'Input should be a valid list');
  for (let k = 0; k < tools.length; k++) {
    const tool = tools[k];
    if (!isObject(tool) || (tool.type !== 'function' && tool.type !== 'custom')) return problem(`tools[${k}].type`, "Input should be 'function' or 'custom'");
    if (tool.type === 'custom') continue;
    const fn = tool.function;
    if (!isObject(fn) || typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name) || fn.name.length > 64) {
      return problem(`tools[${k}].function.name`, "Invalid 'name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.");
    }
    if (fn.parameters !== undefined && !isObject(fn.parameters)) return problem(`tools[${k}].function.parameters`, 'Input should be an object');
  }
  return undefined;
}

function checkToolChoice(choice: Json | undefined): Problem | undefined {
  if (choice === undefined || choice === 'none' || choice === 'auto' || choice === 'required') return undefined;
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') return undefined;
  if (isObject(choice) && (choice.type === 'allowed_tools' || choice.type === 'custom')) return undefined;
  return problem('tool_choice', "Invalid value: expected 'none', 'auto', 'required' or a named function.");
}

function checkStop(stop: Json | undefined): Problem | undefined {
  if (stop === undefined || stop === null || typeof stop === 'string') return undefined;
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')) return problem('stop', 'Input should be a string or a list of strings');
  if (stop.length > 4) return problem('stop', 'List should have at most 4 items');
  return undefined;
}

function checkResponseFormat(format: Json | undefined): Problem | undefined {
  if (format === undefined) return undefined;
  if (!isObject(format)) return problem('response_format', 'Input should be an object');
  if (format.type === 'text' || format.type === 'json_object') return undefined;
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    if (!isObject(spec) || typeof spec.name !== 'string') return problem('response_format.json_schema.name', "Missing required parameter: 'response_format.json_schema.name'.");
    return undefined;
  }
  return problem('response_format.type', "Invalid value. Supported values are: 'text', 'json_object' and 'json_schema'.");
}
