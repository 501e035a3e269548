/**
 * Training augmentation, seeded: a random zoom-in crop (which also shifts the face), a horizontal
 * flip and optional colour jitter (brightness, contrast, saturation). Parameters are drawn per image
 * by {@link sampleAugment} and applied while decoding (see `image_tensor.ts`), so one image costs one
 * sharp call.
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { sampleAugment } from "./augment.ts";
 * const a = sampleAugment(createRng(1), { zoom: 0.15, flip: true, jitter: 0.2 });
 * console.assert(a.zoom >= 1 && a.zoom <= 1.15);
 * ```
 * @module
 */
import type { Rng } from "../../random/mod.ts";

/** What augmentation to draw. */
export interface AugmentOptions {
  /**
   * Largest zoom-in: the image is resized to `size × z` with z uniform in [1, 1 + zoom] and a
   * `size` window is cut at a uniformly random position (random crop and shift). Default 0.15.
   */
  zoom?: number;
  /** Mirror left-right with probability 1/2. Default true. */
  flip?: boolean;
  /** Colour jitter amount j: brightness, contrast and saturation factors uniform in [1−j, 1+j]. Default 0 (off). */
  jitter?: number;
}

/** One image's augmentation. */
export interface AugmentParams {
  /** ≥ 1: resize factor before cropping. */
  zoom: number;
  /** Crop position in [0, 1] of the free room (0.5 = centre). */
  x: number;
  y: number;
  flip: boolean;
  brightness: number;
  contrast: number;
  saturation: number;
}

/** No augmentation: centre, unflipped, colours unchanged. */
export const IDENTITY_AUGMENT: Readonly<AugmentParams> = Object.freeze({
  zoom: 1,
  x: 0.5,
  y: 0.5,
  flip: false,
  brightness: 1,
  contrast: 1,
  saturation: 1,
});

/**
 * Resolves `true` (defaults), `false` (none) or options.
 *
 * @example
 * ```ts
 * import { resolveAugment } from "./augment.ts";
 * console.assert(resolveAugment(false) === null && resolveAugment(true)!.flip);
 * ```
 */
export function resolveAugment(
  augment: boolean | AugmentOptions | undefined,
): Required<AugmentOptions> | null {
  if (augment === false) return null;
  const o = augment === true || augment === undefined ? {} : augment;
  const r = { zoom: o.zoom ?? 0.15, flip: o.flip ?? true, jitter: o.jitter ?? 0 };
  if (!(r.zoom >= 0 && r.zoom <= 4)) {
    throw new Error(`augment: 'zoom' must be in [0, 4], got ${r.zoom}`);
  }
  if (!(r.jitter >= 0 && r.jitter < 1)) {
    throw new Error(`augment: 'jitter' must be in [0, 1), got ${r.jitter}`);
  }
  return r;
}

/**
 * Draws one image's augmentation (always the same number of draws, so streams stay aligned).
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { sampleAugment } from "./augment.ts";
 * console.assert(sampleAugment(createRng(3), { zoom: 0 }).zoom === 1);
 * ```
 */
export function sampleAugment(rng: Rng, options: AugmentOptions = {}): AugmentParams {
  const o = resolveAugment(options)!;
  const u = [rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next(), rng.next()];
  const j = (v: number) => 1 + (2 * v - 1) * o.jitter;
  return {
    zoom: 1 + u[0] * o.zoom,
    x: u[1],
    y: u[2],
    flip: o.flip && u[3] < 0.5,
    brightness: j(u[4]),
    contrast: j(u[5]),
    saturation: j(u[6]),
  };
}
