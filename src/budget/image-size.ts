/**
 * Image dimensions from the first bytes of inline (base64) image data: PNG, JPEG, GIF and WebP
 * headers. Only a bounded prefix is decoded (`MAX_HEADER_BYTES`), so a 20 MB image costs the same
 * as a small one. Unknown formats, truncated headers and URLs give `undefined`; the estimator then
 * assumes the provider's largest billable image.
 */

export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

/** JPEG frames can sit behind large EXIF/ICC segments; 64 KiB covers nearly all camera files. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Dimensions from a base64 string or a `data:<type>;base64,<data>` URL. */
export function imageDimensionsFromBase64(data: string): ImageDimensions | undefined {
  let payload = data;
  if (payload.startsWith('data:')) {
    const comma = payload.indexOf(',');
    if (comma < 0) return undefined;
    payload = payload.slice(comma + 1);
  }
  // 4 base64 characters carry 3 bytes; take a whole number of quads.
  const chars = Math.min(payload.length, Math.ceil(MAX_HEADER_BYTES / 3) * 4);
  const prefix = payload.slice(0, chars - (chars % 4));
  let bytes: Buffer;
  try {
    bytes = Buffer.from(prefix, 'base64');
  } catch {
    return undefined;
  }
  return imageDimensions(bytes);
}

export function imageDimensions(bytes: Buffer): ImageDimensions | undefined {
  return png(bytes) ?? gif(bytes) ?? jpeg(bytes) ?? webp(bytes);
}

function valid(width: number, height: number): ImageDimensions | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function png(b: Buffer): ImageDimensions | undefined {
  // Signature (8), IHDR length (4), "IHDR" (4), width (4 BE), height (4 BE).
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return valid(b.readUInt32BE(16), b.readUInt32BE(20));
}

function gif(b: Buffer): ImageDimensions | undefined {
  if (b.length < 10 || b.toString('latin1', 0, 3) !== 'GIF') return undefined;
  return valid(b.readUInt16LE(6), b.readUInt16LE(8));
}

function jpeg(b: Buffer): ImageDimensions | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return valid(b.readUInt16BE(at + 7), b.readUInt16BE(at + 5));
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data before any frame header
    at += 2 + length;
  }
  return undefined;
}

function webp(b: Buffer): ImageDimensions | undefined {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    // Key frame: start code 9D 01 2A at 23, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return valid(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return valid((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const width = 1 + (b.readUIntLE(24, 3) & 0xffffff);
    const height = 1 + (b.readUIntLE(27, 3) & 0xffffff);
    return valid(width, height);
  }
  return undefined;
}
