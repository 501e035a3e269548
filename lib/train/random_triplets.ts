/**
 * Random triplets from a labelled trunk of images, as the monograph fed its three-input model:
 * anchor and positive share an identity (distinct images), the negative has another identity.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { randomTriplets } from "./random_triplets.ts";
 * const t = randomTriplets([0, 0, 1, 1], { count: 5, rng: createRng(1) });
 * console.assert(t.anchors.length === 5);
 * ```
 * @module
 */
import type { Rng } from "../random/mod.ts";
import type { Triplets } from "../losses/mod.ts";

/** Draws `count` random valid triplets (with replacement). Throws when none exists. */
export function randomTriplets(
  labels: ArrayLike<number>,
  options: { count: number; rng: Rng },
): Triplets {
  const { count, rng } = options;
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    byLabel.set(labels[i], [...(byLabel.get(labels[i]) ?? []), i]);
  }
  const anchorsPool = [...byLabel.values()].filter((g) => g.length >= 2).flat();
  if (anchorsPool.length === 0 || byLabel.size < 2) {
    throw new Error(
      `randomTriplets: need an identity with ≥ 2 images and ≥ 2 identities, got ${byLabel.size} identities ` +
        `over ${labels.length} images`,
    );
  }
  const a = new Int32Array(count), p = new Int32Array(count), n = new Int32Array(count);
  for (let t = 0; t < count; t++) {
    const ai = anchorsPool[rng.int(anchorsPool.length)];
    const same = byLabel.get(labels[ai])!.filter((i) => i !== ai);
    let ni = rng.int(labels.length);
    while (labels[ni] === labels[ai]) ni = rng.int(labels.length);
    a[t] = ai;
    p[t] = same[rng.int(same.length)];
    n[t] = ni;
  }
  return { anchors: a, positives: p, negatives: n };
}
