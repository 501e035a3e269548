/**
 * Training batches degraded as evaluation degrades them (lib/eval's `applyDegrade`): wraps a
 * {@link BatchLoader} so that a seeded share of each batch's images is degraded (1 = all; a
 * share below 1 keeps clean images in every batch, so a fine-tuned net does not forget them).
 * Resumable: the wrapper's position is part of the loader state.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { degradeBatches } from "./degrade_batches.ts";
 * const inner = { next: () => Promise.resolve({ images: tf.ones([4, 8, 8, 3]) as tf.Tensor4D, labels: [0, 0, 1, 1] }) };
 * const loader = degradeBatches(inner, "grey", { fraction: 1 });
 * const b = (await loader.next())!;
 * console.assert(b.images.shape[0] === 4);
 * b.images.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { applyDegrade, type DegradeSpec, parseDegrade } from "../eval/mod.ts";
import { mixSeed } from "../random/mod.ts";
import type { BatchLoader, TrainBatch } from "../train/mod.ts";

/** Options of {@link degradeBatches}. */
export interface DegradeBatchesOptions {
  /** Share of each batch's images that are degraded, in [0, 1]. Default 1. */
  fraction?: number;
  /** Seed of which images are degraded. Default 0. */
  seed?: number;
}

/** Loader state of {@link degradeBatches}: the inner loader's and the batches served. */
export interface DegradeBatchesState {
  inner: unknown;
  served: number;
}

/**
 * Wraps `loader` so that a share of every batch is degraded by `spec`.
 *
 * @param loader the batches
 * @param spec the degradation (`lowres-grey:16`, …)
 * @param options fraction (1), seed (0)
 *
 * @example
 * ```ts
 * import { degradeBatches } from "./degrade_batches.ts";
 * const loader = { next: () => Promise.resolve(undefined) };
 * console.assert((await degradeBatches(loader, "lowres:8").next()) === undefined);
 * ```
 */
export function degradeBatches(
  loader: BatchLoader,
  spec: DegradeSpec | string,
  options: DegradeBatchesOptions = {},
): BatchLoader {
  const s = typeof spec === "string" ? parseDegrade(spec) : spec;
  const fraction = options.fraction ?? 1;
  const seed = options.seed ?? 0;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new Error(`degradeBatches: 'fraction' must be in [0, 1], got ${fraction}`);
  }
  let served = 0;
  return {
    async next(): Promise<TrainBatch | undefined> {
      const batch = await loader.next();
      if (!batch) return undefined;
      const index = served++;
      const n = batch.images.shape[0];
      const mask = new Float32Array(n);
      // Exactly round(fraction·n) images, chosen by a seeded shuffle of this batch's positions.
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
        mixSeed(seed, index, a) - mixSeed(seed, index, b) || a - b
      );
      for (const i of order.slice(0, Math.round(fraction * n))) mask[i] = 1;
      const images = tf.tidy(() => {
        const degraded = applyDegrade(batch.images, s);
        const m = tf.tensor4d(mask, [n, 1, 1, 1]);
        return tf.add(tf.mul(degraded, m), tf.mul(batch.images, tf.sub(1, m))) as tf.Tensor4D;
      });
      batch.images.dispose();
      return { ...batch, images };
    },
    state(): DegradeBatchesState {
      return { inner: loader.state?.(), served };
    },
    restore(state: never): void {
      const st = state as DegradeBatchesState;
      served = st.served;
      if (st.inner !== undefined) loader.restore?.(st.inner as never);
    },
    close: loader.close ? () => loader.close!() : undefined,
  };
}
