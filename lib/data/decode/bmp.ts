/**
 * Windows BMP reading and writing in plain TypeScript (sharp's prebuilt libvips has no BMP loader).
 *
 * {@link decodeBmp} reads the variants face sets ship: OS/2 core (12-byte) and Windows
 * (40/52/56/108/124-byte) headers; 1-, 4- and 8-bit palettes, 16-bit (5-5-5 or bitfields), 24-bit,
 * 32-bit (plain or bitfields; alpha ignored); RLE8 and RLE4; bottom-up and top-down rows.
 * {@link encodeBmp} writes 24-bit, 32-bit or 8-bit grey BMPs (tests use it to build a corpus).
 *
 * @example
 * ```ts
 * import { decodeBmp, encodeBmp } from "./bmp.ts";
 * const bmp = encodeBmp({ width: 2, height: 2, data: new Uint8Array(12).fill(200) });
 * console.assert(decodeBmp(bmp).data[0] === 200);
 * ```
 * @module
 */
import type { RgbImage } from "./rgb_image.ts";
import { ImageDecodeError } from "./decode_error.ts";

/** True when `bytes` starts with the BMP signature "BM". */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Options of {@link decodeBmp}. */
export interface DecodeBmpOptions {
  /** Refuse images with more pixels than this (decompression-bomb guard). Default 100 000 000. */
  maxPixels?: number;
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/**
 * Decodes a BMP file to 8-bit RGB. Throws {@link ImageDecodeError} ("truncated", "not-an-image",
 * "unsupported" for JPEG/PNG-in-BMP, "too-large").
 *
 * @example
 * ```ts
 * import { decodeBmp, encodeBmp } from "./bmp.ts";
 * const img = decodeBmp(encodeBmp({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]) }));
 * console.assert(img.data[2] === 3);
 * ```
 */
export function decodeBmp(bytes: Uint8Array, options: DecodeBmpOptions = {}): RgbImage {
  const maxPixels = options.maxPixels ?? 100_000_000;
  if (!isBmp(bytes)) throw new ImageDecodeError("not-an-image", "decodeBmp: no 'BM' signature");
  if (bytes.length < 26) {
    throw new ImageDecodeError(
      "truncated",
      `decodeBmp: ${bytes.length} bytes is shorter than a header`,
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  let width: number, height: number, bpp: number, compression = 0, paletteCount = 0;
  let topDown = false;
  let masks: number[] | undefined;
  let paletteEntry = 4;
  if (headerSize === 12) {
    width = dv.getUint16(18, true);
    height = dv.getUint16(20, true);
    bpp = dv.getUint16(24, true);
    paletteEntry = 3;
  } else if (headerSize >= 40 && headerSize <= 124) {
    if (bytes.length < 14 + 40) {
      throw new ImageDecodeError(
        "truncated",
        `decodeBmp: header needs 54 bytes, has ${bytes.length}`,
      );
    }
    width = dv.getInt32(18, true);
    const h = dv.getInt32(22, true);
    topDown = h < 0;
    height = Math.abs(h);
    bpp = dv.getUint16(28, true);
    compression = dv.getUint32(30, true);
    paletteCount = dv.getUint32(46, true);
    if (compression === 3 || compression === 6) {
      // BI_BITFIELDS / BI_ALPHABITFIELDS: masks follow a 40-byte header, or are inside a larger one.
      const at = 14 + 40;
      if (bytes.length < at + 12) {
        throw new ImageDecodeError("truncated", "decodeBmp: missing bitfields");
      }
      masks = [dv.getUint32(at, true), dv.getUint32(at + 4, true), dv.getUint32(at + 8, true)];
    }
  } else {
    throw new ImageDecodeError("not-an-image", `decodeBmp: unknown header size ${headerSize}`);
  }
  if (width < 1 || height < 1) {
    throw new ImageDecodeError("not-an-image", `decodeBmp: size ${width}×${height}`);
  }
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      "too-large",
      `decodeBmp: ${width}×${height} exceeds the ${maxPixels}-pixel limit`,
    );
  }
  if (compression === 4 || compression === 5) {
    throw new ImageDecodeError("unsupported", "decodeBmp: JPEG/PNG inside BMP is not supported");
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) {
    throw new ImageDecodeError("not-an-image", `decodeBmp: ${bpp} bits per pixel`);
  }
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const count = paletteCount || 1 << bpp;
    const at = 14 + headerSize + (masks && headerSize === 40 ? 12 : 0);
    if (at + count * paletteEntry > bytes.length) {
      throw new ImageDecodeError("truncated", "decodeBmp: palette runs past the end of the file");
    }
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < Math.min(count, 256); i++) {
      palette[3 * i] = bytes[at + i * paletteEntry + 2];
      palette[3 * i + 1] = bytes[at + i * paletteEntry + 1];
      palette[3 * i + 2] = bytes[at + i * paletteEntry];
    }
  }
  const data = new Uint8Array(width * height * 3);
  const rowOf = (r: number) => (topDown ? r : height - 1 - r); // file row r → image row
  if (compression === 1 || compression === 2) {
    decodeRle(bytes, dataOffset, width, height, compression === 1 ? 8 : 4, palette!, data, rowOf);
    return { width, height, data };
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * (height - 1) + Math.ceil((width * bpp) / 8) > bytes.length) {
    throw new ImageDecodeError(
      "truncated",
      `decodeBmp: pixel data needs ${
        stride * height
      } bytes from ${dataOffset}, file has ${bytes.length}`,
    );
  }
  if (!masks && bpp === 16) masks = [0x7c00, 0x03e0, 0x001f];
  const fields = masks?.map(maskShift);
  for (let r = 0; r < height; r++) {
    const row = dataOffset + r * stride;
    const out = rowOf(r) * width * 3;
    for (let x = 0; x < width; x++) {
      const o = out + 3 * x;
      if (bpp <= 8) {
        const bit = x * bpp;
        const idx = (bytes[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        data[o] = palette![3 * idx];
        data[o + 1] = palette![3 * idx + 1];
        data[o + 2] = palette![3 * idx + 2];
      } else if (fields) {
        const v = bpp === 16 ? dv.getUint16(row + 2 * x, true) : dv.getUint32(row + 4 * x, true);
        for (let c = 0; c < 3; c++) {
          const { shift, max } = fields[c];
          data[o + c] = max ? Math.round((((v >>> shift) & max) * 255) / max) : 0;
        }
      } else {
        const p = row + x * (bpp / 8);
        data[o] = bytes[p + 2];
        data[o + 1] = bytes[p + 1];
        data[o + 2] = bytes[p];
      }
    }
  }
  return { width, height, data };
}

function decodeRle(
  bytes: Uint8Array,
  start: number,
  width: number,
  height: number,
  bits: 8 | 4,
  palette: Uint8Array,
  data: Uint8Array,
  rowOf: (r: number) => number,
): void {
  let p = start, x = 0, r = 0;
  const put = (idx: number) => {
    if (x < width && r < height) {
      const o = (rowOf(r) * width + x) * 3;
      data[o] = palette[3 * idx];
      data[o + 1] = palette[3 * idx + 1];
      data[o + 2] = palette[3 * idx + 2];
    }
    x++;
  };
  const need = (n: number) => {
    if (p + n > bytes.length) {
      throw new ImageDecodeError("truncated", `decodeBmp: RLE data ends at byte ${p}`);
    }
  };
  for (;;) {
    need(2);
    const count = bytes[p], value = bytes[p + 1];
    p += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(bits === 8 ? value : i % 2 ? value & 15 : value >> 4);
    } else if (value === 0) {
      x = 0;
      r++;
    } else if (value === 1) {
      return;
    } else if (value === 2) {
      need(2);
      x += bytes[p];
      r += bytes[p + 1];
      p += 2;
    } else {
      const n = value;
      const len = bits === 8 ? n : Math.ceil(n / 2);
      need(len);
      for (let i = 0; i < n; i++) {
        put(
          bits === 8 ? bytes[p + i] : i % 2 ? bytes[p + (i >> 1)] & 15 : bytes[p + (i >> 1)] >> 4,
        );
      }
      p += len + (len % 2);
    }
    if (r >= height) return;
  }
}

/** Options of {@link encodeBmp}. */
export interface EncodeBmpOptions {
  /** 24 (BGR), 32 (BGRX) or 8 (grey palette, mean of R, G, B). Default 24. */
  bitsPerPixel?: 8 | 24 | 32;
  /** Write rows top-down (negative height). Default false (bottom-up, the common form). */
  topDown?: boolean;
}

/**
 * Encodes 8-bit RGB as an uncompressed BMP with a 40-byte header.
 *
 * @example
 * ```ts
 * import { encodeBmp } from "./bmp.ts";
 * const bmp = encodeBmp({ width: 3, height: 1, data: new Uint8Array(9) }, { bitsPerPixel: 32 });
 * console.assert(bmp.length === 54 + 12);
 * ```
 */
export function encodeBmp(image: RgbImage, options: EncodeBmpOptions = {}): Uint8Array {
  const bpp = options.bitsPerPixel ?? 24;
  const { width, height, data } = image;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const paletteBytes = bpp === 8 ? 1024 : 0;
  const offset = 54 + paletteBytes;
  const out = new Uint8Array(offset + stride * height);
  const dv = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, options.topDown ? -height : height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bpp, true);
  dv.setUint32(34, stride * height, true);
  if (bpp === 8) {
    dv.setUint32(46, 256, true);
    for (let i = 0; i < 256; i++) out.fill(i, 54 + 4 * i, 54 + 4 * i + 3);
  }
  for (let y = 0; y < height; y++) {
    const row = offset + (options.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      if (bpp === 8) {
        out[row + x] = Math.round((data[i] + data[i + 1] + data[i + 2]) / 3);
      } else {
        const p = row + x * (bpp / 8);
        out[p] = data[i + 2];
        out[p + 1] = data[i + 1];
        out[p + 2] = data[i];
      }
    }
  }
  return out;
}
