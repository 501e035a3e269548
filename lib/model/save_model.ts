/**
 * Saving and loading models to a directory with Deno's file API (tfjs's `file://` handler needs
 * tfjs-node): `model.json` (topology, weight manifest, and the build options in
 * `userDefinedMetadata.facenet.buildOptions`) and `weights.bin` (float32 little-endian, as tfjs
 * writes it). Files are written under temporary names and renamed, so an interrupted save leaves
 * the previous checkpoint intact. A loaded model gives bit-identical outputs.
 *
 * @example
 * ```ts
 * import { createModel, getBuildOptions } from "./create_model.ts";
 * import { loadModel, saveModel } from "./save_model.ts";
 * const dir = await Deno.makeTempDir();
 * await saveModel(createModel("tiny", { seed: 5 }), dir);
 * const back = await loadModel(dir);
 * console.assert(getBuildOptions(back)?.seed === 5);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { registerModelLayers } from "./register_layers.ts";

/** File names inside a saved model directory. */
export const MODEL_FILES = { topology: "model.json", weights: "weights.bin" } as const;

const join = (dir: string, name: string) => `${dir.replace(/\/+$/, "")}/${name}`;

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((a, b) => a + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/**
 * A tfjs IOHandler over a directory (model.json + weights.bin), for `model.save(handler)` and
 * `tf.loadLayersModel(handler)`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { directoryHandler } from "./save_model.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const dir = await Deno.makeTempDir();
 * await model.save(directoryHandler(dir));
 * const back = await tf.loadLayersModel(directoryHandler(dir));
 * console.assert(back.countParams() === 3);
 * ```
 */
export function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(`saveModel(${dir}): binary model topologies are not supported`);
      }
      await Deno.mkdir(dir, { recursive: true });
      const weights = concatBuffers(artifacts.weightData ?? new ArrayBuffer(0));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
      };
      const text = JSON.stringify(json);
      const wPath = join(dir, MODEL_FILES.weights);
      const jPath = join(dir, MODEL_FILES.topology);
      await Deno.writeFile(`${wPath}.tmp`, weights);
      await Deno.writeTextFile(`${jPath}.tmp`, text);
      await Deno.rename(`${wPath}.tmp`, wPath);
      await Deno.rename(`${jPath}.tmp`, jPath);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jPath = join(dir, MODEL_FILES.topology);
      let text: string;
      try {
        text = await Deno.readTextFile(jPath);
      } catch (e) {
        throw new Error(`loadModel: cannot read ${jPath}: ${(e as Error).message}`);
      }
      const json = JSON.parse(text);
      const manifest = (json.weightsManifest ?? []) as tf.io.WeightsManifestConfig;
      const parts: ArrayBuffer[] = [];
      for (const group of manifest) {
        for (const path of group.paths) {
          const bytes = await Deno.readFile(join(dir, path));
          parts.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
      }
      const weightData = concatBuffers(parts).buffer as ArrayBuffer;
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData,
      };
    },
  };
}

/**
 * Saves a model (topology, weights, build options) to `dir`, creating it.
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { saveModel } from "./save_model.ts";
 * await saveModel(createModel("tiny"), await Deno.makeTempDir());
 * ```
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(directoryHandler(dir));
}

/**
 * Loads a model saved by {@link saveModel} (or any tfjs layers model.json + weights in `dir`).
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { loadModel, saveModel } from "./save_model.ts";
 * const dir = await Deno.makeTempDir();
 * await saveModel(createModel("tiny"), dir);
 * console.assert((await loadModel(dir)).outputs[0].shape[1] === 128);
 * ```
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  registerModelLayers();
  return await tf.loadLayersModel(directoryHandler(dir));
}
