/**
 * Embeds image files with an {@link Embedder}, in order, batch by batch, with progress.
 *
 * Embedders with their own per-file pipeline (`embedFile`, e.g. face-api's detection and alignment
 * on the whole photo) get each file; the others get standardised `inputSize`² images from
 * lib/data's ordered loader (decode, centre square, resize, `(pixel − 127.5) / 128`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { embedPaths } from "./embed_paths.ts";
 * const mean = { name: "mean", inputSize: 8, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const rows = await embedPaths(mean, []);
 * console.assert(rows.length === 0);
 * ```
 * @module
 */
import type { Progress } from "../cli/mod.ts";
import { createOrderedLoader } from "../data/mod.ts";
import { itemPath } from "../data/mod.ts";
import type { Embedder } from "./embedder.ts";

/** Options of {@link embedPaths}. */
export interface EmbedPathsOptions {
  /** Folder relative paths are joined to. Default "" (paths used as given). */
  root?: string;
  /** Images per batch. Default 32. */
  batchSize?: number;
  /** Ticked once per image. */
  progress?: Progress;
  /** Stops between batches (throws the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Embeds every path, in order; returns one Float32Array row per path.
 *
 * @param embedder the embedder (a model via `modelEmbedder`, or `faceApiEmbedder()`)
 * @param paths image files (relative to `root` when given)
 * @param options root, batchSize (32), progress, signal
 *
 * @example
 * ```ts
 * import sharp from "sharp";
 * import * as tf from "@tensorflow/tfjs";
 * import { embedPaths } from "./embed_paths.ts";
 * const file = await Deno.makeTempFile({ suffix: ".png" });
 * await sharp({ create: { width: 16, height: 16, channels: 3, background: "#ffffff" } }).png().toFile(file);
 * const mean = { name: "mean", inputSize: 8, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const [row] = await embedPaths(mean, [file]);
 * console.assert(Math.abs(row[0] - 127.5 / 128) < 1e-6);
 * ```
 */
export async function embedPaths(
  embedder: Embedder,
  paths: readonly string[],
  options: EmbedPathsOptions = {},
): Promise<Float32Array[]> {
  const root = options.root ?? "";
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`embedPaths: 'batchSize' must be an integer ≥ 1, got ${batchSize}`);
  }
  const rows: Float32Array[] = [];
  if (embedder.embedFile) {
    for (const p of paths) {
      options.signal?.throwIfAborted();
      rows.push(await embedder.embedFile(itemPath({ root }, p)));
      options.progress?.tick(1);
    }
    return rows;
  }
  const loader = createOrderedLoader(paths, { size: embedder.inputSize, batchSize, root });
  try {
    for await (const batch of loader) {
      try {
        options.signal?.throwIfAborted();
        const out = await embedder.embed(batch.images);
        try {
          const n = batch.images.shape[0];
          if (out.rank !== 2 || out.shape[0] !== n) {
            throw new Error(
              `embedPaths: ${embedder.name} returned shape [${
                out.shape.join(",")
              }] for ${n} images`,
            );
          }
          const dim = out.shape[1];
          const data = (await out.data()) as Float32Array;
          for (let i = 0; i < n; i++) rows.push(data.slice(i * dim, (i + 1) * dim));
          options.progress?.tick(n);
        } finally {
          out.dispose();
        }
      } finally {
        batch.images.dispose();
      }
    }
  } finally {
    await loader.close();
  }
  return rows;
}
