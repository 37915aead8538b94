/**
 * Where bundles come from, and how a new one replaces the old: a file whose directory is watched, or a
 * URL on an OPA bundle service polled the way OPA polls it (GET with `If-None-Match: <etag>`; 304 means
 * unchanged; a delay drawn between min and max between polls). A new bundle is parsed, verified and
 * instantiated before it replaces anything: a bundle that fails any step is rejected, the old one stays
 * in force, and the load is reported as `invalid` (metrics count it).
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BundleSourceSpec } from './config';
import { errorText, PolicyBundle, type LoadBundleOptions } from './engine';

export type BundleLoadResult = 'ok' | 'invalid' | 'unchanged' | 'unreachable';

export interface BundleLoadEvent {
  readonly bundle: string;
  readonly source: 'file' | 'http';
  readonly trigger: 'startup' | 'change' | 'poll' | 'reload';
  readonly result: BundleLoadResult;
  readonly revision?: string;
  /** Why the bundle was rejected or not fetched: for logs only. */
  readonly error?: string;
}

export type BundleLoadOptions = Omit<LoadBundleOptions, 'name'>;

/** One bundle reference of the config, kept current. */
export abstract class BundleSource {
  protected bundle: PolicyBundle | undefined;
  private listener: (() => void) | undefined;
  private closed = false;

  constructor(
    readonly spec: BundleSourceSpec,
    protected readonly options: BundleLoadOptions,
    protected readonly onLoad: (event: BundleLoadEvent) => void,
  ) {}

  /** The bundle in force. Only valid after start() resolved. */
  get current(): PolicyBundle {
    if (!this.bundle) throw new Error(`bundle ${this.spec.name} is not loaded`);
    return this.bundle;
  }

  /** Loads the first bundle (throws when it cannot: nothing to fall back on), then watches or polls. */
  abstract start(): Promise<void>;

  /** Checks for a new bundle now (SIGHUP, tests). Resolves to what happened. */
  abstract refresh(trigger: BundleLoadEvent['trigger']): Promise<BundleLoadResult>;

  /** Called after every swap to a new bundle. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Instantiates `bytes`; on success the new bundle is in force. Throws on a bad bundle (nothing changes). */
  protected async swapTo(bytes: Buffer): Promise<PolicyBundle> {
    const next = await PolicyBundle.fromBytes(bytes, { ...this.options, name: this.spec.name });
    if (this.closed) return next;
    this.bundle = next;
    this.listener?.();
    return next;
  }

  protected report(trigger: BundleLoadEvent['trigger'], result: BundleLoadResult, extra: { revision?: string; error?: string } = {}): BundleLoadResult {
    this.onLoad({ bundle: this.spec.name, source: this.spec.kind, trigger, result, ...extra });
    return result;
  }
}

/** A bundle file; its directory is watched (Kubernetes ConfigMaps swap a symlink rather than write the file). */
export class FileBundleSource extends BundleSource {
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private loading: Promise<BundleLoadResult> = Promise.resolve('unchanged');
  private sha256: string | undefined;

  constructor(
    spec: Extract<BundleSourceSpec, { kind: 'file' }>,
    options: BundleLoadOptions,
    onLoad: (event: BundleLoadEvent) => void,
    private readonly debounceMs = 100,
  ) {
    super(spec, options, onLoad);
  }

  private get file(): string {
    return (this.spec as Extract<BundleSourceSpec, { kind: 'file' }>).path;
  }

  async start(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (error) {
      this.report('startup', 'unreachable', { error: errorText(error) });
      throw error;
    }
    try {
      const bundle = await this.swapTo(bytes);
      this.sha256 = bundle.sha256;
      this.report('startup', 'ok', { revision: bundle.revision });
    } catch (error) {
      this.report('startup', 'invalid', { error: errorText(error) });
      throw error;
    }
    if ((this.spec as Extract<BundleSourceSpec, { kind: 'file' }>).watch) this.watch();
  }

  private watch(): void {
    const base = path.basename(this.file);
    this.watcher = watch(path.dirname(this.file), (_event, name) => {
      if (name !== null && name !== base && !name.startsWith('..')) return;
      // Writers replace or rewrite the file in several steps: read once things settle.
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.refresh('change'), this.debounceMs);
    });
    this.watcher.unref();
  }

  /** Serialised: a change event during a load waits for it, so the newest file always wins. */
  refresh(trigger: BundleLoadEvent['trigger']): Promise<BundleLoadResult> {
    this.loading = this.loading.then(() => this.load(trigger));
    return this.loading;
  }

  private async load(trigger: BundleLoadEvent['trigger']): Promise<BundleLoadResult> {
    if (this.isClosed) return 'unchanged';
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (error) {
      // Mid-swap (the file briefly gone) or deleted: keep what is loaded.
      return this.report(trigger, 'unreachable', { error: errorText(error) });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 === this.sha256) return 'unchanged';
    try {
      const bundle = await this.swapTo(bytes);
      this.sha256 = sha256;
      return this.report(trigger, 'ok', { revision: bundle.revision });
    } catch (error) {
      // Remember the rejected bytes too: the same broken file is reported once, not on every event.
      this.sha256 = sha256;
      return this.report(trigger, 'invalid', { error: errorText(error) });
    }
  }

  override close(): void {
    super.close();
    clearTimeout(this.debounce);
    this.watcher?.close();
  }
}

/** A bundle on an OPA bundle service, polled with ETags as OPA does. */
export class HttpBundleSource extends BundleSource {
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<BundleLoadResult> = Promise.resolve('unchanged');

  constructor(
    spec: Extract<BundleSourceSpec, { kind: 'http' }>,
    options: BundleLoadOptions,
    onLoad: (event: BundleLoadEvent) => void,
    private readonly random: () => number = Math.random,
  ) {
    super(spec, options, onLoad);
  }

  private get http(): Extract<BundleSourceSpec, { kind: 'http' }> {
    return this.spec as Extract<BundleSourceSpec, { kind: 'http' }>;
  }

  /** The ETag of the bundle in force (sent as If-None-Match). */
  get currentEtag(): string | undefined {
    return this.etag;
  }

  async start(): Promise<void> {
    const result = await this.refresh('startup');
    if (result !== 'ok') throw new Error(`bundle ${this.spec.name}: the first download from ${this.http.url} failed (${result})`);
    this.schedule();
  }

  private schedule(): void {
    if (this.isClosed) return;
    const { minDelayMs, maxDelayMs } = this.http;
    const delay = minDelayMs + this.random() * (maxDelayMs - minDelayMs);
    this.timer = setTimeout(() => {
      void this.refresh('poll').finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  refresh(trigger: BundleLoadEvent['trigger']): Promise<BundleLoadResult> {
    this.polling = this.polling.then(() => this.poll(trigger));
    return this.polling;
  }

  private async poll(trigger: BundleLoadEvent['trigger']): Promise<BundleLoadResult> {
    if (this.isClosed) return 'unchanged';
    const headers: Record<string, string> = { accept: 'application/gzip, application/octet-stream' };
    if (this.etag !== undefined && this.bundle) headers['if-none-match'] = this.etag;
    if (this.http.token) headers.authorization = `Bearer ${this.http.token}`;
    let response: Response;
    let bytes: Buffer;
    try {
      response = await fetch(this.http.url, { headers, signal: AbortSignal.timeout(this.http.timeoutMs), redirect: 'follow' });
      if (response.status === 304) {
        await response.body?.cancel();
        return this.bundle ? 'unchanged' : this.report(trigger, 'unreachable', { error: '304 without a bundle loaded' });
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return this.report(trigger, 'unreachable', { error: `HTTP ${response.status}` });
      }
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      return this.report(trigger, 'unreachable', { error: errorText(error) });
    }
    const etag = response.headers.get('etag') ?? undefined;
    try {
      const bundle = await this.swapTo(bytes);
      this.etag = etag;
      return this.report(trigger, 'ok', { revision: bundle.revision });
    } catch (error) {
      // Keep the old ETag: the server is asked again (and the broken bundle reported again) next poll,
      // until it serves a good one.
      return this.report(trigger, 'invalid', { error: errorText(error) });
    }
  }

  override close(): void {
    super.close();
    clearTimeout(this.timer);
  }
}

export function createBundleSource(spec: BundleSourceSpec, options: BundleLoadOptions, onLoad: (event: BundleLoadEvent) => void): BundleSource {
  return spec.kind === 'file' ? new FileBundleSource(spec, options, onLoad) : new HttpBundleSource(spec, options, onLoad);
}
