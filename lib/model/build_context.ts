/**
 * The shared state of one model build: options, seeded initialisers and the conv + norm + ReLU
 * unit every stage uses.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createBuildContext } from "./build_context.ts";
 * import { resolveBuildOptions } from "./variants.ts";
 * const ctx = createBuildContext(resolveBuildOptions("tiny"));
 * const y = ctx.conv(tf.input({ shape: [8, 8, 3] }), "c", 4, 3, 1);
 * console.assert(y.shape[3] === 4);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/mod.ts";
import { BatchNorm } from "./batch_norm.ts";
import { ReluActivation } from "./relu_activation.ts";
import { TrainConv2D } from "./train_conv2d.ts";
import { type BuildOptions, scaleFilters } from "./variants.ts";

/** What stage builders share. */
export interface BuildContext {
  options: BuildOptions;
  /** A filter count scaled by the width multiplier. */
  filters(count: number): number;
  /** A fresh seeded Glorot-uniform initialiser (one per layer, so kernels differ). */
  initializer(): ReturnType<typeof tf.initializers.glorotUniform>;
  /** Convolution ("same" padding) + (batch norm) + ReLU, named `name` (+ `_bn`, `_relu`). */
  conv(
    x: tf.SymbolicTensor,
    name: string,
    filters: number,
    kernel: number,
    stride: number,
  ): tf.SymbolicTensor;
}

/** Creates the context of one build. */
export function createBuildContext(options: BuildOptions): BuildContext {
  const rng = createRng(options.seed);
  const initializer = () => tf.initializers.glorotUniform({ seed: rng.int(2 ** 31 - 1) });
  return {
    options,
    filters: (count) => scaleFilters(count, options.widthMultiplier),
    initializer,
    conv(x, name, filters, kernel, stride) {
      const batch = options.norm === "batch";
      const Conv2D = TrainConv2D();
      const y = new Conv2D({
        name,
        filters,
        kernelSize: kernel,
        strides: stride,
        padding: "same",
        useBias: !batch,
        activation: batch ? "linear" : "relu",
        kernelInitializer: initializer(),
      }).apply(x) as tf.SymbolicTensor;
      if (!batch) return y;
      // The ReLU runs inside the batch norm where the backend fuses them (native, in training).
      const bn = new BatchNorm({ name: `${name}_bn`, epsilon: 1e-3, fuseRelu: true })
        .apply(y) as tf.SymbolicTensor;
      const Activation = ReluActivation();
      return new Activation({ name: `${name}_relu`, activation: "relu" })
        .apply(bn) as tf.SymbolicTensor;
    },
  };
}
