/**
 * Internal: the class weight matrix of the softmax-margin losses and their cosine logits.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/mod.ts";
import { checkEmbeddings, checkLabels } from "./miners/_labels.ts";

/** Options shared by ArcFace and CosFace. */
export interface ClassWeightOptions {
  /** Number of classes C (labels must lie in [0, C)). Required. */
  numClasses: number;
  /** Embedding dimension D. Required. */
  embeddingDim: number;
  /** Seed of the weight initialisation (normal, std √(2 / (D + C)), Glorot). Default 0. */
  seed?: number;
}

/** Creates the trainable [D, C] class weight variable. */
export function createClassWeights(options: ClassWeightOptions, where: string): tf.Variable {
  const { numClasses: c, embeddingDim: d } = options;
  if (!(Number.isInteger(c) && c >= 2)) {
    throw new Error(`${where}: 'numClasses' must be an integer ≥ 2, got ${c}`);
  }
  if (!(Number.isInteger(d) && d >= 1)) {
    throw new Error(`${where}: 'embeddingDim' must be an integer ≥ 1, got ${d}`);
  }
  const rng = createRng(options.seed ?? 0);
  const std = Math.sqrt(2 / (d + c));
  const values = new Float32Array(d * c);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
  return tf.tidy(() => tf.variable(tf.tensor2d(values, [d, c]), true));
}

/** Checks labels against the class count and returns the [N, C] one-hot matrix values. */
export function oneHotValues(
  labels: ArrayLike<number>,
  n: number,
  c: number,
  where: string,
): Float32Array {
  const checked = checkLabels(labels, n, where);
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    if (!(checked[i] >= 0 && checked[i] < c)) {
      throw new Error(`${where}: labels[${i}] = ${checked[i]} is outside the classes [0, ${c})`);
    }
    out[i * c + checked[i]] = 1;
  }
  return out;
}

/** cos θ between L2-normalised rows of x [N, D] and L2-normalised columns of W [D, C], clipped to ±(1 − 1e-7). */
export function cosineLogits(x: tf.Tensor2D, w: tf.Tensor2D, where: string): tf.Tensor2D {
  checkEmbeddings(x, where);
  if (x.shape[1] !== w.shape[0]) {
    throw new Error(
      `${where}: embeddings have dimension ${x.shape[1]}, the class weights ${w.shape[0]}`,
    );
  }
  return tf.tidy(() => {
    const xn = tf.div(x, tf.sqrt(tf.sum(tf.square(x), 1, true)));
    const wn = tf.div(w, tf.sqrt(tf.sum(tf.square(w), 0, true)));
    return tf.clipByValue(tf.matMul(xn, wn), -1 + 1e-7, 1 - 1e-7) as tf.Tensor2D;
  });
}

/** Per-sample softmax cross-entropy of logits [N, C] against one-hot [N, C]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(oneHot, logits), 1)) as tf.Tensor1D
  );
}

/** `numClasses` and `embeddingDim` from a loss's options, or a clear error (createLoss by name). */
export function requireClasses(
  options: { numClasses?: number; embeddingDim?: number },
  name: string,
): { numClasses: number; embeddingDim: number } {
  if (options.numClasses === undefined || options.embeddingDim === undefined) {
    throw new Error(`createLoss('${name}'): 'numClasses' and 'embeddingDim' are required`);
  }
  return { numClasses: options.numClasses, embeddingDim: options.embeddingDim };
}

/** The options a config may set for a class-weight loss (ArcFace, CosFace). */
export interface ClassWeightLossSettings {
  scale?: number;
  numClasses?: number;
  embeddingDim?: number;
  seed?: number;
}
