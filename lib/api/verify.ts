/**
 * `verify(a, b)`: are two photos the same person? One call, deepface-style: the Euclidean distance
 * between the two embeddings, the threshold it is compared with, and the answer.
 *
 * @example
 * ```ts ignore
 * import { verify } from "./verify.ts";
 * const { distance, threshold, same } = await verify("alice_1.jpg", "alice_2.jpg");
 * console.log(same, distance.toFixed(3), threshold);
 * ```
 * @module
 */
import { checkEmbedOptions, embedDecoded } from "./_embed_decoded.ts";
import type { EmbedOptions } from "./embed.ts";
import { ensureBackend } from "./ensure_backend.ts";
import { type ImageInput, readImages } from "./image_input.ts";
import { resolveEmbedder } from "./resolve_embedder.ts";

/** Options of {@link verify}. */
export interface VerifyOptions extends EmbedOptions {
  /**
   * Same person when the distance is below this. Default: the embedder's calibrated threshold:
   * `FACEAPI_THRESHOLD` for face-api, a run folder's `threshold.json` (written by
   * `tools/calibrate_threshold.ts --save`); an error when the embedder has none.
   */
  threshold?: number;
}

/** What {@link verify} found. */
export interface VerifyResult {
  /** Euclidean distance between the two embeddings. */
  distance: number;
  /** The threshold used. */
  threshold: number;
  /** `distance < threshold`. */
  same: boolean;
}

/** Euclidean distance of two rows of equal length. */
function euclidean(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Compares the faces of two images (paths, image-file bytes, or `[H,W,3]` tensors of pixels
 * 0–255): `{ distance, threshold, same }`. The backend is `initBackend("auto")`'s choice unless
 * one is already set.
 *
 * @param a the first image
 * @param b the second image
 * @param options embedder ("faceapi"), crop ("face"), threshold (the embedder's calibrated one)
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { verify } from "./verify.ts";
 * // A toy embedder (the mean colour) and two tensor images; real use passes photo paths.
 * const meanColour = { name: "mean", inputSize: 4, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const dark = tf.fill([8, 8, 3], 40) as tf.Tensor3D, light = tf.fill([8, 8, 3], 220) as tf.Tensor3D;
 * const r = await verify(dark, light, { embedder: meanColour, crop: "centre", threshold: 0.5 });
 * tf.dispose([dark, light]);
 * console.assert(!r.same && Math.abs(r.distance - Math.sqrt(3) * 180 / 128) < 1e-5);
 * ```
 */
export async function verify(
  a: ImageInput,
  b: ImageInput,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  checkEmbedOptions(options, "verify");
  if (options.threshold !== undefined && !(options.threshold > 0)) {
    throw new Error(`verify: 'threshold' must be a number > 0, got ${options.threshold}`);
  }
  const [first, second] = [await readImages(a, "verify"), await readImages(b, "verify")];
  for (const [which, images] of [["a", first], ["b", second]] as const) {
    if (images.length !== 1) {
      throw new Error(
        `verify: '${which}' must be one image, got ${images.length} (a [N,H,W,3] batch)`,
      );
    }
  }
  await ensureBackend();
  const resolved = await resolveEmbedder(options.embedder ?? "faceapi", "verify");
  const threshold = options.threshold ?? resolved.threshold;
  if (threshold === undefined) {
    throw new Error(
      `verify: embedder '${resolved.embedder.name}' has no calibrated threshold: pass { threshold }, or write one with tools/calibrate_threshold.ts --save`,
    );
  }
  const [ea, eb] = await embedDecoded(resolved, [...first, ...second], {
    crop: options.crop,
    caller: "verify",
  });
  if (ea.length !== eb.length) {
    throw new Error(`verify: embeddings differ in length (${ea.length} vs ${eb.length})`);
  }
  const distance = euclidean(ea, eb);
  return { distance, threshold, same: distance < threshold };
}
