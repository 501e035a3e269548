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
import * as tf from "@tensorflow/tfjs";
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
  /**
   * Decoded, standardised images by path (`inputSize`² × 3 values each), filled on first use and
   * reused by later calls: repeated evaluations (a training callback) then cost only the forward
   * passes. Not used by embedders with `embedFile`.
   */
  imageCache?: Map<string, Float32Array>;
}

/**
 * Embeds every path, in order; returns one Float32Array row per path.
 *
 * @param embedder the embedder (a model via `modelEmbedder`, or `faceApiEmbedder()`)
 * @param paths image files (relative to `root` when given)
 * @param options root, batchSize (32), progress, signal, imageCache
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
  if (options.imageCache) return await embedCached(embedder, paths, options.imageCache, options);
  const loader = createOrderedLoader(paths, { size: embedder.inputSize, batchSize, root });
  try {
    for await (const batch of loader) {
      try {
        options.signal?.throwIfAborted();
        rows.push(...await embedBatch(embedder, batch.images));
        options.progress?.tick(batch.images.shape[0]);
      } finally {
        batch.images.dispose();
      }
    }
  } finally {
    await loader.close();
  }
  return rows;
}

/** Embeds one batch; returns its rows. The caller disposes `images`. */
async function embedBatch(embedder: Embedder, images: tf.Tensor4D): Promise<Float32Array[]> {
  const out = await embedder.embed(images);
  try {
    const n = images.shape[0];
    if (out.rank !== 2 || out.shape[0] !== n) {
      throw new Error(
        `embedPaths: ${embedder.name} returned shape [${out.shape.join(",")}] for ${n} images`,
      );
    }
    const dim = out.shape[1];
    const data = (await out.data()) as Float32Array;
    return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
  } finally {
    out.dispose();
  }
}

/** {@link embedPaths} through `cache`: decodes only the paths it lacks, then embeds from memory. */
async function embedCached(
  embedder: Embedder,
  paths: readonly string[],
  cache: Map<string, Float32Array>,
  options: EmbedPathsOptions,
): Promise<Float32Array[]> {
  const size = embedder.inputSize, per = size * size * 3;
  const batchSize = options.batchSize ?? 32;
  const missing = [...new Set(paths.filter((p) => !cache.has(p)))];
  if (missing.length > 0) {
    const loader = createOrderedLoader(missing, { size, batchSize, root: options.root ?? "" });
    let i = 0;
    try {
      for await (const batch of loader) {
        try {
          options.signal?.throwIfAborted();
          const data = (await batch.images.data()) as Float32Array;
          for (let j = 0; j < batch.images.shape[0]; j++) {
            cache.set(missing[i++], data.slice(j * per, (j + 1) * per));
          }
        } finally {
          batch.images.dispose();
        }
      }
    } finally {
      await loader.close();
    }
  }
  const rows: Float32Array[] = [];
  for (let i = 0; i < paths.length; i += batchSize) {
    options.signal?.throwIfAborted();
    const names = paths.slice(i, i + batchSize);
    const buf = new Float32Array(names.length * per);
    names.forEach((p, j) => {
      const image = cache.get(p)!;
      if (image.length !== per) {
        throw new Error(
          `embedPaths: the cached image of '${p}' has ${image.length} values, not ${size}×${size}×3`,
        );
      }
      buf.set(image, j * per);
    });
    const images = tf.tensor4d(buf, [names.length, size, size, 3]);
    try {
      rows.push(...await embedBatch(embedder, images));
    } finally {
      images.dispose();
    }
    options.progress?.tick(names.length);
  }
  return rows;
}
