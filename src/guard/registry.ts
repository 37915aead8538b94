/**
 * The one typed registry of detectors and guards. Every plug-in has an id, a params schema validated when
 * the config loads (errors reported with their config path), and either `inspect()` for input text or
 * `feed()/end()` for output streams. Config names plug-ins by id; nothing else knows their classes.
 */
import type { z } from 'zod';
import type { SegmentChannel, SegmentRole } from '../llm';

/** What a detector found. Never carries the matched text: only where, what and how sure. */
export interface Finding {
  readonly detector: string;
  /** For example `prompt_injection`, `jailbreak`, `EMAIL_ADDRESS`, `secret.aws_access_key`. */
  readonly type: string;
  /** 0..1 */
  readonly score: number;
  readonly channel?: SegmentChannel;
  /** Index of the request segment (CanonicalRequest.segments) or response text. */
  readonly segment?: number;
  /** Character offsets in the inspected text, for redaction. */
  readonly start?: number;
  readonly end?: number;
  /** Output guards: what was done about it (reported only, rewritten in the text, or the response stopped). */
  readonly outcome?: 'flag' | 'redact' | 'block';
}

export interface InspectContext {
  readonly channel: SegmentChannel;
  readonly role: SegmentRole;
  readonly segment: number;
}

/** An input detector: inspects one text segment of a request. */
export interface Inspector {
  inspect(text: string, context: InspectContext): readonly Finding[] | Promise<readonly Finding[]>;
}

/** Why an output guard stops a response; the caller renders it in the client API's own error format. */
export interface GuardBlock {
  readonly code: string;
  readonly message: string;
}

/** What an output guard says about the text fed so far. */
export interface GuardVerdict {
  /** Text that may go to the client now (possibly rewritten); the rest is held back. */
  readonly release: string;
  readonly findings: readonly Finding[];
  /** Stop the response: the caller answers with an error in the API's own format. */
  readonly block?: GuardBlock;
}

/** An output guard instance for one response text (one per choice / content block / tool call). */
export interface StreamGuard {
  feed(text: string): GuardVerdict;
  /** The text ended: release whatever is held back (or block). */
  end(): GuardVerdict;
}

/** Which response text a guard instance watches, and what the request asked for. */
export interface OutputContext {
  /** The output slot (choice, content block, output item...). */
  readonly segment: number;
  /** Model text, or the JSON arguments of a tool call. */
  readonly kind: 'text' | 'tool_arguments';
  /** The structured output the request asked for (`response_format` and its equivalents). */
  readonly responseFormat?: { readonly type: 'text' | 'json_object' | 'json_schema'; readonly schema?: unknown };
}

/**
 * A rewrite (or a mere finding) a windowed guard proposes for a span of the text it was shown.
 * `replacement` undefined: report only; `block`: stop the response.
 */
export interface TextRewrite {
  readonly start: number;
  readonly end: number;
  readonly replacement?: string;
  readonly block?: GuardBlock;
  readonly finding: Finding;
}

/**
 * A guard that only needs a bounded window of text (patterns, recognizers): it exposes a scanner, and
 * the runner drives every scanner of a response slot over one shared window with one hold-back instead
 * of chaining a hold-back per guard. `start()` still works alone (see WindowedGuard).
 */
export type TextScanner = (text: string) => readonly TextRewrite[];

export interface OutputGuard {
  start(context: OutputContext): StreamGuard;
  /** Present for windowed guards; undefined when this guard has nothing to say about this kind of text. */
  scanner?(context: OutputContext): TextScanner | undefined;
}

interface PluginBase<Params> {
  readonly id: string;
  readonly description: string;
  readonly params: z.ZodType<Params>;
}

export interface InspectorPlugin<Params = unknown> extends PluginBase<Params> {
  readonly kind: 'inspector';
  create(params: Params): Inspector;
}

export interface OutputGuardPlugin<Params = unknown> extends PluginBase<Params> {
  readonly kind: 'output_guard';
  create(params: Params): OutputGuard;
}

export type GuardPlugin = InspectorPlugin<never> | OutputGuardPlugin<never>;

export type CreateResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly { path: string; message: string }[] };

export class GuardRegistry {
  private readonly plugins = new Map<string, InspectorPlugin<unknown> | OutputGuardPlugin<unknown>>();

  register<P>(plugin: InspectorPlugin<P> | OutputGuardPlugin<P>): this {
    if (this.plugins.has(plugin.id)) throw new Error(`guard plug-in ${plugin.id} registered twice`);
    this.plugins.set(plugin.id, plugin as InspectorPlugin<unknown> | OutputGuardPlugin<unknown>);
    return this;
  }

  ids(): string[] {
    return [...this.plugins.keys()].sort();
  }

  /** Validates params against the plug-in's schema and builds it; problems carry paths under `at`. */
  createInspector(id: string, params: unknown, at: string): CreateResult<Inspector> {
    const plugin = this.plugins.get(id);
    if (!plugin || plugin.kind !== 'inspector') return { ok: false, problems: [{ path: at, message: `unknown inspector "${id}" (known: ${this.idsOf('inspector')})` }] };
    const parsed = plugin.params.safeParse(params ?? {});
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: [at, ...i.path.map(String)].join('.'), message: i.message })) };
    // A plug-in may refuse valid params it cannot use here (an API-key variable not set): a config problem, not a crash.
    try {
      return { ok: true, value: plugin.create(parsed.data) };
    } catch (error) {
      return { ok: false, problems: [{ path: at, message: (error as Error).message }] };
    }
  }

  createOutputGuard(id: string, params: unknown, at: string): CreateResult<OutputGuard> {
    const plugin = this.plugins.get(id);
    if (!plugin || plugin.kind !== 'output_guard') return { ok: false, problems: [{ path: at, message: `unknown output guard "${id}" (known: ${this.idsOf('output_guard')})` }] };
    const parsed = plugin.params.safeParse(params ?? {});
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: [at, ...i.path.map(String)].join('.'), message: i.message })) };
    return { ok: true, value: plugin.create(parsed.data) };
  }

  private idsOf(kind: 'inspector' | 'output_guard'): string {
    return [...this.plugins.values()].filter((p) => p.kind === kind).map((p) => p.id).sort().join(', ') || 'none';
  }
}
