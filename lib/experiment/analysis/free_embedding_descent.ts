/**
 * Gradient descent on free embeddings (no network): points L2-normalised, triplet hinge over every
 * valid triplet, from a start spread around one common point — how a distance behaves at and near
 * collapse (NaN, zero gradient, escape).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { allTriplets, type Distance, tripletForm } from "../../losses/mod.ts";
import { createRng } from "../../random/mod.ts";

/** Options of {@link freeEmbeddingDescent}. */
export interface FreeEmbeddingOptions {
  /** Identity of each point. */
  labels: number[];
  /** The common point the start is spread around. */
  center: number[];
  /** Standard deviation of the start around `center` (0 = exactly collapsed). */
  initSpread: number;
  /** Seed of the start's noise. */
  noiseSeed: number;
  steps: number;
  learningRate: number;
  /** Triplet margin α. */
  margin: number;
  /** Called after every step (logging, progress). */
  onStep?: (record: { step: number; loss: number; gradNorm: number }) => Promise<void> | void;
  signal?: AbortSignal;
}

/**
 * Runs plain gradient descent on the points and returns each step's loss and gradient norm.
 *
 * @example
 * ```ts ignore
 * import { createDistance } from "../../losses/mod.ts";
 * const h = await freeEmbeddingDescent(createDistance("squaredEuclidean"), {
 *   labels: [0, 0, 1, 1], center: [1, 0, 0], initSpread: 0.01, noiseSeed: 2, steps: 5,
 *   learningRate: 0.05, margin: 0.2,
 * });
 * ```
 */
export async function freeEmbeddingDescent(
  distance: Distance,
  options: FreeEmbeddingOptions,
): Promise<{ step: number; loss: number; gradNorm: number }[]> {
  const trip = allTriplets(options.labels);
  const ia = tf.tensor1d(trip.anchors, "int32"),
    ip = tf.tensor1d(trip.positives, "int32"),
    ineg = tf.tensor1d(trip.negatives, "int32");
  const noise = createRng(options.noiseSeed);
  const init = options.labels.map(() =>
    options.center.map((c) => c + options.initSpread * noise.normal())
  );
  const initTensor = tf.tensor2d(init);
  const raw = tf.variable(initTensor);
  initTensor.dispose();
  const history: { step: number; loss: number; gradNorm: number }[] = [];
  const lossFn = () =>
    tf.tidy(() => {
      const emb = tf.div(raw, tf.norm(raw, 2, 1, true)) as tf.Tensor2D;
      const dap = distance.pairwise(tf.gather(emb, ia), tf.gather(emb, ip));
      const dan = distance.pairwise(tf.gather(emb, ia), tf.gather(emb, ineg));
      return tf.mean(tripletForm("hinge", dap, dan, options.margin)) as tf.Scalar;
    });
  try {
    for (let step = 0; step < options.steps; step++) {
      options.signal?.throwIfAborted();
      const { value, grads } = tf.variableGrads(lossFn, [raw]);
      const g = grads[raw.name];
      const norm = tf.norm(g);
      const [loss, gradNorm] = [(await value.data())[0], (await norm.data())[0]];
      tf.tidy(() => {
        raw.assign(tf.sub(raw, tf.mul(g, options.learningRate)));
      });
      tf.dispose([value, g, norm]);
      const rec = { step, loss, gradNorm };
      history.push(rec);
      await options.onStep?.(rec);
    }
  } finally {
    raw.dispose();
    tf.dispose([ia, ip, ineg]);
  }
  return history;
}
