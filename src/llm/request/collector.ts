/** Accumulates what a request parser finds: text segments, media, unknown parts. */
import type { MediaModality, MediaRef, MediaSource, SegmentChannel, SegmentRole, TextSegment, UnknownContent } from '../canonical';
import { getString, isJsonObject, type JsonObject, type JsonPointer, type JsonValue } from '../json';

export interface SegmentPlace {
  readonly role: SegmentRole;
  readonly channel: SegmentChannel;
  readonly turn?: number;
}

export class RequestCollector {
  readonly segments: TextSegment[] = [];
  readonly media: MediaRef[] = [];
  readonly unknownContent: UnknownContent[] = [];
  tokenInputCount = 0;

  /** A string stored at `pointer`. Empty strings are skipped: nothing to inspect or rewrite. */
  text(text: string, pointer: JsonPointer, place: SegmentPlace, rewritable = true): void {
    if (text.length === 0) return;
    this.push({ text, pointer, encoding: 'string', rewritable, ...place });
  }

  /** A JSON value (tool-call arguments as an object) inspected as its serialisation. */
  json(value: JsonValue, pointer: JsonPointer, place: SegmentPlace): void {
    this.push({ text: JSON.stringify(value), pointer, encoding: 'json', rewritable: true, ...place });
  }

  /** Base64 of a UTF-8 text document, inspected decoded. */
  base64Text(data: string, pointer: JsonPointer, place: SegmentPlace): void {
    const text = Buffer.from(data, 'base64').toString('utf8');
    if (text.length === 0) return;
    this.push({ text, pointer, encoding: 'base64', rewritable: true, ...place });
  }

  /**
   * An inline file as a data URL (OpenAI `file_data`): a text file is a document segment the
   * model reads; anything else (PDFs...) is counted as media.
   */
  fileData(url: string, pointer: JsonPointer, place: SegmentPlace): void {
    const inline = parseDataUrl(url);
    if (inline?.base64 && isTextMime(inline.mimeType)) {
      const text = Buffer.from(inline.data, 'base64').toString('utf8');
      if (text.length > 0) this.push({ text, pointer, encoding: 'data_url', rewritable: true, role: place.role, channel: 'document', ...(place.turn === undefined ? {} : { turn: place.turn }) });
      return;
    }
    this.addUrlMedia('document', url, pointer, place.role);
  }

  addMedia(modality: MediaModality, source: MediaSource, pointer: JsonPointer, role: SegmentRole, extra: { mimeType?: string; data?: string; detail?: string } = {}): void {
    this.media.push({
      modality,
      source,
      role,
      pointer,
      ...(extra.mimeType === undefined ? {} : { mimeType: extra.mimeType }),
      ...(extra.data === undefined ? {} : { approxBytes: base64DecodedBytes(extra.data) }),
      ...(extra.detail === undefined ? {} : { detail: extra.detail }),
    });
  }

  /** A URL that may be a `data:` URL: media by reference or inline base64. */
  addUrlMedia(modality: MediaModality, url: string, pointer: JsonPointer, role: SegmentRole, detail?: string): void {
    const inline = parseDataUrl(url);
    if (inline) this.addMedia(modality, 'base64', pointer, role, { data: inline.data, ...(inline.mimeType === undefined ? {} : { mimeType: inline.mimeType }), ...(detail === undefined ? {} : { detail }) });
    else this.addMedia(modality, 'url', pointer, role, detail === undefined ? {} : { detail });
  }

  /** A part of a type we do not know: recorded, and its `text`, if any, inspected all the same. */
  unknown(part: JsonObject, pointer: JsonPointer, place: SegmentPlace): void {
    this.unknownContent.push({ pointer, type: getString(part, 'type') ?? '(none)' });
    const text = getString(part, 'text');
    if (text !== undefined) this.text(text, [...pointer, 'text'], place);
  }

  private push(segment: Omit<TextSegment, 'index'>): void {
    this.segments.push({ index: this.segments.length, ...segment });
  }
}

/** `data:image/png;base64,AAAA` -> its media type and payload; undefined for other URLs. */
export function parseDataUrl(url: string): { mimeType?: string; base64: boolean; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma).split(';');
  const mimeType = meta[0];
  return { ...(mimeType ? { mimeType: mimeType.toLowerCase() } : {}), base64: meta.slice(1).some((p) => p.trim().toLowerCase() === 'base64'), data: url.slice(comma + 1) };
}

const TEXT_APPLICATION_TYPES = new Set(['application/json', 'application/xml', 'application/yaml', 'application/x-yaml', 'application/javascript', 'application/x-sh', 'application/csv']);

/** Media types whose bytes are text the model reads as a document. */
export function isTextMime(mimeType: string | undefined): boolean {
  if (mimeType === undefined) return false;
  const type = mimeType.toLowerCase().split(';')[0]?.trim() ?? '';
  return type.startsWith('text/') || TEXT_APPLICATION_TYPES.has(type);
}

export function base64DecodedBytes(data: string): number {
  let length = data.length;
  while (length > 0 && data[length - 1] === '=') length--;
  return Math.floor((length * 3) / 4);
}

/** Modality from a MIME type, for APIs that carry any media in one field (Gemini inlineData). */
export function modalityOf(mimeType: string | undefined): MediaModality {
  const type = (mimeType ?? '').toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (type === 'application/pdf' || isTextMime(type)) return 'document';
  return 'file';
}

export function asObjects(values: readonly JsonValue[] | undefined): Array<[number, JsonObject]> {
  const out: Array<[number, JsonObject]> = [];
  (values ?? []).forEach((value, i) => {
    if (isJsonObject(value)) out.push([i, value]);
  });
  return out;
}
