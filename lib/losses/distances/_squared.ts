/**
 * Internal: squared Euclidean distances that are exactly 0 between equal rows.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Throws unless `x` is a rank-2 float tensor. */
export function assertBatch(x: tf.Tensor, where: string, what = "x"): void {
  if (x.rank !== 2) {
    throw new Error(`${where}: '${what}' must be a rank-2 [N,D] tensor, got shape [${x.shape}]`);
  }
}

/** Throws unless `a` and `b` are rank-2 tensors of the same shape. */
export function assertSameBatch(a: tf.Tensor, b: tf.Tensor, where: string): void {
  assertBatch(a, where, "a");
  assertBatch(b, where, "b");
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`${where}: 'a' and 'b' must have the same shape, got [${a.shape}] and [${b.shape}]`);
  }
}

/**
 * The Gram matrix G = x·xᵀ and its diagonal taken from G itself (not from a separate sum of
 * squares). Equal rows then give bitwise-equal G entries, so G_ii + G_jj − 2G_ij is exactly 0.
 */
export function gramAndDiagonal(x: tf.Tensor2D): { gram: tf.Tensor2D; diag: tf.Tensor1D } {
  return tf.tidy(() => {
    const gram = tf.matMul(x, x, false, true) as tf.Tensor2D;
    const eye = tf.eye(x.shape[0]);
    const diag = tf.sum(tf.mul(gram, eye), 1) as tf.Tensor1D;
    return { gram, diag };
  });
}

/**
 * [N,N] squared Euclidean distances Σ_k (x_ik − x_jk)² via the Gram form, clamped at 0 with relu
 * (rounding can make near-equal rows slightly negative). Exactly 0 on the diagonal and between equal
 * rows; relu's gradient at 0 is 0, so the gradient there is exactly 0 (the true gradient 2(x_i − x_j)).
 */
export function squaredMatrix(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const { gram, diag } = gramAndDiagonal(x);
    const n = x.shape[0];
    const sq = tf.sub(tf.add(tf.reshape(diag, [n, 1]), tf.reshape(diag, [1, n])), tf.mul(gram, 2));
    return tf.relu(sq) as tf.Tensor2D;
  });
}

/** Row-wise squared distances Σ_k (a_ik − b_ik)², computed from the differences (exact at a = b). */
export function squaredPairwise(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(a, b)), 1) as tf.Tensor1D);
}
