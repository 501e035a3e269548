/**
 * A minimal PNG encoder (8-bit RGB, zlib via the web-standard CompressionStream) so image grids can
 * be embedded as data URLs without native dependencies.
 * @module
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An image as raw pixels: `channels` = 1 (grey) or 3 (RGB), row-major HWC. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** 0–255 values (Uint8Array), or floats in the toolkit's standardisation ((p − 127.5) / 128). */
  data: ArrayLike<number>;
}

/** Converts a pixel value to 0–255: Uint8Array passes through; floats are un-standardised. */
function toByte(v: number, standardised: boolean): number {
  const p = standardised ? v * 128 + 127.5 : v;
  return Math.max(0, Math.min(255, Math.round(p)));
}

/**
 * Encodes an image as PNG bytes.
 *
 * @example
 * ```ts
 * import { encodePng } from "./png.ts";
 * const png = await encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 0]) });
 * console.assert(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // "PNG"
 * ```
 */
export async function encodePng(image: RawImage): Promise<Uint8Array> {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(
      `encodePng: expected ${width}×${height}×${channels} = ${
        width * height * channels
      } values, got ${data.length}`,
    );
  }
  const standardised = !(data instanceof Uint8Array || data instanceof Uint8ClampedArray);
  const rowBytes = width * 3 + 1;
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    raw[y * rowBytes] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const src = (y * width + x) * channels + (channels === 1 ? 0 : c);
        raw[y * rowBytes + 1 + x * 3 + c] = toByte(data[src], standardised);
      }
    }
  }
  const compressed = new Uint8Array(
    await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")))
      .arrayBuffer(),
  );
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", compressed),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Encodes an image as a `data:image/png;base64,…` URL.
 *
 * @example
 * ```ts
 * import { pngDataUrl } from "./png.ts";
 * const url = await pngDataUrl({ width: 1, height: 1, channels: 1, data: new Uint8Array([0]) });
 * console.assert(url.startsWith("data:image/png;base64,"));
 * ```
 */
export async function pngDataUrl(image: RawImage): Promise<string> {
  const bytes = await encodePng(image);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/png;base64,${btoa(s)}`;
}
