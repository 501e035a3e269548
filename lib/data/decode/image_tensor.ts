/**
 * Image files → standardised float tensors (RGB, NHWC, float32, `(pixel − 127.5) / 128`); the
 * decoding itself is read_pixels.ts.
 *
 * @example
 * ```ts
 * import { loadSharp } from "./load_sharp.ts";
 * import { loadImageTensor } from "./image_tensor.ts";
 * const sharp = await loadSharp();
 * const file = await Deno.makeTempFile({ suffix: ".png" });
 * await sharp({ create: { width: 40, height: 30, channels: 3, background: "#808080" } }).toFile(file);
 * const t = await loadImageTensor(file, { size: 32 });
 * console.assert(t.shape.join() === "32,32,3");
 * t.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeStandardized } from "./read_pixels.ts";
import { mapPool } from "../loader/pool.ts";

/** Options of {@link loadImageTensor}. */
export interface LoadImageOptions {
  /** Output width and height. Default 96. */
  size?: number;
}

/**
 * Loads one image as a standardised `[size, size, 3]` tensor (no augmentation). The caller
 * disposes it; add a batch axis with `t.expandDims(0)` to feed a model.
 *
 * @example
 * ```ts
 * import { loadImageTensor } from "./image_tensor.ts";
 * const t = await loadImageTensor("face.jpg", { size: 96 }).catch(() => null);
 * if (t) {
 *   const batch = t.expandDims(0); // [1, 96, 96, 3]
 *   batch.dispose();
 *   t.dispose();
 * }
 * ```
 */
export async function loadImageTensor(
  path: string,
  options: LoadImageOptions = {},
): Promise<tf.Tensor3D> {
  const size = options.size ?? 96;
  const data = await decodeStandardized(path, { size });
  return tf.tensor3d(data, [size, size, 3], "float32");
}

/** Options of {@link loadImageBatch}. */
export interface LoadBatchOptions extends LoadImageOptions {
  /** Images decoded at once. Default 4. */
  concurrency?: number;
}

/**
 * Loads images as one standardised `[n, size, size, 3]` tensor (no augmentation); the caller
 * disposes it.
 *
 * @example
 * ```ts
 * import { loadImageBatch } from "./image_tensor.ts";
 * const t = await loadImageBatch([], { size: 8 });
 * console.assert(t.shape[0] === 0);
 * t.dispose();
 * ```
 */
export async function loadImageBatch(
  paths: readonly string[],
  options: LoadBatchOptions = {},
): Promise<tf.Tensor4D> {
  const size = options.size ?? 96;
  const per = size * size * 3;
  const out = new Float32Array(paths.length * per);
  await mapPool(paths, (p, i) => decodeStandardized(p, { size, out, offset: i * per }), {
    concurrency: options.concurrency ?? 4,
  });
  return tf.tensor4d(out, [paths.length, size, size, 3], "float32");
}
