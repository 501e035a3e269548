/**
 * A training callback that measures verification accuracy on held-out pairs every N steps:
 * embeds the pairs' images with the model in inference mode, takes the distance of each pair and
 * runs lib/eval's 10-fold protocol. Decoded images are cached in memory (as plain arrays), so each
 * evaluation costs only the forward passes.
 *
 * @example
 * ```ts
 * import { verificationCallback } from "./verification_callback.ts";
 * const cb = verificationCallback({ root: "data/synth", pairs: [], every: 100 });
 * console.assert(cb.name === "verification" && cb.every === 100);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { itemPath, loadImageBatch, type PairRecord } from "../data/mod.ts";
import { verifyPairs } from "../eval/mod.ts";
import type { TrainCallback, TrainContext } from "./train_embedding.ts";

/** Options of {@link verificationCallback}. */
export interface VerificationCallbackOptions {
  /** Folder the pairs' paths are relative to. */
  root: string;
  pairs: readonly PairRecord[];
  /** Evaluate every N steps (and at the end). Default 100. */
  every?: number;
  /** Image size fed to the model. Default: the model's input size. */
  size?: number;
  /** Pair distance. Default "squaredEuclidean". */
  distance?: "euclidean" | "squaredEuclidean" | "cosine";
  /** Folds. Default 10. */
  folds?: number;
  /** Images per forward pass. Default 64. */
  batchSize?: number;
  /** Name in metrics. Default "verification". */
  name?: string;
}

/** Distances of pairs (rows i of a and b) from embeddings, as plain numbers. */
export function pairDistances(
  ea: ArrayLike<number>,
  eb: ArrayLike<number>,
  dim: number,
  distance: "euclidean" | "squaredEuclidean" | "cosine",
): Float64Array {
  const n = ea.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0, na = 0, nb = 0, dot = 0;
    for (let j = 0; j < dim; j++) {
      const a = ea[i * dim + j], b = eb[i * dim + j];
      s += (a - b) ** 2;
      na += a * a;
      nb += b * b;
      dot += a * b;
    }
    out[i] = distance === "squaredEuclidean"
      ? s
      : distance === "euclidean"
      ? Math.sqrt(s)
      : 1 - dot / Math.max(1e-12, Math.sqrt(na * nb));
  }
  return out;
}

/**
 * Evaluates `model` on `pairs` now (the function the callback runs).
 *
 * @example
 * ```ts
 * import { evaluatePairs } from "./verification_callback.ts";
 * console.assert(typeof evaluatePairs === "function");
 * ```
 */
export async function evaluatePairs(
  model: tf.LayersModel,
  options: VerificationCallbackOptions & { cache?: Map<string, Float32Array> },
): Promise<
  {
    accuracy: number;
    accuracyStd: number;
    auc: number;
    eer: number;
    valAtFar: number;
    pairs: number;
  }
> {
  const size = options.size ?? (model.inputs[0].shape[1] as number);
  const batch = options.batchSize ?? 64;
  const cache = options.cache ?? new Map<string, Float32Array>();
  const unique = [...new Set(options.pairs.flatMap((p) => [p.a, p.b]))];
  const per = size * size * 3;
  const missing = unique.filter((p) => !cache.has(p));
  for (let i = 0; i < missing.length; i += batch) {
    const names = missing.slice(i, i + batch);
    const t = await loadImageBatch(names.map((p) => itemPath({ root: options.root }, p)), { size });
    const data = (await t.data()) as Float32Array;
    t.dispose();
    names.forEach((p, j) => cache.set(p, data.slice(j * per, (j + 1) * per)));
  }
  const index = new Map(unique.map((p, i) => [p, i]));
  let dim = 0;
  const emb: Float32Array[] = [];
  for (let i = 0; i < unique.length; i += batch) {
    const names = unique.slice(i, i + batch);
    const buf = new Float32Array(names.length * per);
    names.forEach((p, j) => buf.set(cache.get(p)!, j * per));
    const e = tf.tidy(() => {
      const x = tf.tensor4d(buf, [names.length, size, size, 3]);
      return model.apply(x, { training: false }) as tf.Tensor2D;
    });
    dim = e.shape[1];
    emb.push((await e.data()) as Float32Array);
    e.dispose();
  }
  const all = new Float32Array(unique.length * dim);
  let o = 0;
  for (const e of emb) (all.set(e, o), (o += e.length));
  const ea = new Float32Array(options.pairs.length * dim),
    eb = new Float32Array(options.pairs.length * dim);
  options.pairs.forEach((p, i) => {
    ea.set(all.subarray(index.get(p.a)! * dim, (index.get(p.a)! + 1) * dim), i * dim);
    eb.set(all.subarray(index.get(p.b)! * dim, (index.get(p.b)! + 1) * dim), i * dim);
  });
  const d = pairDistances(ea, eb, dim, options.distance ?? "squaredEuclidean");
  const r = verifyPairs(d, options.pairs.map((p) => p.same), { folds: options.folds ?? 10 });
  return {
    accuracy: r.accuracy,
    accuracyStd: r.accuracyStd,
    auc: r.auc,
    eer: r.eer,
    valAtFar: r.valAtFar.val,
    pairs: r.pairs,
  };
}

/** A {@link TrainCallback} running {@link evaluatePairs} every `every` steps and at the end. */
export function verificationCallback(options: VerificationCallbackOptions): TrainCallback {
  const cache = new Map<string, Float32Array>();
  const every = options.every ?? 100;
  let lastStep = -1;
  const run = async (ctx: TrainContext) => {
    if (ctx.step === lastStep) return;
    lastStep = ctx.step;
    const t0 = performance.now();
    const r = await evaluatePairs(ctx.model, { ...options, cache });
    return { ...r, evalSec: (performance.now() - t0) / 1000 };
  };
  return { name: options.name ?? "verification", every, onStep: run, onEnd: run };
}
