/**
 * A step's no-gradient view of its batch: the embeddings of the mining forward pass and their ONE
 * distance matrix, shared by mining, the micro-batch divisor, the diagnostics and the accuracy.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createModel } from "../model/mod.ts";
 * import { squaredEuclidean } from "../losses/mod.ts";
 * import { disposeBatchView, viewBatch } from "./batch_view.ts";
 * const model = createModel("tiny", { inputSize: 32 });
 * const images = tf.zeros([4, 32, 32, 3]) as tf.Tensor4D;
 * const view = await viewBatch(model, images, { distance: squaredEuclidean() });
 * console.assert(view.values.length === 16);
 * disposeBatchView(view);
 * images.dispose();
 * model.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "../losses/mod.ts";
import { embedInChunks } from "./embed_in_chunks.ts";

/** The no-gradient embeddings of a batch and their distance matrix, as a tensor and as values. */
export interface BatchView {
  /** [N,D] embeddings (no gradient). */
  embeddings: tf.Tensor2D;
  /** [N,N] `distance.matrix(embeddings)`. */
  matrix: tf.Tensor2D;
  /** The matrix's values, row-major (read once). */
  values: Float32Array;
}

/** Options of {@link viewBatch}. */
export interface ViewBatchOptions {
  /** The distance of the matrix. */
  distance: Distance;
  /** Embed in chunks of this many images (undefined: one forward pass over the batch). */
  chunk?: number;
  /** Forward pass in training mode (batch norm uses batch statistics). Default true. */
  training?: boolean;
}

/** Embeds `images` without gradient and computes their distance matrix once. */
export async function viewBatch(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  options: ViewBatchOptions,
): Promise<BatchView> {
  const training = options.training ?? true;
  const embeddings = options.chunk !== undefined
    ? await embedInChunks(model, images, { chunk: options.chunk, training })
    : tf.tidy(() => model.apply(images, { training }) as tf.Tensor2D);
  const matrix = tf.tidy(() => options.distance.matrix(embeddings));
  try {
    return { embeddings, matrix, values: (await matrix.data()) as Float32Array };
  } catch (e) {
    tf.dispose([embeddings, matrix]);
    throw e;
  }
}

/** Frees a view's tensors. */
export function disposeBatchView(view: BatchView | undefined): void {
  if (view) tf.dispose([view.embeddings, view.matrix]);
}
