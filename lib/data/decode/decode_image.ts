/**
 * The one decode path from an image file (or its bytes) to 8-bit RGB, used by preprocessing, face
 * detection, the loaders and evaluation alike:
 *
 * 1. read the bytes (a path) and refuse empty ones;
 * 2. choose the decoder by content, not by file name: BMP ("BM") and Netpbm ("P1"–"P6") are read by
 *    this toolkit's own decoders; everything else goes to sharp (JPEG baseline/progressive/CMYK, PNG
 *    8/16-bit, grey, palette, alpha, WebP, GIF (first frame), TIFF, AVIF), with EXIF orientation
 *    applied;
 * 3. optionally resize to a square window (`square`: shorter side to `size × zoom`, then a `size`
 *    window at a chosen position), by sharp whichever decoder read the pixels;
 * 4. flatten alpha onto mid-grey (127.5 standardises to 0) and end every colour space (CMYK, grey,
 *    16-bit) as 8-bit sRGB, 3 bytes a pixel.
 *
 * sharp is loaded on the first image that needs it (see load_sharp.ts).
 *
 * @example
 * ```ts
 * import { loadSharp } from "./load_sharp.ts";
 * import { decodeImage } from "./decode_image.ts";
 * const sharp = await loadSharp();
 * const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#ff0000" } }).png().toBuffer();
 * const img = await decodeImage(new Uint8Array(png));
 * console.assert(img.width === 32 && img.format === "png" && img.data[0] === 255);
 * ```
 * @module
 */
import type { RgbImage } from "./rgb_image.ts";
import { type DecodeFailure, ImageDecodeError } from "./decode_error.ts";
import { decodeNetpbm, isNetpbm } from "./netpbm.ts";
import { decodeBmp, isBmp } from "./bmp.ts";
import { loadSharp, type SharpFactory } from "./load_sharp.ts";

export type { RgbImage } from "./rgb_image.ts";
export { type DecodeFailure, ImageDecodeError } from "./decode_error.ts";

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
  /**
   * Refuse files whose data end early (default true). With false, sharp decodes what is there (the
   * loaders' choice: a training batch should not fail on one damaged JPEG).
   */
  strict?: boolean;
  /** Resize to a `size`×`size` window (step 3 of the module doc). Default: the full image. */
  square?: SquareWindow;
}

/**
 * A square output window: the image is resized so its shorter side is `max(size, round(size × zoom))`
 * (cover, centred), then a `size`×`size` window is cut at (`x`, `y`) ∈ [0, 1]² of the spare room.
 */
export interface SquareWindow {
  /** Output width and height in pixels. */
  size: number;
  /** Zoom ≥ 1 before the window is cut. Default 1. */
  zoom?: number;
  /** Horizontal position of the window in the spare room, 0 (left) … 1 (right). Default 0.5. */
  x?: number;
  /** Vertical position of the window in the spare room, 0 (top) … 1 (bottom). Default 0.5. */
  y?: number;
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
  const square = options.square;
  if (square && (!Number.isInteger(square.size) || square.size < 1)) {
    throw new Error(`decodeImage: 'square.size' must be an integer ≥ 1, got ${square.size}`);
  }
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
    const own = decodeOwn(bytes, maxPixels);
    if (own) checkMinSide(own, minSide, name);
    if (own && !square) {
      image = own;
    } else {
      const sharp = await loadSharp();
      image = own
        ? await finishWithSharp(rawInput(sharp, own), own.format, square)
        : await decodeWithSharp(sharp, bytes, {
          maxPixels,
          minSide,
          strict: options.strict ?? true,
          square,
          name,
        });
    }
  } catch (e) {
    if (e instanceof ImageDecodeError) {
      if (e.message.startsWith(`decodeImage: '${name}'`)) throw e; // already names the file
      throw new ImageDecodeError(e.reason, `${e.message} ('${name}')`);
    }
    const msg = (e as Error).message ?? String(e);
    throw new ImageDecodeError(classifySharpError(msg), `decodeImage: '${name}': ${msg}`);
  }
  return image;
}

/** The toolkit's own decoders (BMP, Netpbm), or undefined when sharp should decode. */
function decodeOwn(bytes: Uint8Array, maxPixels: number): DecodedImage | undefined {
  if (isBmp(bytes)) return { ...decodeBmp(bytes, { maxPixels }), format: "bmp" };
  if (isNetpbm(bytes)) {
    const kind = bytes[1] - 0x30;
    const format = kind === 1 || kind === 4 ? "pbm" : kind === 2 || kind === 5 ? "pgm" : "ppm";
    return { ...decodeNetpbm(bytes, { maxPixels }), format };
  }
  return undefined;
}

type SharpPipeline = ReturnType<SharpFactory>;

function rawInput(sharp: SharpFactory, image: RgbImage): SharpPipeline {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

function checkMinSide(
  size: { width: number; height: number },
  minSide: number,
  name: string,
): void {
  if (Math.min(size.width, size.height) < minSide) {
    throw new ImageDecodeError(
      "too-small",
      `decodeImage: '${name}' is ${size.width}×${size.height}, below the ${minSide}-pixel minimum side`,
    );
  }
}

async function decodeWithSharp(
  sharp: SharpFactory,
  bytes: Uint8Array,
  o: { maxPixels: number; minSide: number; strict: boolean; square?: SquareWindow; name: string },
): Promise<DecodedImage> {
  const { maxPixels, strict, square } = o;
  // failOn "truncated": real face sets are full of JPEGs with harmless libjpeg warnings
  // ("extraneous bytes"); only data that really ends early is refused (or nothing, when lenient).
  const input = sharp(bytes, {
    limitInputPixels: maxPixels,
    failOn: strict ? "truncated" : "none",
  });
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
  checkMinSide({ width: meta.width, height: meta.height }, o.minSide, o.name);
  return await finishWithSharp(input.rotate(), meta.format ?? "unknown", square);
}

/** Steps 3 and 4: the optional square window, then alpha on mid-grey, 8-bit sRGB, 3 channels. */
async function finishWithSharp(
  input: SharpPipeline,
  format: string,
  square: SquareWindow | undefined,
): Promise<DecodedImage> {
  let pipe = input;
  if (square) {
    const size = square.size;
    const r = Math.max(size, Math.round(size * (square.zoom ?? 1)));
    pipe = pipe.resize(r, r, { fit: "cover", position: "centre" });
    if (r > size) {
      // A resize and an extract in one sharp pipeline run in that order.
      const room = r - size;
      pipe = pipe.extract({
        left: Math.round(room * (square.x ?? 0.5)),
        top: Math.round(room * (square.y ?? 0.5)),
        width: size,
        height: size,
      });
    }
  }
  const { data, info } = await pipe
    .flatten({ background: { r: 128, g: 128, b: 128 } })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (square && (info.width !== square.size || info.height !== square.size)) {
    throw new Error(
      `came out ${info.width}×${info.height}, expected ${square.size}×${square.size}`,
    );
  }
  let rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (info.channels !== 3) {
    // Defensive: collapse to 3 channels whatever came back (grey repeated).
    const n = info.width * info.height, c = info.channels;
    const out = new Uint8Array(n * 3);
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) out[3 * p + k] = rgb[p * c + Math.min(k, c - 1)];
    }
    rgb = out;
  }
  return { width: info.width, height: info.height, data: rgb, format };
}
