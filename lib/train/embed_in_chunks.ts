/**
 * Embeds a large batch without gradient, `chunk` images at a time, so peak memory is bounded by
 * the chunk's activations rather than the whole mining batch's.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { embedInChunks } from "./embed_in_chunks.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
 * const x = tf.ones([5, 3]);
 * const e = await embedInChunks(model, x, { chunk: 2 });
 * console.assert(e.shape[0] === 5);
 * tf.dispose([x, e]);
 * model.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@link embedInChunks}. */
export interface EmbedInChunksOptions {
  /** Images per forward pass. Default 64. */
  chunk?: number;
  /** Forward in training mode (batch norm uses chunk statistics). Default false. */
  training?: boolean;
}

/** Embeds `images` ([N,…]) in chunks; returns [N,D]. The caller disposes the result. */
export async function embedInChunks(
  model: tf.LayersModel,
  images: tf.Tensor,
  options: EmbedInChunksOptions = {},
): Promise<tf.Tensor2D> {
  const chunk = options.chunk ?? 64;
  if (!(Number.isInteger(chunk) && chunk > 0)) {
    throw new Error(`embedInChunks: 'chunk' must be a positive integer, got ${chunk}`);
  }
  const n = images.shape[0];
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    parts.push(tf.tidy(() => {
      const x = tf.slice(images, i, m);
      return model.apply(x, { training: options.training ?? false }) as tf.Tensor2D;
    }));
    // let the event loop breathe between chunks (progress, abort signals)
    await new Promise((r) => setTimeout(r, 0));
  }
  if (parts.length === 1) return parts[0];
  const out = tf.concat(parts, 0) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}
