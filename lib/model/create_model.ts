/**
 * `createModel(name, options)`: one builder over the variant table (see variants.ts). The model
 * takes [N,S,S,3] float32 images (standardised, see lib/data; `inputScaling` maps them back to raw
 * or [0, 1] pixels in a first layer) and returns [N, embeddingDim] embeddings; it records its build options (`getBuildOptions`), which `saveModel` keeps.
 *
 * @example
 * ```ts
 * import { createModel, getBuildOptions } from "./create_model.ts";
 * const model = createModel("tiny", { embeddingDim: 16, seed: 1 });
 * console.assert(model.outputs[0].shape[1] === 16);
 * console.assert(getBuildOptions(model)?.name === "tiny");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createBuildContext } from "./build_context.ts";
import { inceptionBlock } from "./inception.ts";
import { L2Normalize } from "./l2_normalize.ts";
import { LocalResponseNorm } from "./local_response_norm.ts";
import { registerModelLayers } from "./register_layers.ts";
import {
  type BuildOptions,
  type ModelName,
  type ModelOptions,
  resolveBuildOptions,
  VARIANTS,
} from "./variants.ts";

/** Key of the build options in the model's user-defined metadata. */
export const METADATA_KEY = "facenet";

/**
 * Builds a variant. Same name, options and seed give the same initial weights.
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * const small = createModel("nn4-small2", { widthMultiplier: 0.25, inputSize: 64 });
 * console.assert(small.inputs[0].shape[1] === 64);
 * ```
 */
export function createModel(name: ModelName, options: ModelOptions = {}): tf.LayersModel {
  registerModelLayers();
  const o = resolveBuildOptions(name, options);
  const ctx = createBuildContext(o);
  const input = tf.input({ name: "input", shape: [o.inputSize, o.inputSize, 3] });
  let x = input;
  if (o.inputScaling !== "standardized") {
    // the loaders give (pixel − 127.5) / 128: map back to 0–255, or to [0, 1]
    const div = o.inputScaling === "raw" ? 1 : 255;
    x = tf.layers.rescaling({
      name: `input_${o.inputScaling}`,
      scale: 128 / div,
      offset: 127.5 / div,
    }).apply(x) as tf.SymbolicTensor;
  }
  const lrn = (name: string) => new LocalResponseNorm({ name }).apply(x) as tf.SymbolicTensor;
  for (const stage of VARIANTS[name].stages) {
    switch (stage.kind) {
      case "conv": // e.g. conv1: S/2 × S/2 × 64
        x = ctx.conv(x, stage.name, ctx.filters(stage.filters), stage.kernel, stage.stride);
        break;
      case "pool": { // "max pool + norm" (S/4) or "norm + max pool" (S/8)
        if (stage.norm === "before" && o.norm === "lrn") x = lrn(`${stage.name}_norm`);
        x = tf.layers.maxPooling2d({
          name: stage.name,
          poolSize: stage.size,
          strides: stage.stride,
          padding: "same",
        }).apply(x) as tf.SymbolicTensor;
        if (stage.norm === "after" && o.norm === "lrn") x = lrn(`${stage.name}_norm`);
        break;
      }
      case "reduceConv": // inception (2): 1×1 reduce then 3×3, S/4 × S/4 × 192
        x = ctx.conv(x, `${stage.name}_3x3_reduce`, ctx.filters(stage.reduce), 1, 1);
        x = ctx.conv(x, `${stage.name}_3x3`, ctx.filters(stage.filters), stage.kernel, 1);
        break;
      case "inception": // S/8 (3a–3b), S/16 (3c–4d), S/32 (4e–5b)
        x = inceptionBlock(x, stage, ctx);
        break;
      case "avgPool": // 1×1×C
        x = tf.layers.globalAveragePooling2d({ name: stage.name }).apply(x) as tf.SymbolicTensor;
        break;
      case "fc": // 1×1×embeddingDim
        x = tf.layers.dense({
          name: stage.name,
          units: o.embeddingDim,
          activation: o.embeddingActivation,
          kernelInitializer: ctx.initializer(),
        }).apply(x) as tf.SymbolicTensor;
        break;
      case "l2": // unit-norm rows
        if (o.finalL2) x = new L2Normalize({ name: stage.name }).apply(x) as tf.SymbolicTensor;
        break;
      default: {
        const never: never = stage;
        throw new Error(`createModel: unknown stage ${JSON.stringify(never)}`);
      }
    }
  }
  const model = tf.model({ name: "facenet", inputs: input, outputs: x });
  model.setUserDefinedMetadata({ [METADATA_KEY]: { buildOptions: o } });
  return model;
}

/**
 * The options a model was built with (from `createModel` or `loadModel`), or undefined for a
 * model this module did not build.
 *
 * @example
 * ```ts
 * import { createModel, getBuildOptions } from "./create_model.ts";
 * console.assert(getBuildOptions(createModel("tiny"))?.inputSize === 32);
 * ```
 */
export function getBuildOptions(model: tf.LayersModel): BuildOptions | undefined {
  const meta = model.getUserDefinedMetadata() as
    | Record<string, { buildOptions?: BuildOptions }>
    | undefined;
  const o = meta?.[METADATA_KEY]?.buildOptions;
  return o ? { ...o } : undefined;
}
