/**
 * The layers `Activation` class that passes through a batch norm's output when that layer already
 * applied the ReLU (lib/model's BatchNorm with `fuseRelu`, training on a backend whose kernel fuses
 * it: the native backend). Everything else it computes as the stock layer does, and its class
 * name stays "Activation", so saved files are unchanged and load as before.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ReluActivation } from "./relu_activation.ts";
 * const Activation = ReluActivation();
 * const layer = new Activation({ activation: "relu" });
 * const y = layer.apply(tf.tensor1d([-1, 2])) as tf.Tensor;
 * const v = await y.data();
 * console.assert(layer.getClassName() === "Activation" && v[0] === 0);
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { reluAppliedBy } from "./batch_norm.ts";
import { stockLayerClass } from "./_stock_layer_class.ts";

/** Arguments of the layers `Activation`. */
export type ActivationArgs = Parameters<typeof tf.layers.activation>[0];
type LayerClass = new (args: ActivationArgs) => tf.layers.Layer;
let reluActivationClass: LayerClass | undefined;

/**
 * The `Activation` layer class described in the module doc (created once, from the registered
 * stock class, which it extends).
 */
export function ReluActivation(): LayerClass {
  if (reluActivationClass) return reluActivationClass;
  const Stock = stockLayerClass("Activation", "ReluActivation");
  class ActivationAfterFusedNorm extends Stock {
    static className = "Activation";
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const self = this as unknown as { activation?: { getClassName(): string } };
      if (self.activation?.getClassName() === "relu" && reluAppliedBy(x)) return x;
      return super.call(inputs, kwargs) as tf.Tensor;
    }
  }
  reluActivationClass = ActivationAfterFusedNorm as unknown as LayerClass;
  return reluActivationClass;
}
