/**
 * Convolution + bias + ReLU as one kernel in training too, and no gradient for a model's input.
 *
 * Under gradients TensorFlow.js runs a layers `Conv2D` with ReLU as three kernels (Conv2D, Add,
 * Relu), because `tf.fused.conv2d` declines to fuse an activation when a gradient is being taken;
 * and a linear `Conv2D` (the batch-norm models) goes through a custom gradient that computes the
 * gradient of its input even where nothing needs it, as for the first convolution, whose input is
 * the image. {@link fusedConv2dWithGrad} is the forward as one `FusedConv2D` kernel (bias and ReLU
 * fused: oneDNN post-ops on the native backend, XNNPACK's clamp on wasm) whose backward is a
 * gradient registered for that kernel: `g = dy · step(y)` for ReLU, then the filter gradient, the
 * bias gradient `Σ g` and the input gradient, each computed only when the tape needs it (none for
 * the image, unless a caller differentiates with respect to it). {@link TrainConv2D} is the layers `Conv2D`
 * that uses it in training. It keeps the class name "Conv2D", so saved models are the same files as
 * before and load anywhere; registered (by `registerModelLayers`), it is also what loading builds.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { stockLayerClass } from "./_stock_layer_class.ts";

/** Options of {@link fusedConv2dWithGrad}. */
export interface FusedConv2dOptions {
  /** Strides (rows, columns). Default [1, 1]. */
  strides?: [number, number];
  /** Padding. Default "same". */
  pad?: "same" | "valid";
  /** ReLU after the bias (else linear). Default false. */
  relu?: boolean;
}

let gradientRegistered = false;

/**
 * The kernel a backend may register for a convolution's filter and bias gradients in one pass:
 * inputs `x`, `dy`; `Conv2DBackpropFilter`'s attributes; outputs `[dFilter, dBias]`. The native
 * backend does (oneDNN's backward-weights pass with its bias); where the active backend does not,
 * the bias gradient is `Σ dy` over batch and pixels, a second pass over dy.
 */
export const CONV2D_BACKPROP_FILTER_BIAS = "_Conv2DBackpropFilterBias";

/**
 * A bias gradient computed with its filter's whose bias thunk has not run yet. The tape runs it
 * right after the filter's whenever the bias is differentiated; where it is not (a caller that
 * differentiates a filter without its bias), the next such computation frees it: at most one
 * small tensor is ever left over.
 */
let pendingBiasGrad: tf.Tensor | undefined;

/**
 * Registers a gradient for the `FusedConv2D` kernel (once; tfjs-core has none, since its fused ops
 * wrap the kernel in a custom gradient): `g = dy · step(y)` for ReLU (y, the output, is > 0
 * exactly where the pre-activation was), then, each only when the tape asks for it, the filter
 * gradient, the bias gradient `Σ g` and the input gradient. Only linear and ReLU are covered.
 */
function registerFusedConv2dGradient(): void {
  if (gradientRegistered || tf.getGradient("FusedConv2D")) {
    gradientRegistered = true;
    return;
  }
  tf.registerGradient({
    kernelName: "FusedConv2D",
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as tf.Tensor4D[];
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: "same" | "valid";
        activation: string;
        dilations?: [number, number] | number;
        /** Set by fusedConv2dWithGrad (absent from other callers: then not assumed). */
        hasBias?: boolean;
      };
      if (a.activation !== "relu" && a.activation !== "linear") {
        throw new Error(`FusedConv2D's gradient covers linear and relu, not ${a.activation}`);
      }
      const g = a.activation === "relu" ? reluGradFromOutput(dy as tf.Tensor, y) : dy as tf.Tensor;
      const common = { strides: a.strides, pad: a.pad, dataFormat: "NHWC" };
      const wAttrs = { ...common, filterShape: filter.shape } as unknown as tf.NamedAttrMap;
      const filterGrad = () =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy: g }, wAttrs) as tf.Tensor;
      // With a bias, on a backend that computes both gradients in one pass: once, for both.
      // The engine calls each thunk in its own tidy, the filter's first: the bias gradient made
      // there is kept until the bias thunk takes it (see pendingBiasGrad).
      let both: tf.Tensor[] | undefined;
      const filterAndBias =
        a.hasBias === true && tf.getKernel(CONV2D_BACKPROP_FILTER_BIAS, tf.getBackend())
          ? () => {
            if (!both) {
              pendingBiasGrad?.dispose();
              both = tf.engine().runKernel(
                CONV2D_BACKPROP_FILTER_BIAS,
                { x, dy: g },
                wAttrs,
              ) as tf.Tensor[];
              pendingBiasGrad = tf.keep(both[1]);
            }
            return both;
          }
          : undefined;
      const biasGrad = () => {
        if (!filterAndBias) return tf.sum(g, [0, 1, 2]);
        const db = filterAndBias()[1];
        pendingBiasGrad = undefined;
        const out = tf.clone(db); // an ordinary (not kept) tensor, as every other gradient
        db.dispose();
        return out;
      };
      return {
        x: () =>
          tf.engine().runKernel("Conv2DBackpropInput", { dy: g, filter }, {
            ...common,
            inputShape: x.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () => filterAndBias ? filterAndBias()[0] : filterGrad(),
        bias: biasGrad,
      };
    },
  });
  gradientRegistered = true;
}

/**
 * `relu?(conv2d(x, filter) + bias)` in NHWC as one `FusedConv2D` kernel, also while a gradient is
 * taken (then the gradient registered for the kernel, which computes only what the tape needs:
 * no input gradient for a model's first layer, whose input is the image).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { fusedConv2dWithGrad } from "./train_conv2d.ts";
 * const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 1) as tf.Tensor4D;
 * const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, "float32", 2));
 * const b = tf.variable(tf.zeros([4]));
 * const { grads } = tf.variableGrads(() =>
 *   tf.sum(fusedConv2dWithGrad(x, w as tf.Tensor4D, b as tf.Tensor1D, { relu: true })) as tf.Scalar
 * );
 * console.assert(grads[w.name].shape.join() === "3,3,2,4");
 * ```
 */
export function fusedConv2dWithGrad(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  options: FusedConv2dOptions = {},
): tf.Tensor4D {
  registerFusedConv2dGradient();
  // The kernel itself: tf.fused.conv2d would unfuse the ReLU here (a gradient is being taken).
  return tf.engine().runKernel(
    "FusedConv2D",
    bias ? { x, filter, bias } : { x, filter },
    {
      strides: options.strides ?? [1, 1],
      pad: options.pad ?? "same",
      dataFormat: "NHWC",
      dilations: [1, 1],
      dimRoundingMode: undefined,
      activation: options.relu ? "relu" : "linear",
      leakyreluAlpha: undefined,
      hasBias: bias != null, // read by the registered gradient only
    } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}

/**
 * ReLU's gradient from its output y: Relu's registered gradient (one pass on the native backend,
 * `mul(dy, step(·))` elsewhere) applied to y, which is > 0 exactly where ReLU's input was.
 */
function reluGradFromOutput(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const grads = tf.getGradient("Relu")!.gradFunc(dy, [y], {}) as { x: () => tf.Tensor };
  return grads.x();
}

/** The fields of tfjs-layers' Conv2D that {@link TrainConv2D} reads (not in its public types). */
interface ConvInternals {
  rank: number;
  kernel: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  activation?: { getClassName(): string };
}

/** Arguments of a layers `Conv2D` (those of `tf.layers.conv2d`). */
export type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];
type LayerClass = new (args: Conv2DArgs) => tf.layers.Layer;
let trainConv2dClass: LayerClass | undefined;

/**
 * The layers `Conv2D` class whose training forward is {@link fusedConv2dWithGrad} (created once,
 * from the registered stock class, which it extends; its class name stays "Conv2D"). Outside
 * gradients, and for settings the fused path does not cover (dilation, channels-first, activations
 * other than ReLU and linear), it is the stock layer.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { TrainConv2D } from "./train_conv2d.ts";
 * const Conv = TrainConv2D();
 * const layer = new Conv({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" });
 * const y = layer.apply(tf.zeros([1, 6, 6, 2])) as tf.Tensor;
 * console.assert(layer.getClassName() === "Conv2D" && y.shape[3] === 4);
 * ```
 */
export function TrainConv2D(): LayerClass {
  if (trainConv2dClass) return trainConv2dClass;
  const Stock = stockLayerClass("Conv2D", "TrainConv2D");
  class Conv2DTrainFused extends Stock {
    static className = "Conv2D";
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
      const self = this as unknown as ConvInternals;
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const activation = self.activation?.getClassName() ?? "linear";
      const dilation = Array.isArray(self.dilationRate) ? self.dilationRate : [self.dilationRate];
      if (
        tf.engine().state.gradientDepth === 0 || self.rank !== 2 || x.rank !== 4 ||
        self.dataFormat !== "channelsLast" || dilation.some((d) => d !== 1) ||
        (activation !== "relu" && activation !== "linear") ||
        (self.padding !== "same" && self.padding !== "valid")
      ) {
        return super.call(inputs, kwargs) as tf.Tensor;
      }
      return fusedConv2dWithGrad(
        x as tf.Tensor4D,
        self.kernel.read() as tf.Tensor4D,
        (self.bias?.read() ?? null) as tf.Tensor1D | null,
        {
          strides: [self.strides[0], self.strides[1] ?? self.strides[0]],
          pad: self.padding as "same" | "valid",
          relu: activation === "relu",
        },
      );
    }
  }
  trainConv2dClass = Conv2DTrainFused as unknown as LayerClass;
  return trainConv2dClass;
}
