/**
 * Registration of the model's custom layers with tfjs serialisation, so saved models load.
 * Called by `createModel` and `loadModel`; call it yourself before `tf.loadLayersModel`.
 *
 * @example
 * ```ts
 * import { registerModelLayers } from "./register_layers.ts";
 * registerModelLayers();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BatchNorm } from "./batch_norm.ts";
import { L2Pooling2D } from "./l2_pooling.ts";
import { LocalResponseNorm } from "./local_response_norm.ts";
import { L2Normalize } from "./l2_normalize.ts";
import { PairDistance, StackDistances } from "./pair_distance.ts";
import { ChannelZeroPad } from "./channel_zero_pad.ts";
import { TrainConv2D } from "./train_conv2d.ts";
import { ReluActivation } from "./relu_activation.ts";

let registered = false;

/**
 * Registers BatchNorm, L2Pooling2D, LocalResponseNorm, L2Normalize, PairDistance, StackDistances,
 * ChannelZeroPad, {@link TrainConv2D} as "Conv2D" (so loaded models train with the fused
 * convolution too) and {@link ReluActivation} as "Activation" (so a loaded batch norm's fused ReLU
 * is not applied twice). Idempotent.
 */
export function registerModelLayers(): void {
  if (registered) return;
  for (
    const cls of [
      BatchNorm,
      L2Pooling2D,
      LocalResponseNorm,
      L2Normalize,
      PairDistance,
      StackDistances,
      ChannelZeroPad,
      TrainConv2D() as unknown as typeof BatchNorm,
      ReluActivation() as unknown as typeof BatchNorm,
    ]
  ) {
    tf.serialization.registerClass(cls);
  }
  registered = true;
}
