/**
 * Provider streams in each client API's wire shape, built from a list of text deltas, and a reader that
 * turns what a client received back into its text: shared by the output-stage tests and the benchmark.
 */
import { decodeSseBody, type StreamingApiId } from '../../llm';

const sse = (data: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

export const STREAMING_APIS: readonly StreamingApiId[] = ['openai.chat_completions', 'openai.responses', 'anthropic.messages', 'gemini.stream_generate_content'];

/** A complete, well-formed stream whose text is `deltas.join('')`; `toolArgs` adds a tool call streamed in those pieces. */
export function providerStream(api: StreamingApiId, deltas: readonly string[], toolArgs?: readonly string[]): string {
  const text = deltas.join('');
  switch (api) {
    case 'openai.chat_completions': {
      const envelope = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
      let out = sse({ ...envelope, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      for (const delta of deltas) out += sse({ ...envelope, choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] });
      if (toolArgs) {
        out += sse({ ...envelope, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'send', arguments: '' } }] }, finish_reason: null }] });
        for (const piece of toolArgs) out += sse({ ...envelope, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null }] });
      }
      out += sse({ ...envelope, choices: [{ index: 0, delta: {}, finish_reason: toolArgs ? 'tool_calls' : 'stop' }] });
      out += sse({ ...envelope, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } });
      return `${out}data: [DONE]\n\n`;
    }
    case 'anthropic.messages': {
      let out = sse({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } }, 'message_start');
      out += sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
      for (const delta of deltas) out += sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: delta } }, 'content_block_delta');
      out += sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
      if (toolArgs) {
        out += sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'send', input: {} } }, 'content_block_start');
        for (const piece of toolArgs) out += sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta');
        out += sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop');
      }
      out += sse({ type: 'message_delta', delta: { stop_reason: toolArgs ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }, 'message_delta');
      return out + sse({ type: 'message_stop' }, 'message_stop');
    }
    case 'openai.responses': {
      let seq = 0;
      const ev = (data: Record<string, unknown>): string => sse({ ...data, sequence_number: seq++ }, data.type as string);
      const message = (t: string) => ({ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: t, annotations: [] }] });
      let out = ev({ type: 'response.created', response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [] } });
      out += ev({ type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
      out += ev({ type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const delta of deltas) out += ev({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta, logprobs: [] });
      out += ev({ type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text, logprobs: [] });
      out += ev({ type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
      out += ev({ type: 'response.output_item.done', output_index: 0, item: message(text) });
      const output: unknown[] = [message(text)];
      if (toolArgs) {
        const args = toolArgs.join('');
        const call = (a: string) => ({ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'send', arguments: a });
        out += ev({ type: 'response.output_item.added', output_index: 1, item: { ...call(''), status: 'in_progress' } });
        for (const piece of toolArgs) out += ev({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: piece });
        out += ev({ type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 1, arguments: args });
        out += ev({ type: 'response.output_item.done', output_index: 1, item: call(args) });
        output.push(call(args));
      }
      return out + ev({ type: 'response.completed', response: { id: 'resp_1', object: 'response', status: 'completed', output, usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } } });
    }
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content': {
      let out = '';
      deltas.forEach((delta, i) => {
        const last = i === deltas.length - 1 && !toolArgs;
        out += sse({ candidates: [{ content: { role: 'model', parts: [{ text: delta }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }], modelVersion: 'gemini-2.0-flash', ...(last ? { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 } } : {}) });
      });
      if (toolArgs) {
        out += sse({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'send', args: JSON.parse(toolArgs.join('')) as unknown } }] }, index: 0, finishReason: 'STOP' }], modelVersion: 'gemini-2.0-flash' });
      }
      return out;
    }
  }
}

export interface ReceivedStream {
  /** The text deltas concatenated. */
  readonly text: string;
  /** Tool-call argument deltas concatenated. */
  readonly toolArgs: string;
  /** Whole-text snapshots the stream carried (Responses), in order. */
  readonly snapshots: readonly string[];
  readonly errors: readonly { readonly code?: string; readonly message: string }[];
}

export function readStream(api: StreamingApiId, body: Buffer | string): ReceivedStream {
  let text = '';
  let toolArgs = '';
  const snapshots: string[] = [];
  const errors: { code?: string; message: string }[] = [];
  for (const event of decodeSseBody(api, typeof body === 'string' ? Buffer.from(body) : body)) {
    if (event.type === 'text_delta') text += event.text;
    else if (event.type === 'tool_call_delta') toolArgs += event.argumentsDelta;
    else if (event.type === 'text_snapshot') snapshots.push(event.text);
    else if (event.type === 'error') errors.push({ ...(event.code === undefined ? {} : { code: event.code }), message: event.message });
  }
  return { text, toolArgs, snapshots, errors };
}
