/**
 * Decodes any image a face set ships in to 8-bit RGB, or says exactly why it cannot.
 *
 * The decoder is chosen by content, not by file name: BMP ("BM") and Netpbm ("P1"–"P6") are read by
 * this toolkit's own decoders; everything else goes to sharp (JPEG baseline/progressive/CMYK, PNG
 * 8/16-bit, grey, palette, alpha, WebP, GIF (first frame), TIFF, AVIF). EXIF orientation is applied,
 * alpha is flattened onto mid-grey (127.5 standardises to 0), and every colour space (CMYK, grey,
 * 16-bit) ends as 8-bit sRGB.
 *
 * @example
 * ```ts
 * import sharp from "sharp";
 * import { decodeImage } from "./decode_image.ts";
 * const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#ff0000" } }).png().toBuffer();
 * const img = await decodeImage(new Uint8Array(png));
 * console.assert(img.width === 32 && img.format === "png" && img.data[0] === 255);
 * ```
 * @module
 */
import sharp from "sharp";
import type { RgbImage } from "./decode_image_rgb.ts";
import { type DecodeFailure, ImageDecodeError } from "./decode_image_error.ts";
import { decodeNetpbm, isNetpbm } from "./netpbm.ts";
import { decodeBmp, isBmp } from "./decode_image_bmp.ts";

export type { RgbImage } from "./decode_image_rgb.ts";
export { type DecodeFailure, ImageDecodeError } from "./decode_image_error.ts";

/** A decoded image and the format it came in ("jpeg", "png", "webp", "gif", "tiff", "bmp", "ppm", …). */
export interface DecodedImage extends RgbImage {
  format: string;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Decompression-bomb guard: refuse images with more pixels than this. Default 100 000 000. */
  maxPixels?: number;
  /** Refuse images whose shorter side is below this many pixels. Default 16. */
  minSide?: number;
  /** Name used in error messages when `source` is bytes. Default "image". */
  name?: string;
}

/** Image file extensions the preprocessing scan picks up (lower case, with the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  ".jpg",
  ".jpeg",
  ".jpe",
  ".jfif",
  ".png",
  ".webp",
  ".gif",
  ".tif",
  ".tiff",
  ".bmp",
  ".dib",
  ".pgm",
  ".ppm",
  ".pnm",
  ".pbm",
  ".avif",
];

function classifySharpError(message: string): DecodeFailure {
  const m = message.toLowerCase();
  if (m.includes("pixel limit")) return "too-large";
  if (m.includes("unsupported image format")) return "not-an-image";
  if (
    m.includes("premature end") || m.includes("truncat") || m.includes("end of file") ||
    m.includes("read error") || m.includes("not enough") || m.includes("out of data") ||
    m.includes("incomplete") || m.includes("unexpected end") || m.includes("short read") ||
    m.includes("eof")
  ) return "truncated";
  return "not-an-image";
}

/**
 * Reads (when given a path) and decodes an image to 8-bit RGB.
 * Throws {@link ImageDecodeError} whose `reason` is one of {@link DecodeFailure}.
 *
 * @example
 * ```ts
 * import { decodeImage, ImageDecodeError } from "./decode_image.ts";
 * try {
 *   await decodeImage(new Uint8Array(0));
 * } catch (e) {
 *   console.assert(e instanceof ImageDecodeError && e.reason === "empty");
 * }
 * ```
 */
export async function decodeImage(
  source: string | Uint8Array,
  options: DecodeImageOptions = {},
): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? 100_000_000;
  const minSide = options.minSide ?? 16;
  const name = typeof source === "string" ? source : options.name ?? "image";
  let bytes: Uint8Array;
  if (typeof source === "string") {
    try {
      bytes = await Deno.readFile(source);
    } catch (e) {
      throw new ImageDecodeError(
        "unreadable",
        `decodeImage: cannot read '${source}': ${(e as Error).message}`,
      );
    }
  } else {
    bytes = source;
  }
  if (bytes.length === 0) {
    throw new ImageDecodeError("empty", `decodeImage: '${name}' has zero bytes`);
  }
  let image: DecodedImage;
  try {
    if (isBmp(bytes)) {
      image = { ...decodeBmp(bytes, { maxPixels }), format: "bmp" };
    } else if (isNetpbm(bytes)) {
      const kind = bytes[1] - 0x30;
      const format = kind === 1 || kind === 4 ? "pbm" : kind === 2 || kind === 5 ? "pgm" : "ppm";
      image = { ...decodeNetpbm(bytes, { maxPixels }), format };
    } else {
      image = await decodeWithSharp(bytes, maxPixels);
    }
  } catch (e) {
    if (e instanceof ImageDecodeError) {
      throw new ImageDecodeError(e.reason, `${e.message} ('${name}')`);
    }
    const msg = (e as Error).message ?? String(e);
    throw new ImageDecodeError(classifySharpError(msg), `decodeImage: '${name}': ${msg}`);
  }
  if (Math.min(image.width, image.height) < minSide) {
    throw new ImageDecodeError(
      "too-small",
      `decodeImage: '${name}' is ${image.width}×${image.height}, below the ${minSide}-pixel minimum side`,
    );
  }
  return image;
}

async function decodeWithSharp(bytes: Uint8Array, maxPixels: number): Promise<DecodedImage> {
  // failOn "truncated": real face sets are full of JPEGs with harmless libjpeg warnings
  // ("extraneous bytes"); only data that really ends early is refused.
  const input = sharp(bytes, { limitInputPixels: maxPixels, failOn: "truncated" });
  const meta = await input.metadata();
  if (!meta.width || !meta.height) {
    throw new ImageDecodeError("not-an-image", "decodeImage: no dimensions in header");
  }
  if (meta.width * meta.height > maxPixels) {
    throw new ImageDecodeError(
      "too-large",
      `decodeImage: ${meta.width}×${meta.height} exceeds the ${maxPixels}-pixel limit`,
    );
  }
  const { data, info } = await input
    .rotate()
    .flatten({ background: { r: 128, g: 128, b: 128 } })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  let rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (info.channels !== 3) {
    // Defensive: collapse to 3 channels whatever came back.
    const n = info.width * info.height, c = info.channels;
    const out = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) out[3 * p + k] = rgb[p * c + Math.min(k, c - 1)];
    }
    rgb = out;
  }
  return { width: info.width, height: info.height, data: rgb, format: meta.format ?? "unknown" };
}
