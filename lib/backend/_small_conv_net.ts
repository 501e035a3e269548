/**
 * A small inception-style conv net built from raw tfjs ops, used to check (tests/backend) and time
 * (bench/backend.ts) the training kernels end to end: 7×7/2 conv, max pool, LRN, an inception block
 * (1×1, 3×3, 5×5, avg-pool branches), a 3×3/2 conv, batch norm, a depthwise 3×3, global average
 * pooling, a dense layer, and a gathered target table (whose gradient is UnsortedSegmentSum).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A built net: its variables, a differentiable loss, and its conv/dense FLOPs per training step. */
export interface SmallConvNet {
  variables: tf.Variable[];
  /** Mean squared distance between the embeddings of `x` and the targets of `labels`. */
  loss(x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar;
  /** FLOPs of the convolutions and matmuls of one forward + backward pass on a batch. */
  flopsPerStep(batch: number): number;
  dispose(): void;
}

/** Options of {@link createSmallConvNet}. */
export interface SmallConvNetOptions {
  /** Input height and width (multiple of 8). Default 32. */
  inputSize?: number;
  /** Channels of the first conv. Default 16. */
  width?: number;
  /** Number of target classes in the gathered table. Default 10. */
  classes?: number;
  /** Seed of the weight initialisation. Default 1. */
  seed?: number;
}

/**
 * Builds the net; the caller disposes it.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * const net = createSmallConvNet({ inputSize: 16, width: 8 });
 * const { grads } = tf.variableGrads(() => net.loss(tf.zeros([2, 16, 16, 3]), tf.tensor1d([0, 1], "int32")));
 * tf.dispose(Object.values(grads));
 * net.dispose();
 * ```
 */
export function createSmallConvNet(options: SmallConvNetOptions = {}): SmallConvNet {
  const size = options.inputSize ?? 32;
  const w = options.width ?? 16;
  const classes = options.classes ?? 10;
  let seed = options.seed ?? 1;
  if (size % 8 !== 0) {
    throw new Error(`createSmallConvNet: inputSize must be a multiple of 8, got ${size}`);
  }
  const h = w / 2;
  const variables: tf.Variable[] = [];
  // per-example conv/dense FLOPs of the forward pass, and those whose input needs no gradient
  let fwd = 0;
  let noInputGrad = 0;
  const param = (shape: number[], fanIn: number) => {
    const s = seed++;
    const v = tf.tidy(() =>
      tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", s))
    );
    variables.push(v);
    return v;
  };
  const conv = (k: number, ci: number, co: number, out: number, first = false) => {
    const flops = 2 * out * out * k * k * ci * co;
    fwd += flops;
    if (first) noInputGrad += flops;
    return { w: param([k, k, ci, co], k * k * ci), b: param([co], 1e6) };
  };
  const s2 = size / 2;
  const s4 = size / 4;
  const s8 = size / 8;
  const c1 = conv(7, 3, w, s2, true);
  const a1 = conv(1, w, w, s4);
  const b1 = conv(1, w, h, s4);
  const b2 = conv(3, h, w, s4);
  const c5a = conv(1, w, h, s4);
  const c5b = conv(5, h, h, s4);
  const p1 = conv(1, w, h, s4);
  const cat = w + w + h + h;
  const d1 = conv(3, cat, 2 * w, s8);
  const gamma = param([2 * w], 1e6);
  const beta = param([2 * w], 1e6);
  const dw = param([3, 3, 2 * w, 1], 9);
  fwd += 2 * s8 * s8 * 9 * 2 * w;
  const dense = param([2 * w, 16], 2 * w);
  fwd += 2 * 2 * w * 16;
  const table = param([classes, 16], 16);

  const apply = (x: tf.Tensor4D, c: { w: tf.Variable; b: tf.Variable }, stride: number) =>
    tf.relu(tf.add(tf.conv2d(x, c.w as tf.Tensor4D, stride, "same"), c.b)) as tf.Tensor4D;

  return {
    variables,
    loss(x, labels) {
      return tf.tidy(() => {
        let y = apply(x, c1, 2);
        y = tf.maxPool(y, 3, 2, "same");
        y = tf.localResponseNormalization(y, 2, 1, 1e-4, 0.75);
        const inception = tf.concat([
          apply(y, a1, 1),
          apply(apply(y, b1, 1), b2, 1),
          apply(apply(y, c5a, 1), c5b, 1),
          apply(tf.avgPool(y, 3, 1, "same"), p1, 1),
        ], 3) as tf.Tensor4D;
        let z = apply(inception, d1, 2);
        const { mean, variance } = tf.moments(z, [0, 1, 2]);
        z = tf.batchNorm4d(
          z,
          mean as tf.Tensor1D,
          variance as tf.Tensor1D,
          beta as tf.Tensor1D,
          gamma as tf.Tensor1D,
          1e-3,
        );
        z = tf.relu(tf.depthwiseConv2d(z, dw as tf.Tensor4D, 1, "same"));
        const pooled = tf.mean(z, [1, 2]) as tf.Tensor2D;
        const emb = tf.matMul(pooled, dense);
        const target = tf.gather(table, labels);
        return tf.mean(tf.sum(tf.square(tf.sub(emb, target)), 1)) as tf.Scalar;
      });
    },
    flopsPerStep: (batch) => batch * (3 * fwd - noInputGrad),
    dispose: () => tf.dispose(variables),
  };
}
