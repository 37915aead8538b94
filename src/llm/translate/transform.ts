/**
 * The response translator the pipeline puts first in its transform chain: whatever body the provider
 * sends (a JSON response, an error, an SSE stream) comes out in the client's API.
 */
import type { ApiFamily, ParseableApiId } from '../apis';
import { apiError, renderError } from '../errors';
import { translateErrorBody } from './errors';
import { translateResponseBody } from './response';
import { StreamTranslator } from './stream';

export interface ResponseTranslatorOptions {
  /** The provider's response API (TranslatedRequest.providerApi). */
  readonly from: ParseableApiId;
  /** The client's API family. */
  readonly to: ApiFamily;
  /** How the body arrives: one whole JSON body, or SSE chunks. */
  readonly mode: 'buffered' | 'streamed';
  /** The provider's HTTP status: >= 400 is an error body to re-shape. */
  readonly status: number;
  /** The model name the client asked for. */
  readonly model: string;
  /** OpenAI clients of a stream: whether they asked for the usage chunk. */
  readonly includeUsage: boolean;
  /** Echoed in Anthropic error bodies. */
  readonly requestId?: string;
  readonly now?: () => number;
}

/** push(chunk) -> bytes for the client now (possibly empty); end() -> the rest. Structurally a ResponseTransform. */
export interface ResponseTranslator {
  readonly name: string;
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

export function createResponseTranslator(options: ResponseTranslatorOptions): ResponseTranslator {
  if (options.mode === 'streamed' && options.status < 400) return new StreamTranslator(options);
  return new JsonTranslator(options);
}

/** A whole body: held until it ends (BUFFERED mode delivers it in one message anyway), then translated. */
class JsonTranslator implements ResponseTranslator {
  readonly name = 'translate';
  private readonly chunks: Buffer[] = [];

  constructor(private readonly options: ResponseTranslatorOptions) {}

  push(chunk: Buffer): Buffer {
    this.chunks.push(chunk);
    return Buffer.alloc(0);
  }

  end(): Buffer {
    const body = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    const { options } = this;
    const requestId = options.requestId === undefined ? {} : { requestId: options.requestId };
    if (options.status >= 400) return translateErrorBody(options.status, body, options.to, requestId).body;
    const translated = translateResponseBody(body, options);
    if (translated) return translated;
    // Not a response we can read: the client gets a clear error in its own shape, never foreign JSON.
    return renderError(options.to, apiError(502, 'upstream_error', 'The provider sent a response the gateway could not read.'), requestId).body;
  }
}
