/**
 * The toolkit's image standardisation, used by every loader and by the models' inputs:
 *
 *     x = (pixel − 127.5) / 128        RGB order, float32, NHWC ([N, H, W, 3])
 *
 * so 8-bit pixels map into [−0.99609375, 0.99609375] and mid-grey (127.5) to 0 — the fixed
 * standardisation of the FaceNet reference code (facenet's `fixed_image_standardization`), with no
 * per-image statistics, so an image's values never depend on other images.
 *
 * @example
 * ```ts
 * import { destandardize, standardizePixel } from "./standardize.ts";
 * console.assert(standardizePixel(255) === 127.5 / 128 && destandardize(standardizePixel(7)) === 7);
 * ```
 * @module
 */

/** Subtracted from each 8-bit pixel. */
export const STANDARD_MEAN = 127.5;
/** Divides the centred pixel. */
export const STANDARD_SCALE = 128;
/** Smallest standardised value (pixel 0). */
export const STANDARD_MIN: number = (0 - STANDARD_MEAN) / STANDARD_SCALE;
/** Largest standardised value (pixel 255). */
export const STANDARD_MAX: number = (255 - STANDARD_MEAN) / STANDARD_SCALE;

/**
 * `(pixel − 127.5) / 128`.
 *
 * @example
 * ```ts
 * import { standardizePixel } from "./standardize.ts";
 * console.assert(standardizePixel(127.5) === 0);
 * ```
 */
export function standardizePixel(pixel: number): number {
  return (pixel - STANDARD_MEAN) / STANDARD_SCALE;
}

/**
 * Inverse of {@link standardizePixel} (`x × 128 + 127.5`), for display.
 *
 * @example
 * ```ts
 * import { destandardize } from "./standardize.ts";
 * console.assert(destandardize(0) === 127.5);
 * ```
 */
export function destandardize(x: number): number {
  return x * STANDARD_SCALE + STANDARD_MEAN;
}

/**
 * Standardises 8-bit RGB pixels into `out` (allocated when omitted) starting at `offset`.
 *
 * @example
 * ```ts
 * import { standardizePixels } from "./standardize.ts";
 * const f = standardizePixels(new Uint8Array([0, 128, 255]));
 * console.assert(f.length === 3 && f[0] < 0 && f[2] > 0);
 * ```
 */
export function standardizePixels(
  pixels: ArrayLike<number>,
  out: Float32Array = new Float32Array(pixels.length),
  offset = 0,
): Float32Array {
  if (offset + pixels.length > out.length) {
    throw new Error(
      `standardizePixels: ${pixels.length} values do not fit in an output of ${out.length} at offset ${offset}`,
    );
  }
  for (let i = 0; i < pixels.length; i++) {
    out[offset + i] = (pixels[i] - STANDARD_MEAN) / STANDARD_SCALE;
  }
  return out;
}
