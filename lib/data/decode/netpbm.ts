/**
 * Netpbm (PBM/PGM/PPM: P1–P6) reading and writing in plain TypeScript.
 *
 * Classic face sets (ORL/AT&T, Yale, FERET excerpts) ship as PGM/PPM, which the prebuilt libvips
 * inside sharp cannot read. {@link decodeNetpbm} reads ASCII and binary bitmaps, greymaps and
 * pixmaps with any maxval up to 65535 (16-bit samples are big-endian, as the format says) and
 * returns 8-bit RGB; {@link encodeNetpbm} writes them (used by tests to build a format corpus).
 *
 * @example
 * ```ts
 * import { decodeNetpbm, encodeNetpbm } from "./netpbm.ts";
 * const bytes = encodeNetpbm({ width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) }, { kind: "P6" });
 * const img = decodeNetpbm(bytes);
 * console.assert(img.width === 2 && img.data[3] === 255);
 * ```
 * @module
 */
import type { RgbImage } from "./rgb_image.ts";
import { ImageDecodeError } from "./decode_error.ts";

/** The Netpbm kinds this module reads and writes. */
export type NetpbmKind = "P1" | "P2" | "P3" | "P4" | "P5" | "P6";

/** True when `bytes` starts with a Netpbm magic number P1–P6 followed by whitespace. */
export function isNetpbm(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36 &&
    isSpace(bytes[2]);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

/** Options of {@link decodeNetpbm}. */
export interface DecodeNetpbmOptions {
  /** Refuse images with more pixels than this (decompression-bomb guard). Default 100 000 000. */
  maxPixels?: number;
}

/**
 * Decodes a Netpbm image (P1–P6, maxval 1–65535) to 8-bit RGB. Greys are replicated to three
 * channels; samples are scaled as `round(v · 255 / maxval)`.
 * Throws {@link ImageDecodeError} with reason "truncated", "not-an-image" or "too-large".
 *
 * @example
 * ```ts
 * import { decodeNetpbm } from "./netpbm.ts";
 * const img = decodeNetpbm(new TextEncoder().encode("P2\n2 1\n15\n0 15\n"));
 * console.assert(img.data[3] === 255);
 * ```
 */
export function decodeNetpbm(bytes: Uint8Array, options: DecodeNetpbmOptions = {}): RgbImage {
  const maxPixels = options.maxPixels ?? 100_000_000;
  if (!isNetpbm(bytes)) {
    throw new ImageDecodeError("not-an-image", "decodeNetpbm: no P1–P6 magic number");
  }
  const kind = `P${String.fromCharCode(bytes[1])}` as NetpbmKind;
  let pos = 2;
  // Reads one header/ASCII token, skipping whitespace and '#' comments.
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos])) pos++;
      if (pos < bytes.length && bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
        continue;
      }
      break;
    }
    if (pos >= bytes.length) {
      throw new ImageDecodeError("truncated", `decodeNetpbm: ${kind} data ends at byte ${pos}`);
    }
    let v = 0, digits = 0;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
      v = v * 10 + bytes[pos] - 0x30;
      pos++;
      digits++;
      // P1 pixels may be written without separators ("0101"): one digit is one pixel.
      if (kind === "P1" && headerDone) break;
    }
    if (digits === 0) {
      throw new ImageDecodeError(
        "not-an-image",
        `decodeNetpbm: ${kind} expected a number at byte ${pos}, got 0x${bytes[pos].toString(16)}`,
      );
    }
    return v;
  };
  let headerDone = false;
  const width = token(), height = token();
  const bitmap = kind === "P1" || kind === "P4";
  const maxval = bitmap ? 1 : token();
  headerDone = true;
  if (width < 1 || height < 1) {
    throw new ImageDecodeError("not-an-image", `decodeNetpbm: ${kind} size ${width}×${height}`);
  }
  if (maxval < 1 || maxval > 65535) {
    throw new ImageDecodeError("not-an-image", `decodeNetpbm: ${kind} maxval ${maxval}`);
  }
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      "too-large",
      `decodeNetpbm: ${width}×${height} exceeds the ${maxPixels}-pixel limit`,
    );
  }
  const channels = kind === "P3" || kind === "P6" ? 3 : 1;
  const n = width * height * channels;
  const samples = new Uint16Array(n);
  if (kind === "P1" || kind === "P2" || kind === "P3") {
    for (let i = 0; i < n; i++) samples[i] = token();
  } else {
    pos++; // exactly one whitespace byte after the header
    if (kind === "P4") {
      const rowBytes = Math.ceil(width / 8);
      if (pos + rowBytes * height > bytes.length) {
        throw new ImageDecodeError(
          "truncated",
          `decodeNetpbm: P4 needs ${rowBytes * height} data bytes, has ${bytes.length - pos}`,
        );
      }
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          samples[y * width + x] = (bytes[pos + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        }
      }
    } else {
      const wide = maxval > 255;
      const need = n * (wide ? 2 : 1);
      if (pos + need > bytes.length) {
        throw new ImageDecodeError(
          "truncated",
          `decodeNetpbm: ${kind} needs ${need} data bytes, has ${bytes.length - pos}`,
        );
      }
      if (wide) {
        for (let i = 0; i < n; i++) {
          samples[i] = (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1];
        }
      } else samples.set(bytes.subarray(pos, pos + n));
    }
  }
  const data = new Uint8Array(width * height * 3);
  const scale = 255 / maxval;
  for (let p = 0; p < width * height; p++) {
    if (channels === 3) {
      for (let c = 0; c < 3; c++) {
        data[3 * p + c] = Math.round(Math.min(samples[3 * p + c], maxval) * scale);
      }
    } else {
      let v = Math.min(samples[p], maxval);
      if (bitmap) v = 1 - v; // in PBM, 1 is black
      const g = Math.round(v * scale);
      data[3 * p] = data[3 * p + 1] = data[3 * p + 2] = g;
    }
  }
  return { width, height, data };
}

/** Options of {@link encodeNetpbm}. */
export interface EncodeNetpbmOptions {
  /** Which Netpbm kind to write. Default "P6". */
  kind?: NetpbmKind;
  /** Largest sample value (≤ 255 writes 8-bit samples, more writes 16-bit). Default 255. */
  maxval?: number;
  /** A comment line written after the magic number. Default none. */
  comment?: string;
}

/**
 * Encodes 8-bit RGB as Netpbm. Greymaps use the mean of R, G, B; bitmaps threshold it at 128.
 * Samples are rescaled to `maxval` as `round(v · maxval / 255)`.
 *
 * @example
 * ```ts
 * import { encodeNetpbm } from "./netpbm.ts";
 * const pgm = encodeNetpbm({ width: 1, height: 1, data: new Uint8Array([9, 9, 9]) }, { kind: "P5", maxval: 65535 });
 * console.assert(pgm.length === "P5\n1 1\n65535\n".length + 2);
 * ```
 */
export function encodeNetpbm(image: RgbImage, options: EncodeNetpbmOptions = {}): Uint8Array {
  const kind = options.kind ?? "P6";
  const bitmap = kind === "P1" || kind === "P4";
  const maxval = bitmap ? 1 : options.maxval ?? 255;
  if (!Number.isInteger(maxval) || maxval < 1 || maxval > 65535) {
    throw new RangeError(`encodeNetpbm: 'maxval' must be an integer in 1..65535, got ${maxval}`);
  }
  const { width, height, data } = image;
  const colour = kind === "P3" || kind === "P6";
  const values: number[] = [];
  for (let p = 0; p < width * height; p++) {
    if (colour) {
      for (let c = 0; c < 3; c++) values.push(Math.round((data[3 * p + c] * maxval) / 255));
    } else {
      const g = (data[3 * p] + data[3 * p + 1] + data[3 * p + 2]) / 3;
      values.push(bitmap ? (g < 128 ? 1 : 0) : Math.round((g * maxval) / 255));
    }
  }
  const header = `${kind}\n${options.comment ? `# ${options.comment}\n` : ""}${width} ${height}\n${
    bitmap ? "" : `${maxval}\n`
  }`;
  const head = new TextEncoder().encode(header);
  let body: Uint8Array;
  if (kind === "P1" || kind === "P2" || kind === "P3") {
    const perLine = colour ? width * 3 : width;
    const lines: string[] = [];
    for (let i = 0; i < values.length; i += perLine) {
      lines.push(values.slice(i, i + perLine).join(" "));
    }
    body = new TextEncoder().encode(lines.join("\n") + "\n");
  } else if (kind === "P4") {
    const rowBytes = Math.ceil(width / 8);
    body = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (values[y * width + x]) body[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
      }
    }
  } else if (maxval > 255) {
    body = new Uint8Array(values.length * 2);
    values.forEach((v, i) => {
      body[2 * i] = v >> 8;
      body[2 * i + 1] = v & 255;
    });
  } else {
    body = Uint8Array.from(values);
  }
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
