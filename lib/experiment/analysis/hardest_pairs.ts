/**
 * The hardest verification pairs of a trained model: positives farthest apart, negatives closest.
 * @module
 */

/** One pair of the case study. */
export interface CasePair {
  a: string;
  b: string;
  distance: number;
  /** Whether the accuracy threshold gets it wrong. */
  misclassified: boolean;
}

/**
 * The `count` hardest pairs of each kind: positives by decreasing distance, negatives by
 * increasing distance (`distance < threshold` predicts "same").
 *
 * @example
 * ```ts
 * import { hardestPairs } from "./hardest_pairs.ts";
 * const pairs = [{ a: "x", b: "y", same: true }, { a: "x", b: "z", same: false }, { a: "y", b: "z", same: true }];
 * const h = hardestPairs(pairs, [0.2, 0.5, 0.9], { count: 1, threshold: 0.6 });
 * console.assert(h.positives[0].b === "z" && h.positives[0].misclassified && !h.negatives[0].misclassified);
 * ```
 */
export function hardestPairs(
  pairs: readonly { a: string; b: string; same: boolean }[],
  distances: ArrayLike<number>,
  options: { count: number; threshold: number },
): { positives: CasePair[]; negatives: CasePair[] } {
  if (distances.length !== pairs.length) {
    throw new Error(
      `hardestPairs: ${distances.length} distances for ${pairs.length} pairs (one each expected)`,
    );
  }
  const rows = pairs.map((p, i) => ({ ...p, distance: distances[i] }));
  const pick = (same: boolean, sign: number) =>
    rows.filter((r) => r.same === same)
      .sort((x, y) => sign * (x.distance - y.distance))
      .slice(0, options.count)
      .map((r) => ({
        a: r.a,
        b: r.b,
        distance: r.distance,
        misclassified: same ? r.distance >= options.threshold : r.distance < options.threshold,
      }));
  return { positives: pick(true, -1), negatives: pick(false, 1) };
}
