/**
 * The NaN/Inf guard: after a step's gradients, a non-finite loss or gradient norm stops the run
 * with a {@link NonFiniteError} naming the step, what was non-finite, the likely cause and the last
 * good checkpoint — before the optimiser can write NaN into the weights.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { guardFinite } from "./nan_guard.ts";
 * const x = tf.ones([2, 2, 2, 3]) as tf.Tensor4D, e = tf.ones([2, 4]) as tf.Tensor2D;
 * await guardFinite({ loss: 1, gradNorm: 1 }, { step: 1, images: x, embeddings: e, distance: "euclidean", previousGradNorm: 0, lr: 0.1 });
 * tf.dispose([x, e]);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { DistanceName } from "../losses/mod.ts";
import { likelyNonFiniteCause, NonFiniteError } from "./non_finite.ts";

/** What the guard knows about the step when it has to explain a non-finite value. */
export interface GuardContext {
  step: number;
  images: tf.Tensor4D;
  /** The step's no-gradient embeddings. */
  embeddings: tf.Tensor2D;
  distance: DistanceName;
  previousGradNorm: number;
  lr: number;
  lastCheckpoint?: string;
}

/** Smallest Σ(a − b)² over distinct rows (0: two embeddings coincide). Only on the error path. */
async function minPairDistance(x: tf.Tensor2D): Promise<number> {
  const d = tf.tidy(() => {
    const sq = x.square().sum(1);
    const d2 = sq.expandDims(1).add(sq.expandDims(0)).sub(x.matMul(x, false, true).mul(2));
    return d2.add(tf.eye(x.shape[0]).mul(1e30)).min();
  });
  const v = (await d.data())[0];
  d.dispose();
  return Math.max(0, v);
}

async function hasNonFinite(x: tf.Tensor): Promise<boolean> {
  const t = tf.tidy(() => x.isNaN().any().logicalOr(x.isInf().any()));
  const v = (await t.data())[0];
  t.dispose();
  return v === 1;
}

/** Throws a {@link NonFiniteError} unless the loss and the gradient norm are finite. */
export async function guardFinite(
  values: { loss: number; gradNorm: number },
  ctx: GuardContext,
): Promise<void> {
  const { loss, gradNorm } = values;
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
  const inputBad = await hasNonFinite(ctx.images);
  throw new NonFiniteError({
    step: ctx.step,
    what: Number.isFinite(loss) ? "gradient" : "loss",
    detail: `loss ${loss}, gradient norm ${gradNorm}`,
    cause: likelyNonFiniteCause({
      distance: ctx.distance,
      minDistance: await minPairDistance(ctx.embeddings),
      loss,
      lossFinite: Number.isFinite(loss),
      previousGradNorm: ctx.previousGradNorm,
      lr: ctx.lr,
      inputNonFinite: inputBad,
    }),
    lastCheckpoint: ctx.lastCheckpoint,
  });
}
