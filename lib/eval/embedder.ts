/**
 * Embedders: anything that maps a batch of standardised face images to embedding rows.
 *
 * Evaluation embeddings must not depend on which other images share the batch, so a model is
 * always run in inference mode (`training: false`): batch normalisation uses its moving
 * statistics, dropout is off.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { modelEmbedder } from "./embedder.ts";
 * const input = tf.input({ shape: [8, 8, 3] });
 * const out = tf.layers.dense({ units: 4 }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
 * const embedder = modelEmbedder(tf.model({ inputs: input, outputs: out }));
 * const e = await embedder.embed(tf.zeros([2, 8, 8, 3]));
 * console.assert(embedder.inputSize === 8 && e.shape[1] === 4);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Maps standardised images ([N,S,S,3], `(pixel − 127.5) / 128`) to embeddings [N,D]. */
export interface Embedder {
  /** Shown in reports, e.g. "model:facenet" or "faceapi". */
  name: string;
  /** Square input side S the embedder expects, in pixels. */
  inputSize: number;
  /** Embeds a batch; the caller disposes the result (and its input). */
  embed(images: tf.Tensor4D): tf.Tensor2D | Promise<tf.Tensor2D>;
  /**
   * Optional per-file pipeline (e.g. face-api's own detection and alignment on the whole photo).
   * When present, `embedPaths` hands it each file instead of loading `inputSize`² crops.
   */
  embedFile?(path: string): Promise<Float32Array>;
  /** Releases what the embedder itself created (optional; a wrapped model stays its owner's). */
  dispose?(): void;
}

/** Options of {@link modelEmbedder}. */
export interface ModelEmbedderOptions {
  /** Name of the embedder. Default `model:<model.name>`. */
  name?: string;
  /** Largest batch sent through the model at once. Default 32. */
  batchSize?: number;
  /**
   * Test-time flip: embed each image and its left–right mirror, add the two rows and L2-normalise
   * the sum (the result is then the same for an image and its mirror). Default false.
   */
  flip?: boolean;
}

/**
 * Wraps an embedding model (e.g. from `createModel` or `loadModel`) as an {@link Embedder}, run in
 * inference mode so batch norm uses its moving statistics and results do not depend on the batch.
 *
 * @param model a model with input [N,S,S,3] and output [N,D]
 * @param options name, batchSize (32), flip (false; the name gets "+flip")
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { modelEmbedder } from "./embedder.ts";
 * const input = tf.input({ shape: [4, 4, 3] });
 * const out = tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor;
 * const e = modelEmbedder(tf.model({ inputs: input, outputs: out }), { name: "gap" });
 * console.assert(e.name === "gap" && e.inputSize === 4);
 * ```
 */
export function modelEmbedder(model: tf.LayersModel, options: ModelEmbedderOptions = {}): Embedder {
  const shape = model.inputs[0]?.shape;
  if (!shape || shape.length !== 4 || shape[1] == null || shape[1] !== shape[2] || shape[3] !== 3) {
    throw new Error(
      `modelEmbedder: model '${model.name}' must take [N,S,S,3] images, got input shape ${
        JSON.stringify(shape)
      }`,
    );
  }
  const outShape = model.outputs[0]?.shape;
  if (model.outputs.length !== 1 || !outShape || outShape.length !== 2) {
    throw new Error(
      `modelEmbedder: model '${model.name}' must have one [N,D] output, got ${
        JSON.stringify(model.outputs.map((o) => o.shape))
      }`,
    );
  }
  const inputSize = shape[1];
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`modelEmbedder: 'batchSize' must be an integer ≥ 1, got ${batchSize}`);
  }
  const flip = options.flip ?? false;
  if (typeof flip !== "boolean") {
    throw new Error(`modelEmbedder: 'flip' must be a boolean, got ${JSON.stringify(flip)}`);
  }
  return {
    name: `${options.name ?? `model:${model.name}`}${flip ? "+flip" : ""}`,
    inputSize,
    embed(images: tf.Tensor4D): tf.Tensor2D {
      if (images.rank !== 4 || images.shape[1] !== inputSize || images.shape[2] !== inputSize) {
        throw new Error(
          `${this.name}: expects images [N,${inputSize},${inputSize},3], got [${
            images.shape.join(",")
          }]`,
        );
      }
      // predict() runs with training = false (batch norm inference, no dropout).
      return tf.tidy(() => {
        const e = model.predict(images, { batchSize }) as tf.Tensor2D;
        if (!flip) return e;
        // axis 2 of [N,H,W,C] is the width: reversing it mirrors each image left–right.
        const m = model.predict(tf.reverse(images, 2), { batchSize }) as tf.Tensor2D;
        const sum = tf.add(e, m);
        const norm = tf.maximum(tf.norm(sum, "euclidean", 1, true), 1e-12);
        return tf.div(sum, norm) as tf.Tensor2D;
      });
    },
  };
}
