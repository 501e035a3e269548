/**
 * Face verification on pairs, by the LFW / FaceNet protocol.
 *
 * k-fold cross-validation (10 folds by default) as davidsandberg/facenet's `calculate_roc` and
 * `calculate_val`: for each fold the threshold is chosen on the other k−1 folds and applied to the
 * held-out fold; the result is the mean over folds with its (population) standard deviation.
 *
 * - **accuracy**: the training folds' threshold of highest accuracy (ties: the median of the best
 *   candidates), scored on the test fold.
 * - **VAL@FAR** (FaceNet §4.1): VAL = true accepts / same pairs, FAR = false accepts / different
 *   pairs. The threshold at which the training folds' FAR equals the target is found by linear
 *   interpolation on their FAR-versus-threshold curve; VAL and FAR are then measured on the test
 *   fold. `reached` is true when, in every fold, the training pairs contain an operating point
 *   with 0 < FAR ≤ target; otherwise (too few different pairs to measure that FAR, or a
 *   degenerate model whose distances are all equal) the threshold is an interpolation below what
 *   the data can resolve and the result says so, with `resolution` = the smallest positive
 *   training FAR of the worst fold. No threshold of 0 is ever substituted.
 * - **AUC, EER** per test fold, mean and std; `roc` is the curve over all pairs (for plots).
 *
 * Pairs are predicted "same" when `distance < threshold`. Folds are stratified (same and
 * different pairs dealt evenly after a seeded shuffle), because pair files such as LFW's
 * `pairsDevTest.txt` list all same pairs first; `split: "contiguous"` gives the official
 * View 2 folds of `pairs.txt` (10 consecutive sets of 600).
 *
 * @example
 * ```ts
 * import { verifyPairs } from "./verify_pairs.ts";
 * const d = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.2 : 1.2) + (i % 7) * 0.01);
 * const same = d.map((_, i) => i < 20);
 * const r = verifyPairs(d, same, { folds: 10 });
 * console.assert(r.accuracy === 1 && r.auc === 1 && r.eer === 0);
 * ```
 * @module
 */
import { createRng } from "../random/mod.ts";
import {
  checkDistances,
  type RocCurve,
  rocFromSweep,
  type ThresholdSweep,
  thresholdSweep,
  toSameFlags,
} from "./roc.ts";

/** How pairs are dealt into folds. */
export type FoldSplit = "stratified" | "contiguous";

/** Options of {@link verifyPairs}. */
export interface VerifyPairsOptions {
  /** Number of folds, ≥ 2. Default 10. */
  folds?: number;
  /** Target false accept rate for VAL@FAR, in (0, 1). Default 1e-3. */
  far?: number;
  /** Seed of the stratified shuffle. Default 0. */
  seed?: number;
  /** "stratified" (default) or "contiguous" (sklearn KFold without shuffle, as facenet). */
  split?: FoldSplit;
  /**
   * Explicit fold of each pair (0 … folds−1), e.g. from a pairs file that defines folds (LFW View 2
   * `pairs.txt`); overrides `split`.
   */
  foldOf?: ArrayLike<number>;
}

/** One fold's numbers (test-fold measurements, thresholds from the training folds). */
export interface VerifyFold {
  /** Pairs in the test fold. */
  pairs: number;
  /** Accuracy threshold chosen on the training folds. */
  threshold: number;
  /** Test-fold accuracy at that threshold. */
  accuracy: number;
  /** Test-fold AUC (NaN when the test fold lacks a class). */
  auc: number;
  /** Test-fold EER (NaN when the test fold lacks a class). */
  eer: number;
  /** Threshold interpolated to the target FAR on the training folds. */
  valThreshold: number;
  /** Test-fold VAL at `valThreshold` (NaN without same pairs in the fold). */
  val: number;
  /** Test-fold FAR at `valThreshold` (NaN without different pairs in the fold). */
  far: number;
  /** Whether the training folds had an operating point with 0 < FAR ≤ target. */
  reached: boolean;
  /** Smallest positive FAR the training folds can measure. */
  resolution: number;
}

/** VAL at a target FAR, FaceNet's definition. */
export interface ValAtFar {
  /** Mean test-fold validation rate (true accepts / same pairs). */
  val: number;
  /** Its std across folds. */
  valStd: number;
  /** The target false accept rate this VAL is reported at. */
  far: number;
  /** Mean test-fold false accept rate actually measured at the interpolated thresholds. */
  farAchieved: number;
  /** Its std across folds. */
  farAchievedStd: number;
  /** Mean of the folds' interpolated thresholds. */
  threshold: number;
  /** True when every fold's training pairs could measure a FAR in (0, target]. */
  reached: boolean;
  /** Smallest positive FAR measurable on the training pairs of the worst fold. */
  resolution: number;
}

/** Result of {@link verifyPairs}. */
export interface VerifyPairsResult {
  /** Number of pairs. */
  pairs: number;
  /** Same-identity pairs. */
  same: number;
  /** Different-identity pairs. */
  different: number;
  /** Number of folds. */
  folds: number;
  /** Mean test-fold accuracy. */
  accuracy: number;
  /** Std of accuracy across folds. */
  accuracyStd: number;
  /** Mean of the per-fold accuracy thresholds. */
  threshold: number;
  /** Std of the per-fold thresholds. */
  thresholdStd: number;
  /** Mean test-fold AUC. */
  auc: number;
  /** Std of AUC across folds. */
  aucStd: number;
  /** Mean test-fold equal error rate. */
  eer: number;
  /** Std of EER across folds. */
  eerStd: number;
  /** VAL at the target FAR. */
  valAtFar: ValAtFar;
  /** ROC over all pairs (for plots; its `auc`/`eer` are the pooled values). */
  roc: RocCurve;
  /** The per-fold numbers. */
  perFold: VerifyFold[];
}

/** Mean and population std of the finite values (NaN when there are none). */
function meanStd(values: number[]): [number, number] {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return [NaN, NaN];
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
  return [mean, Math.sqrt(variance)];
}

/** Fold number of each pair. */
function assignFolds(
  flags: boolean[],
  folds: number,
  split: FoldSplit,
  seed: number,
): Int32Array {
  const n = flags.length;
  const fold = new Int32Array(n);
  if (split === "contiguous") {
    // sklearn KFold(shuffle=False): the first n % k folds hold one extra pair.
    const base = Math.floor(n / folds), extra = n % folds;
    let i = 0;
    for (let f = 0; f < folds; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let c = 0; c < size; c++) fold[i++] = f;
    }
    return fold;
  }
  const rng = createRng(seed);
  const sameIdx: number[] = [], diffIdx: number[] = [];
  flags.forEach((s, i) => (s ? sameIdx : diffIdx).push(i));
  rng.shuffle(sameIdx);
  rng.shuffle(diffIdx);
  let f = 0;
  for (const i of sameIdx) {
    fold[i] = f;
    f = (f + 1) % folds;
  }
  for (const i of diffIdx) {
    fold[i] = f;
    f = (f + 1) % folds;
  }
  return fold;
}

/** Index of the accuracy-maximising candidate (median of ties). */
function bestAccuracyIndex(s: ThresholdSweep): number {
  let best = -1;
  const ties: number[] = [];
  for (let j = 0; j < s.thresholds.length; j++) {
    const correct = s.truePositives[j] + (s.different - s.falsePositives[j]);
    if (correct > best) {
      best = correct;
      ties.length = 0;
    }
    if (correct === best) ties.push(j);
  }
  return ties[Math.floor((ties.length - 1) / 2)];
}

/** Threshold at which the sweep's FAR equals `target`, by linear interpolation; and whether reached. */
function thresholdAtFar(
  s: ThresholdSweep,
  target: number,
): { threshold: number; reached: boolean; resolution: number } {
  const m = s.thresholds.length;
  const far = (j: number) => s.falsePositives[j] / s.different;
  // Smallest positive FAR among the operating points.
  let resolution = Infinity;
  for (let j = 0; j < m; j++) {
    const f = far(j);
    if (f > 0) {
      resolution = f;
      break;
    }
  }
  // Last candidate whose FAR does not exceed the target (the most permissive one at that FAR).
  let jStar = 0;
  for (let j = 0; j < m; j++) if (far(j) <= target) jStar = j;
  let threshold = s.thresholds[jStar];
  if (jStar + 1 < m) {
    const f0 = far(jStar), f1 = far(jStar + 1);
    if (f1 > f0) {
      const a = (target - f0) / (f1 - f0);
      threshold = s.thresholds[jStar] + a * (s.thresholds[jStar + 1] - s.thresholds[jStar]);
    }
  }
  return { threshold, reached: far(jStar) > 0, resolution };
}

/**
 * Verification metrics of pair distances by k-fold cross-validation (the LFW protocol).
 *
 * @param distances one distance per pair (smaller = more alike); finite numbers
 * @param same one flag per pair: true or 1 for the same identity, false or 0 otherwise
 * @param options folds (10), far (1e-3), seed (0), split ("stratified")
 * @returns accuracy, AUC, EER and VAL@FAR, each with its std across folds, plus the pooled ROC
 *
 * @example
 * ```ts
 * import { verifyPairs } from "./verify_pairs.ts";
 * const r = verifyPairs([0.1, 0.2, 0.9, 1.0], [1, 1, 0, 0], { folds: 2 });
 * console.assert(r.accuracy === 1 && r.valAtFar.reached === false);
 * ```
 */
export function verifyPairs(
  distances: ArrayLike<number>,
  same: ArrayLike<boolean | number>,
  options: VerifyPairsOptions = {},
): VerifyPairsResult {
  const folds = options.folds ?? 10;
  const target = options.far ?? 1e-3;
  const seed = options.seed ?? 0;
  const split = options.split ?? "stratified";
  const n = distances.length;
  if (!Number.isInteger(folds) || folds < 2) {
    throw new Error(`verifyPairs: 'folds' must be an integer ≥ 2, got ${folds}`);
  }
  if (!(target > 0 && target < 1)) {
    throw new Error(`verifyPairs: 'far' must be in (0, 1), got ${target}`);
  }
  if (split !== "stratified" && split !== "contiguous") {
    throw new Error(`verifyPairs: 'split' must be "stratified" or "contiguous", got ${split}`);
  }
  checkDistances(distances, "verifyPairs");
  const flags = toSameFlags(same, n, "verifyPairs");
  const nSame = flags.filter((s) => s).length, nDiff = n - nSame;
  if (nSame < 2 || nDiff < 2) {
    throw new Error(
      `verifyPairs: needs at least 2 same and 2 different pairs, got ${nSame} same and ${nDiff} different`,
    );
  }
  if (folds > n) {
    throw new Error(`verifyPairs: 'folds' (${folds}) exceeds the number of pairs (${n})`);
  }
  let foldOf: ArrayLike<number>;
  if (options.foldOf) {
    foldOf = options.foldOf;
    if (foldOf.length !== n) {
      throw new Error(`verifyPairs: 'foldOf' has ${foldOf.length} entries for ${n} pairs`);
    }
    for (let i = 0; i < n; i++) {
      const f = foldOf[i];
      if (!Number.isInteger(f) || f < 0 || f >= folds) {
        throw new Error(
          `verifyPairs: foldOf[${i}] must be an integer in [0, ${folds - 1}], got ${f}`,
        );
      }
    }
  } else {
    foldOf = assignFolds(flags, folds, split, seed);
  }

  const perFold: VerifyFold[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    if (test.length === 0) throw new Error(`verifyPairs: fold ${f} holds no pairs`);
    const trainSweep = thresholdSweep(distances, flags, train);
    if (trainSweep.same === 0 || trainSweep.different === 0) {
      throw new Error(
        `verifyPairs: the training folds of fold ${f} hold ${trainSweep.same} same and ` +
          `${trainSweep.different} different pairs; both are needed (use split "stratified")`,
      );
    }
    const threshold = trainSweep.thresholds[bestAccuracyIndex(trainSweep)];
    const atFar = thresholdAtFar(trainSweep, target);
    let correct = 0, ta = 0, fa = 0, testSame = 0, testDiff = 0;
    for (const i of test) {
      const d = distances[i];
      if (flags[i]) {
        testSame++;
        if (d < threshold) correct++;
        if (d < atFar.threshold) ta++;
      } else {
        testDiff++;
        if (!(d < threshold)) correct++;
        if (d < atFar.threshold) fa++;
      }
    }
    const roc = rocFromSweep(thresholdSweep(distances, flags, test));
    perFold.push({
      pairs: test.length,
      threshold,
      accuracy: correct / test.length,
      auc: roc.auc,
      eer: roc.eer,
      valThreshold: atFar.threshold,
      val: testSame > 0 ? ta / testSame : NaN,
      far: testDiff > 0 ? fa / testDiff : NaN,
      reached: atFar.reached,
      resolution: atFar.resolution,
    });
  }

  const [accuracy, accuracyStd] = meanStd(perFold.map((p) => p.accuracy));
  const [threshold, thresholdStd] = meanStd(perFold.map((p) => p.threshold));
  const [auc, aucStd] = meanStd(perFold.map((p) => p.auc));
  const [eer, eerStd] = meanStd(perFold.map((p) => p.eer));
  const [val, valStd] = meanStd(perFold.map((p) => p.val));
  const [farAchieved, farAchievedStd] = meanStd(perFold.map((p) => p.far));
  const [valThreshold] = meanStd(perFold.map((p) => p.valThreshold));
  return {
    pairs: n,
    same: nSame,
    different: nDiff,
    folds,
    accuracy,
    accuracyStd,
    threshold,
    thresholdStd,
    auc,
    aucStd,
    eer,
    eerStd,
    valAtFar: {
      val,
      valStd,
      far: target,
      farAchieved,
      farAchievedStd,
      threshold: valThreshold,
      reached: perFold.every((p) => p.reached),
      resolution: Math.max(...perFold.map((p) => p.resolution)),
    },
    roc: rocFromSweep(thresholdSweep(distances, flags)),
    perFold,
  };
}
