/**
 * A local sentence-embedding model (BERT family: MiniLM, BGE, E5...) exported to ONNX, run with
 * onnxruntime-node. The package is not a dependency of the gateway: the operator who wants this installs
 * it (`ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node`: its install script otherwise fetches a GPU
 * add-on) and provides the model file and its WordPiece `vocab.txt`. Loaded on first use behind a dynamic
 * import; until the session is ready, and whenever it fails, lookups are misses.
 */
import { readFileSync } from 'node:fs';
import { normaliseDense, type Embedder, type Vector } from './types';
import { WordPieceTokenizer } from './wordpiece';

export const ONNX_INSTALL_HINT = 'the onnx embedder needs onnxruntime-node: install it with `ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node`';

/** The slice of onnxruntime-node's API used here (typed locally: the package is optional). */
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface OrtModule {
  InferenceSession: { create(path: string): Promise<OrtSession> };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => OrtTensor;
}

export interface OnnxEmbedderOptions {
  readonly modelFile: string;
  readonly vocabFile: string;
  readonly maxTokens: number;
  readonly onFailure?: (reason: string) => void;
  /** For tests: how the module is loaded. */
  readonly load?: () => Promise<OrtModule>;
}

/** True when `onnxruntime-node` can be resolved from here (checked when the config compiles). */
export function onnxRuntimeAvailable(): boolean {
  try {
    require.resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly kind = 'dense' as const;
  private session: Promise<{ ort: OrtModule; session: OrtSession } | undefined> | undefined;
  private readonly tokenizer: WordPieceTokenizer;

  constructor(private readonly options: OnnxEmbedderOptions) {
    this.id = `onnx:${options.modelFile}`;
    this.tokenizer = new WordPieceTokenizer(readFileSync(options.vocabFile, 'utf8'));
  }

  async embed(text: string): Promise<Vector | undefined> {
    this.session ??= this.open();
    const ready = await this.session;
    if (!ready) return undefined;
    try {
      const ids = this.tokenizer.encode(text, this.options.maxTokens);
      const n = ids.length;
      const tensor = (values: BigInt64Array): OrtTensor => new ready.ort.Tensor('int64', values, [1, n]);
      const feeds: Record<string, OrtTensor> = {};
      for (const name of ready.session.inputNames) {
        if (name.includes('mask')) feeds[name] = tensor(new BigInt64Array(n).fill(1n));
        else if (name.includes('type')) feeds[name] = tensor(new BigInt64Array(n));
        else feeds[name] = tensor(BigInt64Array.from(ids, (id) => BigInt(id)));
      }
      const outputs = await ready.session.run(feeds);
      const output = outputs[ready.session.outputNames[0] ?? ''];
      if (!output || !(output.data instanceof Float32Array)) throw new Error('model output is not float32');
      const values = pool(output.data, output.dims);
      const vector = values ? normaliseDense(values) : undefined;
      if (!vector) throw new Error('empty embedding');
      return { kind: 'dense', values: vector };
    } catch (error) {
      this.options.onFailure?.(error instanceof Error ? error.message : 'inference failed');
      return undefined;
    }
  }

  private async open(): Promise<{ ort: OrtModule; session: OrtSession } | undefined> {
    try {
      const ort = await (this.options.load ?? loadOnnxRuntime)();
      return { ort, session: await ort.InferenceSession.create(this.options.modelFile) };
    } catch (error) {
      this.options.onFailure?.(error instanceof Error ? error.message : 'cannot load the model');
      return undefined;
    }
  }
}

async function loadOnnxRuntime(): Promise<OrtModule> {
  const name = 'onnxruntime-node';
  try {
    return (await import(name)) as OrtModule;
  } catch {
    throw new Error(ONNX_INSTALL_HINT);
  }
}

/** [1, dim] is already a sentence embedding; [1, tokens, dim] is mean-pooled (every token is unmasked). */
function pool(data: Float32Array, dims: readonly number[]): Float32Array | undefined {
  if (dims.length === 2) return data.slice(0, dims[1]);
  if (dims.length !== 3) return undefined;
  const tokens = dims[1] as number;
  const width = dims[2] as number;
  const out = new Float32Array(width);
  for (let t = 0; t < tokens; t += 1) for (let d = 0; d < width; d += 1) out[d] = (out[d] as number) + (data[t * width + d] as number) / tokens;
  return out;
}
