/**
 * Named image degradations (a domain shift such as surveillance-like low-resolution greyscale
 * faces), applied identically wherever images enter a model: evaluation (`deno task eval --degrade
 * NAME[:strength]`) and training.
 *
 * Every degradation here is a per-image affine-weighted average of pixels (box blur, bilinear
 * resampling, luma), so it commutes with the toolkit's standardisation `(pixel − 127.5) / 128`:
 * applying it to raw pixels or to standardised images gives the same images.
 *
 * | name | strength | what |
 * | ---- | -------- | ---- |
 * | `lowres` | N px (default 24) | box-filter, downscale to N×N, bilinear back up to the input size |
 * | `grey` | — | ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B) in all three channels |
 * | `lowres-grey` | N px (default 24) | `lowres` then `grey` |
 * | `none` | — | unchanged |
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { applyDegrade, parseDegrade } from "./degrade.ts";
 * const spec = parseDegrade("lowres-grey:8");
 * const images = tf.randomUniform([2, 32, 32, 3]) as tf.Tensor4D;
 * const out = applyDegrade(images, spec);
 * console.assert(out.shape.join() === "2,32,32,3" && spec.size === 8);
 * tf.dispose([images, out]);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Embedder } from "./embedder.ts";

/** The degradation names. */
export const DEGRADE_NAMES = ["none", "lowres", "grey", "lowres-grey"] as const;

/** A degradation name. */
export type DegradeName = typeof DEGRADE_NAMES[number];

/** A parsed degradation. */
export interface DegradeSpec {
  name: DegradeName;
  /** Side in pixels the image is reduced to (`lowres`, `lowres-grey`). */
  size?: number;
}

/** Default side of `lowres` and `lowres-grey`, in pixels. */
export const DEFAULT_DEGRADE_SIZE = 24;

/**
 * Parses `NAME[:strength]` (e.g. `lowres-grey:16`), naming the accepted values on error.
 *
 * @param text the flag's value
 *
 * @example
 * ```ts
 * import { parseDegrade } from "./degrade.ts";
 * console.assert(parseDegrade("grey").name === "grey" && parseDegrade("lowres").size === 24);
 * ```
 */
export function parseDegrade(text: string): DegradeSpec {
  const [name, strength, ...rest] = text.trim().split(":");
  if (!(DEGRADE_NAMES as readonly string[]).includes(name) || rest.length > 0) {
    throw new Error(
      `degrade: unknown degradation '${text}'; expected one of ${
        DEGRADE_NAMES.join(", ")
      } (lowres and lowres-grey take ':N', the side in pixels)`,
    );
  }
  const spec: DegradeSpec = { name: name as DegradeName };
  if (name === "lowres" || name === "lowres-grey") {
    const size = strength === undefined ? DEFAULT_DEGRADE_SIZE : Number(strength);
    if (!Number.isInteger(size) || size < 2) {
      throw new Error(
        `degrade: '${name}' needs a side in pixels ≥ 2 (e.g. ${name}:16), got '${strength}'`,
      );
    }
    spec.size = size;
  } else if (strength !== undefined) {
    throw new Error(`degrade: '${name}' takes no strength, got '${text}'`);
  }
  return spec;
}

/**
 * The spec as `NAME[:strength]` text (what {@link parseDegrade} reads), e.g. for run names.
 *
 * @example
 * ```ts
 * import { degradeLabel } from "./degrade.ts";
 * console.assert(degradeLabel({ name: "lowres-grey", size: 16 }) === "lowres-grey:16");
 * ```
 */
export function degradeLabel(spec: DegradeSpec): string {
  return spec.size === undefined ? spec.name : `${spec.name}:${spec.size}`;
}

/**
 * Applies a degradation to a batch of RGB images [N,H,W,3] (raw or standardised pixels); returns a
 * new tensor of the same shape (the caller disposes both). `lowres` with a size ≥ the image's side
 * leaves the resolution unchanged.
 *
 * @param images the batch
 * @param spec the degradation ({@link parseDegrade}) or its text
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { applyDegrade } from "./degrade.ts";
 * const x = tf.tensor4d([255, 0, 0], [1, 1, 1, 3]);
 * const g = applyDegrade(x, "grey");
 * console.assert(Math.abs((await g.data())[1] - 0.299 * 255) < 1e-3);
 * tf.dispose([x, g]);
 * ```
 */
export function applyDegrade(images: tf.Tensor4D, spec: DegradeSpec | string): tf.Tensor4D {
  const s = typeof spec === "string" ? parseDegrade(spec) : spec;
  if (images.rank !== 4 || images.shape[3] !== 3) {
    throw new Error(`applyDegrade: expected images [N,H,W,3], got [${images.shape.join(",")}]`);
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = images.toFloat();
    if (s.name === "lowres" || s.name === "lowres-grey") {
      x = lowRes(x, s.size ?? DEFAULT_DEGRADE_SIZE);
    }
    if (s.name === "grey" || s.name === "lowres-grey") x = grey(x);
    return s.name === "none" ? x.clone() : x;
  });
}

/** Box filter over the pixels each low-resolution pixel covers, downscale, bilinear upscale. */
function lowRes(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (size >= h && size >= w) return x;
  const kh = Math.max(1, Math.floor(h / size)), kw = Math.max(1, Math.floor(w / size));
  // Anti-aliasing: average over the footprint of one output pixel (SAME padding averages only the
  // pixels inside the image), so the small image is an area average, not a sparse sample.
  const blurred = kh > 1 || kw > 1 ? tf.avgPool(x, [kh, kw], 1, "same") : x;
  const small = tf.image.resizeBilinear(
    blurred,
    [Math.min(size, h), Math.min(size, w)],
    false,
    true,
  );
  return tf.image.resizeBilinear(small, [h, w], false, true);
}

/** BT.601 luma in each of the three channels. */
function grey(x: tf.Tensor4D): tf.Tensor4D {
  const luma = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
  return tf.tile(luma, [1, 1, 1, 3]) as tf.Tensor4D;
}

/**
 * An {@link Embedder} that degrades each batch before embedding it (the batch is standardised
 * images; see the module doc for why that is the same as degrading the pixels). Embedders with a
 * per-file pipeline (`embedFile`, face-api) take the degradation as their own option instead.
 *
 * @param embedder the embedder to wrap
 * @param spec the degradation or its text
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { degradedEmbedder } from "./degrade.ts";
 * const mean = { name: "mean", inputSize: 8, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const e = degradedEmbedder(mean, "grey");
 * console.assert(e.name === "mean+grey" && e.inputSize === 8);
 * ```
 */
export function degradedEmbedder(embedder: Embedder, spec: DegradeSpec | string): Embedder {
  const s = typeof spec === "string" ? parseDegrade(spec) : spec;
  if (embedder.embedFile) {
    throw new Error(
      `degradedEmbedder: ${embedder.name} embeds whole files; give it the degradation as its own option`,
    );
  }
  return {
    name: `${embedder.name}+${degradeLabel(s)}`,
    inputSize: embedder.inputSize,
    async embed(images: tf.Tensor4D): Promise<tf.Tensor2D> {
      const degraded = applyDegrade(images, s);
      try {
        return await embedder.embed(degraded);
      } finally {
        degraded.dispose();
      }
    },
    dispose: embedder.dispose?.bind(embedder),
  };
}

/**
 * Degrades one 8-bit RGB image (as lib/data decodes it); returns a new image of the same size.
 *
 * @example
 * ```ts
 * import { degradeRgb } from "./degrade.ts";
 * const img = { width: 1, height: 1, data: Uint8Array.from([255, 0, 0]) };
 * console.assert((await degradeRgb(img, "grey")).data[2] === 76);
 * ```
 */
export async function degradeRgb(
  image: { width: number; height: number; data: Uint8Array },
  spec: DegradeSpec | string,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const out = tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3]);
    return tf.clipByValue(tf.round(applyDegrade(x, spec)), 0, 255);
  });
  try {
    return { width: image.width, height: image.height, data: Uint8Array.from(await out.data()) };
  } finally {
    out.dispose();
  }
}
