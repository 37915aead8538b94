/**
 * What the benchmark's simulated Envoy sends: the ext_proc messages of one OpenAI chat completion, built
 * as plain objects and encoded ONCE with the project's own proto definitions. Both drivers (Go and Node)
 * send exactly these bytes, so the drivers do no per-message encoding and see identical traffic.
 *
 * Scenario "json": a buffered ~1 KB chat.completion response with usage.
 * Scenario "sse": the same completion streamed as 50 `chat.completion.chunk` SSE events, the last ones
 * carrying finish_reason, usage and `data: [DONE]`, one ext_proc message per chunk.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type { ProtoHeaderValue, ProtoProcessingRequest, ProtoProcessingResponse } from '../src/extproc/envoy-types';
import { externalProcessorService } from '../src/extproc/protos';
import { toProtoStruct } from '../src/extproc/struct';

export type ScenarioName = 'json' | 'sse';
export const SCENARIOS: readonly ScenarioName[] = ['json', 'sse'];

export type BodyMode = 'NONE' | 'BUFFERED' | 'STREAMED' | 'BUFFERED_PARTIAL';

/** Every ProcessingRequest of one exchange, already encoded. */
export interface EncodedScenario {
  readonly name: ScenarioName;
  /** A pool of request_headers messages that differ in x-request-id (and the request.id attribute). */
  readonly requestHeaders: readonly Buffer[];
  readonly requestBody: Buffer;
  readonly responseHeaders: Buffer;
  /** The whole response body in one message (BUFFERED). */
  readonly responseBodyBuffered: Buffer;
  /** One message per chunk (STREAMED); the last carries end_of_stream. */
  readonly responseBodyStreamed: readonly Buffer[];
  /**
   * Body modes the simulated Envoy uses when the server sends no mode_override. Request body BUFFERED as
   * in envoy/envoy-local.yaml. The response body mode is the one the sidecar would choose (BUFFERED for
   * JSON, STREAMED for SSE) so a server that overrides nothing (the no-op baseline) gets the same
   * messages as the sidecar; the shipped config has NONE there and relies on mode_override.
   */
  readonly defaultRequestBodyMode: BodyMode;
  readonly defaultResponseBodyMode: BodyMode;
  /** ext_proc messages per exchange when the server follows the defaults (what a run should report). */
  readonly messagesPerExchange: number;
  /** Sizes, for the report. */
  readonly sizes: { readonly requestBody: number; readonly responseBody: number; readonly chunks: number };
}

const REQUEST_HEADER_POOL = 256;
const SSE_CHUNKS = 50;
const MODEL = 'gpt-4o-mini-2024-07-18';

const processMethod = (): grpc.MethodDefinition<ProtoProcessingRequest, ProtoProcessingResponse> =>
  externalProcessorService().Process as grpc.MethodDefinition<ProtoProcessingRequest, ProtoProcessingResponse>;

export function encodeRequest(message: ProtoProcessingRequest): Buffer {
  return processMethod().requestSerialize(message);
}

export function decodeResponse(bytes: Buffer): ProtoProcessingResponse {
  return processMethod().responseDeserialize(bytes);
}

const raw = (key: string, value: string): ProtoHeaderValue => ({ key, raw_value: Buffer.from(value, 'utf8') });

/** A ~1 KB OpenAI chat completion request, as the official Python SDK sends it. */
export function chatCompletionRequestBody(stream: boolean): Buffer {
  const body: Record<string, unknown> = {
    model: BENCH_MODEL,
    messages: [
      {
        role: 'system',
        content:
          'You are a support assistant for Acme Cloud. Answer briefly and precisely, cite the relevant ' +
          'documentation section when you can, never reveal internal ticket numbers, and ask one clarifying ' +
          'question when the request is ambiguous.',
      },
      {
        role: 'user',
        content:
          'Our nightly export job to the object store started failing yesterday with "403 AccessDenied" on ' +
          'PutObject, although nobody changed the bucket policy. The job runs under the service account ' +
          'export-runner in project analytics-prod, region eu-west-1. What are the most likely causes and ' +
          'how do I confirm each one from the audit logs before I change any permissions?',
      },
      { role: 'assistant', content: 'Could you tell me whether the bucket uses customer-managed encryption keys?' },
      { role: 'user', content: 'Yes, it uses a customer-managed key that was rotated last week by the security team.' },
    ],
    temperature: 0.2,
    max_tokens: 512,
    user: 'user-4f1c2a',
  };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return Buffer.from(JSON.stringify(body), 'utf8');
}

const ANSWER =
  'The most likely cause is the key rotation: after a customer-managed key is rotated, the service account ' +
  'needs encrypt and decrypt permission on the new key version, and PutObject then fails with AccessDenied ' +
  'even though the bucket policy is unchanged. Check the audit log for kms:GenerateDataKey denials for ' +
  'export-runner first. Second, look for a changed organisation policy or permission boundary on the ' +
  'project. Third, confirm that the job still assumes the role you expect and not a fallback identity.';

const USAGE = {
  prompt_tokens: 187,
  completion_tokens: 92,
  total_tokens: 279,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

function chatCompletionResponseBody(id: string, created: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      model: MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: ANSWER, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
      service_tier: 'default',
      system_fingerprint: 'fp_0ba0d124f1',
    }),
    'utf8',
  );
}

/** 50 SSE events: a role delta, content deltas, a finish_reason chunk, a usage chunk and [DONE]. */
function chatCompletionChunks(id: string, created: number, count: number): Buffer[] {
  const event = (chunk: object): string => `data: ${JSON.stringify(chunk)}\n\n`;
  const base = { id, object: 'chat.completion.chunk', created, model: MODEL, service_tier: 'default', system_fingerprint: 'fp_0ba0d124f1' };
  const contentChunks = count - 4; // role, finish_reason, usage, [DONE]
  const words = ANSWER.split(/(?<= )/);
  const pieces: string[] = [];
  for (let i = 0; i < contentChunks; i++) {
    const from = Math.floor((i * words.length) / contentChunks);
    const to = Math.floor(((i + 1) * words.length) / contentChunks);
    pieces.push(words.slice(from, to).join(''));
  }
  const events = [
    event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null }),
    ...pieces.map((content) => event({ ...base, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], usage: null })),
    event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }),
    event({ ...base, choices: [], usage: USAGE }),
    'data: [DONE]\n\n',
  ];
  return events.map((text) => Buffer.from(text, 'utf8'));
}

function requestHeadersMessage(body: Buffer, apiKey: string, requestId: string, now: Date): ProtoProcessingRequest {
  return {
    request_headers: {
      headers: {
        headers: [
          raw(':authority', 'llm.acme.example'),
          raw(':path', '/v1/chat/completions'),
          raw(':method', 'POST'),
          raw(':scheme', 'https'),
          raw('content-type', 'application/json'),
          raw('content-length', String(body.length)),
          raw('authorization', `Bearer ${apiKey}`),
          raw('accept', 'application/json'),
          raw('accept-encoding', 'gzip, deflate'),
          raw('user-agent', 'OpenAI/Python 1.99.9'),
          raw('x-stainless-lang', 'python'),
          raw('x-stainless-package-version', '1.99.9'),
          raw('x-stainless-os', 'Linux'),
          raw('x-stainless-arch', 'x64'),
          raw('x-stainless-runtime', 'CPython'),
          raw('x-stainless-runtime-version', '3.12.3'),
          raw('x-stainless-retry-count', '0'),
          raw('x-stainless-read-timeout', '600'),
          raw('x-forwarded-for', '10.20.30.40'),
          raw('x-forwarded-proto', 'https'),
          raw('x-request-id', requestId),
        ],
      },
      end_of_stream: false,
    },
    // H3: request_attributes of the shipped config, on the first message of the request direction.
    attributes: {
      'envoy.filters.http.ext_proc': toProtoStruct({
        'source.address': '10.20.30.40:51234',
        'request.id': requestId,
        'request.time': now.toISOString(),
        'connection.mtls': false,
      }),
    },
  };
}

function responseHeadersMessage(scenario: ScenarioName, body: Buffer, requestId: string, now: Date): ProtoProcessingRequest {
  const contentHeaders =
    scenario === 'json'
      ? [raw('content-type', 'application/json'), raw('content-length', String(body.length))]
      : [raw('content-type', 'text/event-stream; charset=utf-8'), raw('cache-control', 'no-cache')];
  return {
    response_headers: {
      headers: {
        headers: [
          raw(':status', '200'),
          ...contentHeaders,
          raw('date', now.toUTCString()),
          raw('openai-organization', 'acme-prod'),
          raw('openai-processing-ms', '812'),
          raw('openai-version', '2020-10-01'),
          raw('x-ratelimit-limit-requests', '10000'),
          raw('x-ratelimit-remaining-requests', '9999'),
          raw('x-ratelimit-limit-tokens', '10000000'),
          raw('x-ratelimit-remaining-tokens', '9999488'),
          raw('x-request-id', requestId),
          raw('x-envoy-upstream-service-time', '815'),
        ],
      },
      end_of_stream: false,
    },
  };
}

/** The bench tenant's API key: fixed, so the sidecar config the bench writes can admit it by hash. */
export const BENCH_API_KEY = 'sk-llmgw-bench-0123456789abcdef0123456789abcdef';
/** The model the bench requests (the response names the provider's dated snapshot, as OpenAI does). */
export const BENCH_MODEL = 'gpt-4o-mini';

export function buildScenario(name: ScenarioName): EncodedScenario {
  const now = new Date();
  const created = Math.floor(now.getTime() / 1000);
  const completionId = `chatcmpl-${randomBytes(15).toString('base64url')}`;
  const apiKey = BENCH_API_KEY;
  const requestBody = chatCompletionRequestBody(name === 'sse');
  const requestHeaders = Array.from({ length: REQUEST_HEADER_POOL }, () =>
    encodeRequest(requestHeadersMessage(requestBody, apiKey, randomUUID(), now)),
  );
  const chunks = name === 'sse' ? chatCompletionChunks(completionId, created, SSE_CHUNKS) : [chatCompletionResponseBody(completionId, created)];
  const wholeBody = Buffer.concat(chunks);
  const bodyMessage = (body: Buffer, endOfStream: boolean): Buffer => encodeRequest({ response_body: { body, end_of_stream: endOfStream } });
  return {
    name,
    requestHeaders,
    requestBody: encodeRequest({ request_body: { body: requestBody, end_of_stream: true } }),
    responseHeaders: encodeRequest(responseHeadersMessage(name, wholeBody, randomUUID(), now)),
    responseBodyBuffered: bodyMessage(wholeBody, true),
    responseBodyStreamed: chunks.map((chunk, i) => bodyMessage(chunk, i === chunks.length - 1)),
    defaultRequestBodyMode: 'BUFFERED',
    defaultResponseBodyMode: name === 'sse' ? 'STREAMED' : 'BUFFERED',
    messagesPerExchange: 3 + chunks.length,
    sizes: { requestBody: requestBody.length, responseBody: wholeBody.length, chunks: chunks.length },
  };
}

/** The scenario file the Go driver reads (bytes as base64, which Go's encoding/json decodes into []byte). */
export function writeScenarioFile(file: string, scenario: EncodedScenario): void {
  const b64 = (buffer: Buffer): string => buffer.toString('base64');
  writeFileSync(
    file,
    JSON.stringify({
      name: scenario.name,
      requestHeaders: scenario.requestHeaders.map(b64),
      requestBody: b64(scenario.requestBody),
      responseHeaders: b64(scenario.responseHeaders),
      responseBodyBuffered: b64(scenario.responseBodyBuffered),
      responseBodyStreamed: scenario.responseBodyStreamed.map(b64),
      defaultRequestBodyMode: scenario.defaultRequestBodyMode,
      defaultResponseBodyMode: scenario.defaultResponseBodyMode,
    }),
  );
}

/** Inverse of writeScenarioFile, for the Node driver. */
export function readScenarioFile(text: string): EncodedScenario {
  const parsed = JSON.parse(text) as {
    name: ScenarioName;
    requestHeaders: string[];
    requestBody: string;
    responseHeaders: string;
    responseBodyBuffered: string;
    responseBodyStreamed: string[];
    defaultRequestBodyMode: BodyMode;
    defaultResponseBodyMode: BodyMode;
  };
  const buf = (s: string): Buffer => Buffer.from(s, 'base64');
  const streamed = parsed.responseBodyStreamed.map(buf);
  return {
    name: parsed.name,
    requestHeaders: parsed.requestHeaders.map(buf),
    requestBody: buf(parsed.requestBody),
    responseHeaders: buf(parsed.responseHeaders),
    responseBodyBuffered: buf(parsed.responseBodyBuffered),
    responseBodyStreamed: streamed,
    defaultRequestBodyMode: parsed.defaultRequestBodyMode,
    defaultResponseBodyMode: parsed.defaultResponseBodyMode,
    messagesPerExchange: 3 + streamed.length,
    sizes: { requestBody: 0, responseBody: 0, chunks: streamed.length },
  };
}
