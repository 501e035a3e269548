/**
 * ROC curve, AUC and equal error rate of pair distances, with the thresholds between them.
 *
 * Convention (FaceNet / davidsandberg/facenet): a pair is predicted "same" when its distance is
 * strictly below the threshold, `d < t`. Candidate thresholds lie between consecutive distinct
 * distances (midpoints), plus one below the smallest (accept none) and one above the largest
 * (accept all), so every distinct operating point of the data is represented and ties (equal
 * distances) move together, as they must.
 *
 * @example
 * ```ts
 * import { rocCurve } from "./roc.ts";
 * const roc = rocCurve([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]);
 * console.assert(roc.auc === 1 && roc.eer === 0);
 * ```
 * @module
 */

/** Cumulative counts of a set of pairs over its candidate thresholds (see {@link thresholdSweep}). */
export interface ThresholdSweep {
  /** Candidate thresholds, ascending; index j accepts the j smallest distinct distances. */
  thresholds: Float64Array;
  /** Same pairs accepted (`d < thresholds[j]`), per candidate. */
  truePositives: Float64Array;
  /** Different pairs accepted, per candidate. */
  falsePositives: Float64Array;
  /** Number of same pairs. */
  same: number;
  /** Number of different pairs. */
  different: number;
}

/** A ROC curve with its summary numbers. */
export interface RocCurve {
  /** False accept rate per threshold (ascending thresholds, so non-decreasing). */
  fpr: number[];
  /** True accept rate per threshold. */
  tpr: number[];
  /** The thresholds (`d < t` accepted). */
  thresholds: number[];
  /** Area under the curve (trapezoidal, so tied distances count one half). NaN when a class is empty. */
  auc: number;
  /** Equal error rate: where the false accept rate equals the false reject rate (interpolated). */
  eer: number;
  /** Threshold at the equal error rate (interpolated). */
  eerThreshold: number;
}

function isSameFlag(v: boolean | number, i: number, where: string): boolean {
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  throw new Error(`${where}: same[${i}] must be a boolean or 0/1, got ${String(v)}`);
}

/** Converts a `same` array to booleans, checking values and length. @internal */
export function toSameFlags(
  same: ArrayLike<boolean | number>,
  n: number,
  where: string,
): boolean[] {
  if (same.length !== n) {
    throw new Error(`${where}: distances and same differ in length (${n} vs ${same.length})`);
  }
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = isSameFlag(same[i], i, where);
  return out;
}

/** Checks that every distance is a finite number. @internal */
export function checkDistances(distances: ArrayLike<number>, where: string): void {
  for (let i = 0; i < distances.length; i++) {
    const d = distances[i];
    if (typeof d !== "number" || !Number.isFinite(d)) {
      throw new Error(`${where}: distances[${i}] must be a finite number, got ${String(d)}`);
    }
  }
}

/**
 * Sweeps the candidate thresholds of a subset of pairs and counts accepted same/different pairs.
 *
 * @param distances all pair distances
 * @param same all pair labels (true: same identity)
 * @param index which pairs to use (default: all)
 *
 * @example
 * ```ts
 * import { thresholdSweep } from "./roc.ts";
 * const s = thresholdSweep([1, 2, 2, 3], [true, true, false, false]);
 * console.assert(s.thresholds.length === 4 && s.truePositives[3] === 2);
 * ```
 */
export function thresholdSweep(
  distances: ArrayLike<number>,
  same: ArrayLike<boolean>,
  index?: ArrayLike<number>,
): ThresholdSweep {
  const idx = index ? Array.from(index) : Array.from({ length: distances.length }, (_, i) => i);
  idx.sort((a, b) => distances[a] - distances[b]);
  const values: number[] = [];
  const sameAt: number[] = [];
  const diffAt: number[] = [];
  let nSame = 0, nDiff = 0;
  for (const i of idx) {
    const d = distances[i];
    if (values.length === 0 || values[values.length - 1] !== d) {
      values.push(d);
      sameAt.push(0);
      diffAt.push(0);
    }
    const k = values.length - 1;
    if (same[i]) {
      sameAt[k]++;
      nSame++;
    } else {
      diffAt[k]++;
      nDiff++;
    }
  }
  const m = values.length;
  const thresholds = new Float64Array(m + 1);
  const tp = new Float64Array(m + 1);
  const fp = new Float64Array(m + 1);
  if (m > 0) {
    const span = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]), 1) * 1e-6;
    const lowGap = m > 1 ? (values[1] - values[0]) / 2 : span;
    const highGap = m > 1 ? (values[m - 1] - values[m - 2]) / 2 : span;
    thresholds[0] = values[0] - lowGap;
    for (let j = 1; j < m; j++) thresholds[j] = values[j - 1] + (values[j] - values[j - 1]) / 2;
    thresholds[m] = values[m - 1] + highGap;
    for (let j = 1; j <= m; j++) {
      tp[j] = tp[j - 1] + sameAt[j - 1];
      fp[j] = fp[j - 1] + diffAt[j - 1];
    }
  }
  return { thresholds, truePositives: tp, falsePositives: fp, same: nSame, different: nDiff };
}

/**
 * ROC, AUC and EER of a sweep. AUC and EER are NaN when either class is empty.
 *
 * @example
 * ```ts
 * import { rocFromSweep, thresholdSweep } from "./roc.ts";
 * const roc = rocFromSweep(thresholdSweep([5, 5], [true, false]));
 * console.assert(roc.auc === 0.5 && roc.eer === 0.5);
 * ```
 */
export function rocFromSweep(sweep: ThresholdSweep): RocCurve {
  const n = sweep.thresholds.length;
  const fpr = new Array<number>(n), tpr = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    fpr[j] = sweep.different > 0 ? sweep.falsePositives[j] / sweep.different : NaN;
    tpr[j] = sweep.same > 0 ? sweep.truePositives[j] / sweep.same : NaN;
  }
  const thresholds = Array.from(sweep.thresholds);
  if (sweep.same === 0 || sweep.different === 0 || n === 0) {
    return { fpr, tpr, thresholds, auc: NaN, eer: NaN, eerThreshold: NaN };
  }
  let auc = 0;
  for (let j = 1; j < n; j++) auc += (fpr[j] - fpr[j - 1]) * (tpr[j] + tpr[j - 1]) / 2;
  // g = false reject rate − false accept rate falls from 1 (accept none) to −1 (accept all).
  let eer = NaN, eerThreshold = NaN;
  let prev = (1 - tpr[0]) - fpr[0];
  if (prev <= 0) {
    eer = fpr[0];
    eerThreshold = thresholds[0];
  } else {
    for (let j = 1; j < n; j++) {
      const g = (1 - tpr[j]) - fpr[j];
      if (g <= 0) {
        const a = prev / (prev - g);
        eer = fpr[j - 1] + a * (fpr[j] - fpr[j - 1]);
        eerThreshold = thresholds[j - 1] + a * (thresholds[j] - thresholds[j - 1]);
        break;
      }
      prev = g;
    }
  }
  return { fpr, tpr, thresholds, auc, eer, eerThreshold };
}

/**
 * ROC curve of pair distances (smaller = more alike), with AUC and EER.
 *
 * @param distances one distance per pair
 * @param same one flag per pair: true (or 1) when both images show the same identity
 *
 * @example
 * ```ts
 * import { rocCurve } from "./roc.ts";
 * const roc = rocCurve([0.3, 0.5, 0.4, 0.9], [true, true, false, false]);
 * console.assert(roc.auc === 0.75);
 * ```
 */
export function rocCurve(
  distances: ArrayLike<number>,
  same: ArrayLike<boolean | number>,
): RocCurve {
  checkDistances(distances, "rocCurve");
  const flags = toSameFlags(same, distances.length, "rocCurve");
  return rocFromSweep(thresholdSweep(distances, flags));
}
