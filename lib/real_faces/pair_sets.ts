/**
 * Verification of a model on named pair sets (validation pairs of held-out training people, the
 * development test pairs; each clean or degraded), now ({@link evaluateSets}) or along training
 * every so many minutes ({@link timedEvaluation}: the accuracy-vs-minutes curve).
 *
 * @example
 * ```ts
 * import { setNumbers } from "./pair_sets.ts";
 * import { verifyPairs } from "../eval/mod.ts";
 * const d = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.2 : 1.2) + (i % 7) * 0.01);
 * const n = setNumbers(verifyPairs(d, d.map((_, i) => i < 20), { folds: 10, far: 0.1 }));
 * console.assert(n.accuracy === 1 && n.pairs === 40);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { PairRecord } from "../data/mod.ts";
import {
  degradedEmbedder,
  type Embedder,
  evaluatePairs,
  modelEmbedder,
  type verifyPairs,
} from "../eval/mod.ts";
import type { TrainCallback, TrainContext } from "../train/mod.ts";

/** lib/eval's verification result. */
type Verification = ReturnType<typeof verifyPairs>;

/** A named list of pairs over one folder of crops, optionally degraded. */
export interface PairSet {
  name: string;
  /** Folder the pair paths are relative to. */
  root: string;
  pairs: readonly PairRecord[];
  /** lib/eval degradation (`lowres-grey:16`); none when absent or "none". */
  degrade?: string;
}

/** The numbers of one set: 10-fold accuracy ± std, AUC, VAL at the target FAR. */
export interface SetNumbers {
  accuracy: number;
  accuracyStd: number;
  auc: number;
  aucStd: number;
  /** VAL at `far` (mean over test folds) and its std. */
  val: number;
  valStd: number;
  far: number;
  /** FAR measured at the VAL thresholds. */
  farAchieved: number;
  /** Whether every fold's training pairs could measure a FAR at or below `far`. */
  farReached: boolean;
  pairs: number;
  folds: number;
}

/** Options of {@link evaluateSets}. */
export interface EvaluateSetsOptions {
  /** Target FAR of VAL@FAR. Default 1e-2 (1000 pairs cannot measure 1e-3). */
  far?: number;
  /** Folds. Default 10 (or the pairs' own). */
  folds?: number;
  /** Decoded images by root, reused between calls. */
  caches?: Map<string, Map<string, Float32Array>>;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** Test-time flip (lib/eval's `modelEmbedder` option: image and mirror, summed, normalised). Default false. */
  flip?: boolean;
}

/**
 * The plain numbers of a verification result.
 *
 * @param v lib/eval's result
 *
 * @example
 * ```ts
 * import { setNumbers } from "./pair_sets.ts";
 * import { verifyPairs } from "../eval/mod.ts";
 * const n = setNumbers(verifyPairs([0.1, 0.2, 0.9, 1], [true, true, false, false], { folds: 2, far: 0.5 }));
 * console.assert(n.auc === 1);
 * ```
 */
export function setNumbers(v: Verification): SetNumbers {
  return {
    accuracy: v.accuracy,
    accuracyStd: v.accuracyStd,
    auc: v.auc,
    aucStd: v.aucStd,
    val: v.valAtFar.val,
    valStd: v.valAtFar.valStd,
    far: v.valAtFar.far,
    farAchieved: v.valAtFar.farAchieved,
    farReached: v.valAtFar.reached,
    pairs: v.pairs,
    folds: v.folds,
  };
}

/**
 * Evaluates `model` (inference mode) on every set; returns the numbers by set name.
 *
 * @param model an embedding model
 * @param sets the pair sets
 * @param options far (1e-2), folds, caches, batchSize, flip (false)
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { evaluateSets } from "./pair_sets.ts";
 * const input = tf.input({ shape: [8, 8, 3] });
 * const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor });
 * console.assert(Object.keys(await evaluateSets(model, [])).length === 0);
 * ```
 */
export async function evaluateSets(
  model: tf.LayersModel,
  sets: readonly PairSet[],
  options: EvaluateSetsOptions = {},
): Promise<Record<string, SetNumbers>> {
  const out: Record<string, SetNumbers> = {};
  const caches = options.caches ?? new Map();
  for (const set of sets) {
    let embedder: Embedder = modelEmbedder(model, {
      batchSize: options.batchSize ?? 32,
      flip: options.flip ?? false,
    });
    if (set.degrade && set.degrade !== "none") embedder = degradedEmbedder(embedder, set.degrade);
    const key = `${set.root}@${embedder.inputSize}`;
    if (!caches.has(key)) caches.set(key, new Map());
    const r = await evaluatePairs(embedder, set.pairs, {
      root: set.root,
      batchSize: options.batchSize ?? 32,
      imageCache: caches.get(key),
      far: options.far ?? 1e-2,
      folds: options.folds,
    });
    out[set.name] = setNumbers(r.verification);
  }
  return out;
}

/** One point of the accuracy-vs-minutes curve. */
export interface CurvePoint {
  step: number;
  /** Training minutes at the evaluation (evaluation time excluded). */
  minutes: number;
  /** Accuracy by set name. */
  accuracy: Record<string, number>;
}

/** Options of {@link timedEvaluation}. */
export interface TimedEvaluationOptions extends EvaluateSetsOptions {
  /** Evaluate after every this many training minutes (0: only at the end). */
  everyMinutes: number;
}

/**
 * A training callback that evaluates the sets every `everyMinutes` of training time (the time
 * spent evaluating is not counted) and at the end; `curve` collects the points and `last` the full
 * numbers of the latest measurement (at the end: the trained model's).
 *
 * @param sets the pair sets
 * @param options everyMinutes, and {@link evaluateSets}'s options
 *
 * @example
 * ```ts
 * import { timedEvaluation } from "./pair_sets.ts";
 * const cb = timedEvaluation([], { everyMinutes: 5 });
 * console.assert(cb.name === "timed-evaluation" && cb.curve.length === 0);
 * ```
 */
export function timedEvaluation(
  sets: readonly PairSet[],
  options: TimedEvaluationOptions,
): TrainCallback & { curve: CurvePoint[]; last?: Record<string, SetNumbers> } {
  if (!(options.everyMinutes >= 0)) {
    throw new Error(`timedEvaluation: 'everyMinutes' must be ≥ 0, got ${options.everyMinutes}`);
  }
  const caches = options.caches ?? new Map<string, Map<string, Float32Array>>();
  const curve: CurvePoint[] = [];
  const out: TrainCallback & { curve: CurvePoint[]; last?: Record<string, SetNumbers> } = {
    name: "timed-evaluation",
    curve,
  };
  let started: number | undefined, evalMs = 0, next = options.everyMinutes, lastStep = -1;
  const trainMinutes = () => (performance.now() - started! - evalMs) / 60000;
  const measure = async (ctx: TrainContext) => {
    if (ctx.step === lastStep) return;
    lastStep = ctx.step;
    const minutes = trainMinutes();
    const t0 = performance.now();
    const numbers = await evaluateSets(ctx.model, sets, { ...options, caches });
    evalMs += performance.now() - t0;
    out.last = numbers;
    const accuracy = Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, v.accuracy]));
    curve.push({ step: ctx.step, minutes, accuracy });
    return {
      minutes,
      ...Object.fromEntries(Object.entries(accuracy).map(([k, v]) => [`acc:${k}`, v])),
    };
  };
  out.onStep = (ctx) => {
    started ??= performance.now() - 1;
    if (options.everyMinutes > 0 && trainMinutes() >= next) {
      next = trainMinutes() + options.everyMinutes;
      return measure(ctx);
    }
  };
  out.onEnd = measure;
  return out;
}
