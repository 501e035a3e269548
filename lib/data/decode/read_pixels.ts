/**
 * Image files → standardised float32 pixels for the loaders (no tfjs here, so decode workers load
 * fast): the one decode path of decode_image.ts with a square window (zoom and crop position from
 * the augmentation), then flip and colour jitter, then `(pixel − 127.5) / 128` (see
 * standardize.ts). Output layout: RGB, HWC, float32.
 *
 * @example
 * ```ts
 * import { loadSharp } from "./load_sharp.ts";
 * import { readImagePixels } from "./read_pixels.ts";
 * const sharp = await loadSharp();
 * const file = await Deno.makeTempFile({ suffix: ".png" });
 * await sharp({ create: { width: 40, height: 30, channels: 3, background: "#808080" } }).toFile(file);
 * const px = await readImagePixels(file, { size: 32 });
 * console.assert(px.length === 32 * 32 * 3 && px[0] === 128);
 * ```
 * @module
 */
import type { AugmentParams } from "./augment.ts";
import { decodeImage } from "./decode_image.ts";
import { STANDARD_MEAN, STANDARD_SCALE } from "./standardize.ts";

/** Options of {@link readImagePixels}. */
export interface ReadPixelsOptions {
  /** Output width and height. */
  size: number;
  /** Zoom/crop position to apply (flip and colour are applied by {@link decodeStandardized}). */
  augment?: AugmentParams;
}

/**
 * Decodes an image file to `size`×`size` 8-bit RGB (row-major, 3 bytes a pixel): the image is
 * resized so its shorter side is `round(size × zoom)` (zoom = 1 without augmentation), then a
 * `size` window is cut (centre, or at the augmentation's position). Any format decodeImage reads;
 * a truncated JPEG gives what it holds rather than failing the batch.
 *
 * @example
 * ```ts
 * import { readImagePixels } from "./read_pixels.ts";
 * const px = await readImagePixels("face.jpg", { size: 96 }).catch(() => null);
 * if (px) console.assert(px.length === 96 * 96 * 3);
 * ```
 */
export async function readImagePixels(
  path: string,
  options: ReadPixelsOptions,
): Promise<Uint8Array> {
  const size = options.size;
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`readImagePixels: 'size' must be an integer ≥ 1, got ${size}`);
  }
  const a = options.augment;
  const image = await decodeImage(path, {
    minSide: 1,
    strict: false,
    square: { size, zoom: a?.zoom, x: a?.x, y: a?.y },
  });
  return image.data;
}

/** Options of {@link decodeStandardized}. */
export interface DecodeStandardizedOptions extends ReadPixelsOptions {
  /** Write here (length ≥ offset + size²×3) instead of allocating. */
  out?: Float32Array;
  /** Start index in `out`. Default 0. */
  offset?: number;
}

/**
 * Decodes an image file to standardised float32 RGB (HWC), applying the augmentation's zoom/crop,
 * flip and colour jitter.
 *
 * @example
 * ```ts
 * import { decodeStandardized } from "./read_pixels.ts";
 * const path = new URL("../../../../shared/faces/dev/lfw/Aaron_Guiel/Aaron_Guiel_0001.jpg", import.meta.url).pathname;
 * const x = await decodeStandardized(path, { size: 96 }).catch(() => null);
 * if (x) console.assert(x.length === 96 * 96 * 3);
 * ```
 */
export async function decodeStandardized(
  path: string,
  options: DecodeStandardizedOptions,
): Promise<Float32Array> {
  const size = options.size;
  const px = await readImagePixels(path, options);
  const out = options.out ?? new Float32Array(size * size * 3);
  const offset = options.offset ?? 0;
  if (offset + px.length > out.length) {
    throw new Error(
      `decodeStandardized: output of ${out.length} too small for offset ${offset} + ${px.length}`,
    );
  }
  const a = options.augment;
  const flip = a?.flip ?? false;
  const jitter = a && (a.brightness !== 1 || a.contrast !== 1 || a.saturation !== 1);
  const bright = a?.brightness ?? 1, contrast = a?.contrast ?? 1, sat = a?.saturation ?? 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = (y * size + (flip ? size - 1 - x : x)) * 3;
      const d = offset + (y * size + x) * 3;
      let r = px[s], g = px[s + 1], b = px[s + 2];
      if (jitter) {
        r = (r * bright - 127.5) * contrast + 127.5;
        g = (g * bright - 127.5) * contrast + 127.5;
        b = (b * bright - 127.5) * contrast + 127.5;
        const grey = 0.299 * r + 0.587 * g + 0.114 * b;
        r = clamp255(grey + (r - grey) * sat);
        g = clamp255(grey + (g - grey) * sat);
        b = clamp255(grey + (b - grey) * sat);
      }
      out[d] = (r - STANDARD_MEAN) / STANDARD_SCALE;
      out[d + 1] = (g - STANDARD_MEAN) / STANDARD_SCALE;
      out[d + 2] = (b - STANDARD_MEAN) / STANDARD_SCALE;
    }
  }
  return out;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
