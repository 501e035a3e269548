/**
 * A training callback that measures verification accuracy on held-out pairs every N steps with
 * lib/eval's {@link evaluatePairs} (the model in inference mode, the LFW k-fold protocol). Decoded
 * images are cached in memory between evaluations, so each one costs only the forward passes.
 *
 * @example
 * ```ts
 * import { verificationCallback } from "./verification_callback.ts";
 * const cb = verificationCallback({ root: "data/synth", pairs: [], every: 100 });
 * console.assert(cb.name === "verification" && cb.every === 100);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { PairRecord } from "../data/mod.ts";
import {
  degradedEmbedder,
  type DegradeSpec,
  type Embedder,
  evaluatePairs,
  modelEmbedder,
  type RetrievalDistance,
} from "../eval/mod.ts";
import type { TrainCallback, TrainContext } from "./train_embedding.ts";

/** Options of {@link verificationCallback}. */
export interface VerificationCallbackOptions {
  /** Folder the pairs' paths are relative to. */
  root: string;
  pairs: readonly PairRecord[];
  /** Evaluate every N steps (and at the end). Default 100. */
  every?: number;
  /** Image size fed to the model; must equal the model's input size. Default: that size. */
  size?: number;
  /** Pair distance. Default "euclidean" (lib/eval's; accuracy and AUC equal the squared one's). */
  distance?: RetrievalDistance;
  /** Folds. Default 10, or the pairs' own folds when they define them. */
  folds?: number;
  /** Images per forward pass. Default 64. */
  batchSize?: number;
  /** Degradation applied to the images before the model (lib/eval's degrade). Default none. */
  degrade?: DegradeSpec | string;
  /** Name in metrics. Default "verification". */
  name?: string;
}

/** What one evaluation of {@link verificationCallback} reports. */
export interface VerificationValues {
  accuracy: number;
  accuracyStd: number;
  auc: number;
  eer: number;
  /** VAL at FAR 1e-3. */
  valAtFar: number;
  pairs: number;
}

/**
 * Evaluates `model` on `pairs` now (what the callback runs), through lib/eval's
 * {@link evaluatePairs}.
 *
 * @example
 * ```ts
 * import { verifyModel } from "./verification_callback.ts";
 * console.assert(typeof verifyModel === "function");
 * ```
 */
export async function verifyModel(
  model: tf.LayersModel,
  options: VerificationCallbackOptions & { cache?: Map<string, Float32Array> },
): Promise<VerificationValues> {
  let embedder: Embedder = modelEmbedder(model, { batchSize: options.batchSize ?? 64 });
  if (options.size !== undefined && options.size !== embedder.inputSize) {
    throw new Error(
      `verificationCallback: 'size' is ${options.size} but the model takes ${embedder.inputSize}×${embedder.inputSize} images`,
    );
  }
  if (options.degrade !== undefined) embedder = degradedEmbedder(embedder, options.degrade);
  const r = await evaluatePairs(embedder, options.pairs, {
    root: options.root,
    batchSize: options.batchSize ?? 64,
    distance: options.distance,
    folds: options.folds,
    imageCache: options.cache,
  });
  const v = r.verification;
  return {
    accuracy: v.accuracy,
    accuracyStd: v.accuracyStd,
    auc: v.auc,
    eer: v.eer,
    valAtFar: v.valAtFar.val,
    pairs: v.pairs,
  };
}

/** A {@link TrainCallback} running {@link verifyModel} every `every` steps and at the end. */
export function verificationCallback(options: VerificationCallbackOptions): TrainCallback {
  const cache = new Map<string, Float32Array>();
  const every = options.every ?? 100;
  let lastStep = -1;
  const run = async (ctx: TrainContext) => {
    if (ctx.step === lastStep) return;
    lastStep = ctx.step;
    const t0 = performance.now();
    const r = await verifyModel(ctx.model, { ...options, cache });
    return { ...r, evalSec: (performance.now() - t0) / 1000 };
  };
  return { name: options.name ?? "verification", every, onStep: run, onEnd: run };
}
