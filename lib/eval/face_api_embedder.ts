/**
 * face-api's pretrained 128-d FaceRecognitionNet (a port of dlib's ResNet face descriptor) as a
 * reference {@link Embedder}, through lib/data's single face-api adapter.
 *
 * Pipeline per image: detect faces with their 68 landmarks (SSD MobileNet v1, score ≥ 0.5; when
 * SSD finds nothing, the Tiny Face Detector, then SSD at score ≥ 0.1), then, by `alignment`:
 * - "faceapi" (default): face-api's own `detectSingleFace` pipeline (highest-scoring face,
 *   axis-aligned landmark box resized to 150×150 by face-api);
 * - "toolkit": the largest most central face (lib/data's `pickFace`), rotated so the eyes are level
 *   and cropped at dlib's face-chip scale to 150×150 (lib/data's `alignFace`, margin 0).
 * When no face is found, the whole image (already a face crop, e.g.) is described as it is.
 * `stats` counts which step each image took, so a report can say how many were not detected.
 * Measured on the 1000 LFW dev pairs (deep-funneled, wasm, 10 stratified folds): "faceapi" 97.4%,
 * "toolkit" 96.8%; the two err on largely different pairs (their averaged descriptors: 98.3%).
 *
 * Whole photos give the best results (`embedFile`, used by `embedPaths`): the detector sees the
 * original pixels. `embed` accepts a standardised batch (any square size), undoes the
 * standardisation and runs the same pipeline on each image.
 *
 * @example
 * ```ts
 * import { faceApiEmbedder } from "./face_api_embedder.ts";
 * const faceapi = faceApiEmbedder();
 * const v = await faceapi.embedFile("node_modules/@vladmandic/face-api/demo/sample2.jpg");
 * console.assert(v.length === 128 && faceapi.stats.ssd === 1);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeImage, type RgbImage } from "../data/decode_image.ts";
import { alignFace } from "../data/align_face.ts";
import { pickFace } from "../data/align_pick_face.ts";
import {
  computeDescriptors,
  detectFaces,
  faceApiDescriptor,
  type FaceDetection,
  type FaceDetectorName,
} from "../data/face_api.ts";
import type { Embedder } from "./embedder.ts";

/** How many images took each step of the pipeline. */
export interface FaceApiEmbedderStats {
  /** Found by SSD MobileNet v1 at the configured score. */
  ssd: number;
  /** Found by the Tiny Face Detector after SSD found nothing. */
  tiny: number;
  /** Found by SSD at score ≥ `lowConfidence`. */
  ssdLow: number;
  /** No face found: the whole image was described. */
  whole: number;
}

/**
 * How the face is chosen and cropped before FaceRecognitionNet:
 * - "faceapi" (default): face-api's own `detectSingleFace().withFaceLandmarks().withFaceDescriptor()`:
 *   the highest-scoring face, its landmark box, axis-aligned, resized to 150×150 by face-api;
 * - "toolkit": every face detected with its 68 landmarks, the largest most central one
 *   (lib/data's `pickFace`), rotated so the eyes are level and cropped at dlib's face-chip scale
 *   (lib/data's `alignFace` with margin 0, 150×150).
 */
export type FaceApiAlignment = "toolkit" | "faceapi";

/** Options of {@link faceApiEmbedder}. */
export interface FaceApiEmbedderOptions {
  /** Face choice and crop. Default "faceapi". */
  alignment?: FaceApiAlignment;
  /** Margin of the "toolkit" crop, as a fraction of the face side on each side. Default 0. */
  margin?: number;
  /** SSD minimum score of the first attempt. Default 0.5 (face-api's default). */
  minConfidence?: number;
  /** SSD minimum score of the last attempt. Default 0.1. */
  lowConfidence?: number;
  /** Folder of face-api's model files. Default: the installed package's. */
  modelDir?: string;
}

/** The face-api embedder: an {@link Embedder} with a per-file pipeline and step counts. */
export interface FaceApiEmbedder extends Embedder {
  embedFile(path: string): Promise<Float32Array>;
  /** Which pipeline step each embedded image took. */
  readonly stats: FaceApiEmbedderStats;
}

/**
 * Creates the face-api reference embedder (128-d descriptors, Euclidean distance; face-api's
 * suggested same-person threshold is 0.6). Models load on first use from the installed package.
 *
 * @param options minConfidence (0.5), lowConfidence (0.1), modelDir
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { faceApiEmbedder } from "./face_api_embedder.ts";
 * const faceapi = faceApiEmbedder();
 * const grey = tf.zeros([1, 150, 150, 3]) as tf.Tensor4D; // no face: described whole
 * const e = await faceapi.embed(grey);
 * console.assert(e.shape[1] === 128 && faceapi.stats.whole === 1);
 * tf.dispose([grey, e]);
 * ```
 */
export function faceApiEmbedder(options: FaceApiEmbedderOptions = {}): FaceApiEmbedder {
  const minConfidence = options.minConfidence ?? 0.5;
  const lowConfidence = options.lowConfidence ?? 0.1;
  const modelDir = options.modelDir;
  const alignment = options.alignment ?? "faceapi";
  const margin = options.margin ?? 0;
  if (alignment !== "toolkit" && alignment !== "faceapi") {
    throw new Error(
      `faceApiEmbedder: 'alignment' must be "toolkit" or "faceapi", got '${alignment}'`,
    );
  }
  for (
    const [k, v] of [["minConfidence", minConfidence], ["lowConfidence", lowConfidence]] as const
  ) {
    if (!(v > 0 && v < 1)) throw new Error(`faceApiEmbedder: '${k}' must be in (0, 1), got ${v}`);
  }
  const stats: FaceApiEmbedderStats = { ssd: 0, tiny: 0, ssdLow: 0, whole: 0 };

  async function describeToolkit(image: RgbImage): Promise<Float32Array> {
    const steps: [keyof FaceApiEmbedderStats, FaceDetectorName, number][] = [
      ["ssd", "ssd", minConfidence],
      ["tiny", "tiny", minConfidence],
      ["ssdLow", "ssd", lowConfidence],
    ];
    for (const [step, detector, confidence] of steps) {
      const faces: FaceDetection[] = await detectFaces(image, {
        detector,
        minConfidence: confidence,
        modelDir,
      });
      if (faces.length === 0) continue;
      stats[step]++;
      const face = faces[pickFace(faces, image.width, image.height)];
      const crop = alignFace(image, face, { size: 150, margin }).image;
      const [d] = await computeDescriptors([crop], { modelDir });
      return d;
    }
    stats.whole++;
    const [d] = await computeDescriptors([image], { modelDir });
    return d;
  }

  async function describe(image: RgbImage): Promise<Float32Array> {
    if (alignment === "toolkit") return await describeToolkit(image);
    let r = await faceApiDescriptor(image, { detector: "ssd", minConfidence, modelDir });
    if (r) {
      stats.ssd++;
      return r.descriptor;
    }
    r = await faceApiDescriptor(image, { detector: "tiny", minConfidence, modelDir });
    if (r) {
      stats.tiny++;
      return r.descriptor;
    }
    r = await faceApiDescriptor(image, { detector: "ssd", minConfidence: lowConfidence, modelDir });
    if (r) {
      stats.ssdLow++;
      return r.descriptor;
    }
    stats.whole++;
    const [d] = await computeDescriptors([image], { modelDir });
    return d;
  }

  return {
    name: alignment === "faceapi" ? "faceapi" : "faceapi(toolkit-align)",
    inputSize: 150,
    stats,
    async embedFile(path: string): Promise<Float32Array> {
      return await describe(await decodeImage(path));
    },
    async embed(images: tf.Tensor4D): Promise<tf.Tensor2D> {
      if (images.rank !== 4 || images.shape[3] !== 3) {
        throw new Error(`faceapi: expects images [N,H,W,3], got [${images.shape.join(",")}]`);
      }
      const [n, h, w] = images.shape;
      const pixels = tf.tidy(() =>
        tf.clipByValue(tf.round(tf.add(tf.mul(images, 128), 127.5)), 0, 255)
      );
      const values = await pixels.data();
      pixels.dispose();
      const per = h * w * 3;
      const rows: Float32Array[] = [];
      for (let i = 0; i < n; i++) {
        const data = Uint8Array.from(values.subarray(i * per, (i + 1) * per));
        rows.push(await describe({ width: w, height: h, data }));
      }
      const out = new Float32Array(n * 128);
      rows.forEach((r, i) => out.set(r, i * 128));
      return tf.tensor2d(out, [n, 128]);
    },
  };
}
