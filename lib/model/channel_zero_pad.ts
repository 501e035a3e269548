/**
 * Zero channels appended to a feature map ([N,H,W,C] → [N,H,W,C+extra]): the shortcut of
 * FaceRecognitionNet's down-sampling residual blocks (dlib's ResNet), which adds the average-pooled
 * input, padded with zero channels, to the block's wider output.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ChannelZeroPad } from "./channel_zero_pad.ts";
 * const y = new ChannelZeroPad({ channels: 5 }).apply(tf.ones([1, 2, 2, 3])) as tf.Tensor;
 * console.assert(y.shape[3] === 5);
 * y.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Arguments of {@link ChannelZeroPad}. */
export interface ChannelZeroPadArgs {
  /** Channels of the output (≥ the input's). */
  channels: number;
  /** Layer name. */
  name?: string;
}

/** Appends zero channels so the output has `channels` channels. */
export class ChannelZeroPad extends tf.layers.Layer {
  /** Registered class name (serialisation). */
  static className = "ChannelZeroPad";
  readonly channels: number;

  constructor(args: ChannelZeroPadArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.channels) || args.channels < 1) {
      throw new Error(
        `ChannelZeroPad: 'channels' must be a positive integer, got ${args.channels}`,
      );
    }
    this.channels = args.channels;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = s[s.length - 1];
    if (c != null && c > this.channels) {
      throw new Error(
        `ChannelZeroPad(${this.name}): input has ${c} channels, more than the output's ${this.channels}`,
      );
    }
    return [...s.slice(0, -1), this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const c = x.shape[x.rank - 1];
      if (c === this.channels) return x.clone();
      const pad = x.shape.map((): [number, number] => [0, 0]);
      pad[x.rank - 1] = [0, this.channels - c];
      return tf.pad(x, pad);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }
}
