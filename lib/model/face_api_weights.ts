/**
 * Reads face-api's pretrained FaceRecognitionNet weights (`face_recognition_model-weights_manifest.json`
 * and its shard, shipped in the `@vladmandic/face-api` npm package) into plain arrays, dequantised
 * exactly as face-api loads them (tfjs's `decodeWeights`). No tensors are left behind.
 *
 * @example
 * ```ts
 * import { readFaceApiWeights } from "./face_api_weights.ts";
 * const w = await readFaceApiWeights();
 * console.assert(w.get("fc")!.shape.join() === "256,128");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { faceApiModelDir } from "../data/face/face_api.ts";

/** One weight array with its shape. */
export interface NamedWeight {
  shape: number[];
  values: Float32Array;
}

/** The manifest file of face-api's FaceRecognitionNet. */
export const FACE_RECOGNITION_MANIFEST = "face_recognition_model-weights_manifest.json";

/**
 * Reads face-api's FaceRecognitionNet weights by name (`conv32_down/conv/filters`, …, `fc`).
 *
 * @param options modelDir: the folder of face-api's model files (default: the installed package's)
 *
 * @example
 * ```ts
 * import { readFaceApiWeights } from "./face_api_weights.ts";
 * const w = await readFaceApiWeights();
 * console.assert(w.get("conv32_down/conv/filters")!.shape.join() === "7,7,3,32");
 * ```
 */
export async function readFaceApiWeights(
  options: { modelDir?: string } = {},
): Promise<Map<string, NamedWeight>> {
  const dir = (options.modelDir ?? faceApiModelDir()).replace(/\/+$/, "");
  const manifestPath = `${dir}/${FACE_RECOGNITION_MANIFEST}`;
  let manifest: tf.io.WeightsManifestConfig;
  try {
    manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  } catch (e) {
    throw new Error(`readFaceApiWeights: cannot read ${manifestPath}: ${(e as Error).message}`);
  }
  const out = new Map<string, NamedWeight>();
  for (const group of manifest) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        parts.push(await Deno.readFile(`${dir}/${p}`));
      } catch (e) {
        throw new Error(`readFaceApiWeights: cannot read ${dir}/${p}: ${(e as Error).message}`);
      }
    }
    const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of parts) {
      bytes.set(b, at);
      at += b.length;
    }
    const tensors = tf.io.decodeWeights(bytes.buffer, group.weights);
    try {
      for (const [name, t] of Object.entries(tensors)) {
        out.set(name, { shape: t.shape.slice(), values: Float32Array.from(await t.data()) });
      }
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }
  if (!out.has("fc")) {
    throw new Error(
      `readFaceApiWeights: ${manifestPath} has no 'fc' weight; not FaceRecognitionNet`,
    );
  }
  return out;
}
