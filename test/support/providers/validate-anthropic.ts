/**
 * What Anthropic's messages endpoint rejects: extra top-level fields, a missing or invalid max_tokens,
 * roles other than user/assistant (system is top-level), a first turn that is not the user's, turns
 * that do not alternate, empty text
 * blocks, tool_use outside assistant turns or with a malformed id, tool_result blocks that are not
 * first in the user turn right after the assistant's tool_use blocks or answer an unknown id, tool_use
 * blocks left without a tool_result, image sources of unknown types, temperature above 1.
 */
import { checkKnownKeys, checkRange, checkStringArray, first, isInteger, isObject, problem, TOOL_NAME, type Problem } from './validate-common';
import type { Json, JsonObject } from './types';

const MESSAGES_KEYS = new Set([
  'model', 'messages', 'max_tokens', 'metadata', 'stop_sequences', 'stream', 'system', 'temperature', 'thinking', 'tool_choice', 'tools', 'top_k',
  'top_p', 'service_tier', 'container', 'mcp_servers', 'context_management',
]);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/** `countTokens` takes the same request without max_tokens. */
export function validateMessagesRequest(body: JsonObject, needMaxTokens: boolean): Problem | undefined {
  return first(
    () => checkKnownKeys(body, MESSAGES_KEYS, (key) => `${key}: Extra inputs are not permitted`),
    () => (typeof body.model !== 'string' ? problem('model', 'Field required') : undefined),
    () => (needMaxTokens && body.max_tokens === undefined ? problem('max_tokens', 'Field required') : undefined),
    () => (body.max_tokens !== undefined && (!isInteger(body.max_tokens) || body.max_tokens < 1) ? problem('max_tokens', 'Input should be greater than or equal to 1') : undefined),
    () => checkSystem(body.system),
    () => checkMessages(body.messages),
    () => checkTools(body.tools),
    () => checkToolChoice(body.tool_choice),
    () => checkRange(body, 'temperature', 0, 1),
    () => checkRange(body, 'top_p', 0, 1),
    () => checkStringArray(body, 'stop_sequences', 8192),
    () => (body.stream !== undefined && typeof body.stream !== 'boolean' ? problem('stream', 'Input should be a valid boolean') : undefined),
  );
}

function checkSystem(system: Json | undefined): Problem | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system) || system.some((b) => !isObject(b) || b.type !== 'text' || typeof b.text !== 'string')) return problem('system', 'Input should be a valid string or a list of text blocks');
  return undefined;
}

function checkMessages(messages: Json | undefined): Problem | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return problem('messages', 'Field required');
  let previousRole: string | undefined;
  let pendingToolUses = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const at = `messages.${i}`;
    if (!isObject(message)) return problem(at, 'Input should be an object');
    const role = message.role;
    if (role !== 'user' && role !== 'assistant') return problem(`${at}.role`, "Input should be 'user' or 'assistant' (system prompts go in the top-level `system` field)");
    if (i === 0 && role !== 'user') return problem('messages', 'first message must use the "user" role');
    if (role === previousRole) return problem(at, 'roles must alternate between "user" and "assistant"');
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content } as JsonObject] : message.content;
    if (!Array.isArray(blocks)) return problem(`${at}.content`, 'Input should be a valid string or list of content blocks');
    if (blocks.length === 0 && !(role === 'assistant' && i === messages.length - 1)) return problem(`${at}.content`, 'all messages must have non-empty content except for the optional final assistant message');
    const answered = new Set<string>();
    let seenOther = false;
    const toolUses = new Set<string>();
    for (let k = 0; k < blocks.length; k++) {
      const block = blocks[k];
      const bat = `${at}.content.${k}`;
      if (!isObject(block)) return problem(bat, 'Input should be an object');
      switch (block.type) {
        case 'text':
          if (typeof block.text !== 'string' || (block.text.length === 0 && !(role === 'assistant' && i === messages.length - 1))) return problem(bat, 'text content blocks must be non-empty');
          seenOther = true;
          break;
        case 'image': {
          const bad = checkImage(block, bat);
          if (bad) return bad;
          seenOther = true;
          break;
        }
        case 'tool_use':
          if (role !== 'assistant') return problem(bat, '`tool_use` blocks can only be in `assistant` messages');
          if (typeof block.id !== 'string' || !TOOL_ID.test(block.id)) return problem(`${bat}.id`, "String should match pattern '^[a-zA-Z0-9_-]+$'");
          if (typeof block.name !== 'string') return problem(`${bat}.name`, 'Field required');
          if (!isObject(block.input)) return problem(`${bat}.input`, 'Input should be a valid dictionary');
          toolUses.add(block.id);
          break;
        case 'tool_result': {
          if (role !== 'user') return problem(bat, '`tool_result` blocks can only be in `user` messages');
          if (seenOther) return problem(bat, '`tool_result` blocks must come first in the user message content, before any other blocks');
          if (typeof block.tool_use_id !== 'string' || !pendingToolUses.has(block.tool_use_id)) {
            return problem(bat, `unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
          }
          answered.add(block.tool_use_id);
          const content = block.content;
          if (content !== undefined && typeof content !== 'string') {
            if (!Array.isArray(content)) return problem(`${bat}.content`, 'Input should be a valid string or list of blocks');
            for (let j = 0; j < content.length; j++) {
              const inner = content[j];
              if (!isObject(inner) || (inner.type !== 'text' && inner.type !== 'image' && inner.type !== 'document' && inner.type !== 'search_result')) return problem(`${bat}.content.${j}`, 'Input tag does not match any of the expected tags');
              if (inner.type === 'image') {
                const bad = checkImage(inner, `${bat}.content.${j}`);
                if (bad) return bad;
              }
            }
          }
          break;
        }
        case 'thinking':
        case 'redacted_thinking':
          if (role !== 'assistant') return problem(bat, 'thinking blocks can only be in assistant messages');
          break;
        case 'document':
        case 'search_result':
          seenOther = true;
          break;
        default:
          return problem(`${bat}.type`, `Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`);
      }
    }
    if (role === 'user' && pendingToolUses.size > 0) {
      const missing = [...pendingToolUses].filter((id) => !answered.has(id));
      if (missing.length > 0) return problem(at, `\`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    pendingToolUses = role === 'assistant' ? toolUses : new Set();
    previousRole = role;
  }
  return undefined;
}

function checkImage(block: JsonObject, at: string): Problem | undefined {
  const source = block.source;
  if (!isObject(source)) return problem(`${at}.source`, 'Field required');
  if (source.type === 'base64') {
    if (typeof source.media_type !== 'string' || !IMAGE_TYPES.has(source.media_type)) return problem(`${at}.source.media_type`, "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
    if (typeof source.data !== 'string' || source.data.length === 0 || source.data.startsWith('data:')) return problem(`${at}.source.data`, 'Input should be base64 data (without a data: prefix)');
    return undefined;
  }
  if (source.type === 'url') return typeof source.url === 'string' && /^https?:\/\//.test(source.url) ? undefined : problem(`${at}.source.url`, 'Input should be a valid URL');
  if (source.type === 'file') return undefined;
  return problem(`${at}.source.type`, "Input tag does not match any of the expected tags: 'base64', 'url', 'file'");
}

function checkTools(tools: Json | undefined): Problem | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return problem('tools', 'Input should be a valid list');
  for (let k = 0; k < tools.length; k++) {
    const tool = tools[k];
    if (!isObject(tool)) return problem(`tools.${k}`, 'Input should be an object');
    if (tool.type !== undefined && tool.type !== 'custom') continue; // server tools (web_search_...)
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return problem(`tools.${k}.name`, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
    if (!isObject(tool.input_schema)) return problem(`tools.${k}.input_schema`, 'Field required');
    if (tool.input_schema.type !== 'object') return problem(`tools.${k}.input_schema.type`, "Input should be 'object'");
  }
  return undefined;
}

function checkToolChoice(choice: Json | undefined): Problem | undefined {
  if (choice === undefined) return undefined;
  if (!isObject(choice)) return problem('tool_choice', 'Input should be an object');
  if (choice.type === 'auto' || choice.type === 'any' || choice.type === 'none') return undefined;
  if (choice.type === 'tool' && typeof choice.name === 'string') return undefined;
  return problem('tool_choice', "Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
}
