/**
 * A distance's value and gradient norm between two points at a given separation: where it is NaN,
 * where it is exactly zero.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distance } from "../../losses/mod.ts";
import type { Rng } from "../../random/mod.ts";

/**
 * A random unit vector of dimension `d` (normal draws, normalised).
 *
 * @example
 * ```ts
 * import { createRng } from "../../random/mod.ts";
 * import { randomUnit } from "./distance_probe.ts";
 * console.assert(Math.abs(Math.hypot(...randomUnit(createRng(1), 8)) - 1) < 1e-12);
 * ```
 */
export function randomUnit(rng: Rng, d: number): number[] {
  const v = Array.from({ length: d }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * Value and gradient norm of d(a, p) with respect to a, for p = a + δ·u.
 *
 * @example
 * ```ts ignore
 * import { createDistance } from "../../losses/mod.ts";
 * const r = await probeDistance(createDistance("euclidean"), [1, 0], [0, 1], 0); // gradNorm NaN
 * ```
 */
export async function probeDistance(
  distance: Distance,
  a: number[],
  u: number[],
  delta: number,
): Promise<{ value: number; gradNorm: number }> {
  const at = tf.tensor2d([a]);
  const pt = tf.tensor2d([a.map((x, i) => x + delta * u[i])]);
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
    tf.sum(distance.pairwise(x as tf.Tensor2D, pt))
  )(at);
  const gradNorm = tf.norm(grad);
  const [v, g] = [(await value.data())[0], (await gradNorm.data())[0]];
  tf.dispose([at, pt, value, grad, gradNorm]);
  return { value: v, gradNorm: g };
}
