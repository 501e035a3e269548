/**
 * Internal: label checks and the distance matrix as plain numbers.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distance } from "../distances/distance.ts";

/** Checks labels against a batch size and returns them as an Int32Array. */
export function checkLabels(labels: ArrayLike<number>, n: number, where: string): Int32Array {
  if (labels.length !== n) {
    throw new Error(`${where}: got ${labels.length} labels for a batch of ${n} embeddings`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (!Number.isInteger(v)) {
      throw new Error(`${where}: labels[${i}] must be an integer, got ${v}`);
    }
    out[i] = v;
  }
  return out;
}

/** Reads the [N,N] distance matrix of `x` without gradient (await .data(); the tensor is disposed). */
export async function distanceData(distance: Distance, x: tf.Tensor2D): Promise<Float32Array> {
  const m = distance.matrix(x);
  try {
    return (await m.data()) as Float32Array;
  } finally {
    m.dispose();
  }
}

/** Throws unless `x` is [N,D]. */
export function checkEmbeddings(x: tf.Tensor, where: string): number {
  if (x.rank !== 2) {
    throw new Error(`${where}: embeddings must be a rank-2 [N,D] tensor, got shape [${x.shape}]`);
  }
  return x.shape[0];
}

/** Throws unless the margin is a finite number. */
export function checkMargin(margin: number, where: string): number {
  if (!Number.isFinite(margin)) throw new Error(`${where}: 'margin' must be finite, got ${margin}`);
  return margin;
}

/** Throws unless `m` is a square [N,N] matrix; returns N. */
export function checkMatrix(m: tf.Tensor, where: string): number {
  if (m.rank !== 2 || m.shape[0] !== m.shape[1]) {
    throw new Error(`${where}: the distance matrix must be square [N,N], got shape [${m.shape}]`);
  }
  return m.shape[0];
}

/** Throws unless `values` holds an [N,N] row-major matrix for a batch of N. */
export function checkMatrixValues(values: ArrayLike<number>, n: number, where: string): void {
  if (values.length !== n * n) {
    throw new Error(
      `${where}: a batch of ${n} needs ${n}×${n} = ${n * n} distances, got ${values.length}`,
    );
  }
}
