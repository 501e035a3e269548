/**
 * The best-accuracy distance threshold over labelled pairs: how `FACEAPI_THRESHOLD` and a run
 * folder's `threshold.json` are computed (by `tools/calibrate_threshold.ts`).
 *
 * @example
 * ```ts
 * import { calibrateThreshold } from "./calibrate_threshold.ts";
 * const c = calibrateThreshold([0.2, 0.3, 0.9, 1.1], [true, true, false, false]);
 * console.assert(c.accuracy === 1 && Math.abs(c.threshold - 0.6) < 1e-12);
 * ```
 * @module
 */
import { thresholdSweep } from "../eval/mod.ts";

/** A threshold and how well it separates the pairs it was chosen on. */
export interface ThresholdCalibration {
  /** Same person when distance < threshold: the midpoint between two neighbouring distances. */
  threshold: number;
  /** Fraction of pairs classified correctly at `threshold` (on the pairs it was chosen on). */
  accuracy: number;
  /** Pairs used. */
  pairs: number;
  /** Same-person pairs among them. */
  same: number;
  /** Different-person pairs among them. */
  different: number;
}

/**
 * The threshold that classifies the most pairs correctly (same when distance < threshold). Where
 * several thresholds tie, the middle one of the first run of best thresholds is taken. The
 * accuracy is measured on the same pairs, so it is an optimistic estimate of unseen pairs'.
 *
 * @param distances one distance per pair (finite)
 * @param same whether each pair is the same person
 *
 * @example
 * ```ts
 * import { calibrateThreshold } from "./calibrate_threshold.ts";
 * const c = calibrateThreshold([0.1, 0.5, 0.4, 0.8], [true, true, false, false]);
 * console.assert(c.accuracy === 0.75 && c.pairs === 4);
 * ```
 */
export function calibrateThreshold(
  distances: ArrayLike<number>,
  same: ArrayLike<boolean>,
): ThresholdCalibration {
  if (distances.length !== same.length) {
    throw new Error(
      `calibrateThreshold: ${distances.length} distances but ${same.length} same/different labels`,
    );
  }
  if (distances.length === 0) throw new Error("calibrateThreshold: no pairs");
  for (let i = 0; i < distances.length; i++) {
    if (!Number.isFinite(distances[i])) {
      throw new Error(`calibrateThreshold: distance ${i} is ${distances[i]}, not a finite number`);
    }
  }
  const sweep = thresholdSweep(distances, same);
  const n = sweep.same + sweep.different;
  const correct = (j: number) =>
    sweep.truePositives[j] + (sweep.different - sweep.falsePositives[j]);
  let best = 0;
  for (let j = 1; j < sweep.thresholds.length; j++) if (correct(j) > correct(best)) best = j;
  let end = best;
  while (end + 1 < sweep.thresholds.length && correct(end + 1) === correct(best)) end++;
  const j = best + Math.floor((end - best) / 2);
  return {
    threshold: sweep.thresholds[j],
    accuracy: correct(j) / n,
    pairs: n,
    same: sweep.same,
    different: sweep.different,
  };
}
