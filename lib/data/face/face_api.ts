/**
 * The ONE adapter over `@vladmandic/face-api`: face detection with 68 landmarks, and the pretrained
 * 128-d FaceRecognitionNet descriptors (the reference embedder of lib/eval).
 *
 * Which build: face-api's `dist/face-api.node-wasm.js` (CommonJS, `require("@tensorflow/tfjs")`),
 * which in Deno resolves to the same tfjs 4.22.0 the toolkit imports, so face-api runs on whatever
 * backend the entry point chose (wasm here) and shares its engine and memory accounting. (The
 * `esm-nobundle` build imports tfjs's bundler-only `dist/index.js`, which Deno cannot load.)
 *
 * Models load lazily from the installed package's `model/` folder (no network), once per process
 * (or Worker), on the first call that needs them; importing this module does nothing.
 *
 * @example
 * ```ts
 * import { decodeImage } from "../decode/decode_image.ts";
 * import { initBackend } from "../../backend/mod.ts";
 * import { detectFacesInImage } from "./face_api.ts";
 * await initBackend("wasm"); // face-api runs on the backend the entry point chose
 * const photo = await decodeImage("node_modules/@vladmandic/face-api/demo/sample1.jpg");
 * const faces = await detectFacesInImage(photo);
 * console.log(faces.length, faces[0]?.landmarks.length); // 3 68
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { loadSharp } from "../decode/load_sharp.ts";
import { decodeImage, type RgbImage } from "../decode/decode_image.ts";

/** Face detectors face-api offers: Tiny Face Detector (fast) or SSD MobileNet v1 (accurate). */
export type FaceDetectorName = "tiny" | "ssd";

/** An axis-aligned box in image pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One detected face: box, detector score and the 68 iBUG landmarks ([x, y] in image pixels). */
export interface FaceDetection {
  box: FaceBox;
  score: number;
  /** 68 points in the iBUG-300W order: 0–16 jaw, 17–26 brows, 27–35 nose, 36–41 and 42–47 eyes, 48–67 mouth. */
  landmarks: [number, number][];
}

/** Options of {@link detectFacesInImage}. */
export interface DetectFacesOptions {
  /** Default "tiny". */
  detector?: FaceDetectorName;
  /** Minimum detector score. Default 0.5. */
  minConfidence?: number;
  /**
   * Tiny detector input size (a multiple of 32), or "auto" (default): the multiple of 32 nearest
   * the image's longer side, clamped to 128–416, then 320 and 416 if nothing was found. The tiny
   * detector's anchors favour faces that fill a good part of its input: on LFW's 150-px photos 160
   * finds every face where 416 misses one in six.
   */
  inputSize?: number | "auto";
  /** Also compute the 68 landmarks (FaceLandmark68Net). Default true. */
  landmarks?: boolean;
  /**
   * Photos whose longer side exceeds this are detected on a copy shrunk to it (boxes and landmarks
   * are mapped back to the original's pixels). The detectors see at most 416 (tiny) or 512 (SSD)
   * pixels anyway; this keeps a 50-megapixel photo from costing gigabytes. Default 1024.
   */
  maxSide?: number;
  /** Folder holding face-api's model files. Default: the installed package's `model/`. */
  modelDir?: string;
}

// deno-lint-ignore no-explicit-any
type FaceApiModule = any;

let modulePromise: Promise<FaceApiModule> | undefined;
const netPromises = new Map<string, Promise<void>>();

/**
 * The folder of face-api's bundled model weights: `FACE_API_MODELS` if set, else the installed
 * package's `model/` (found through Node resolution from this file, then the project's
 * node_modules).
 *
 * @example
 * ```ts
 * import { faceApiModelDir } from "./face_api.ts";
 * console.log(faceApiModelDir()); // …/node_modules/…/@vladmandic/face-api/model
 * ```
 */
export function faceApiModelDir(): string {
  const env = Deno.env.get("FACE_API_MODELS");
  if (env) return env;
  try {
    const pkg = createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json");
    return pkg.replace(/package\.json$/, "model");
  } catch {
    return new URL("../../../node_modules/@vladmandic/face-api/model", import.meta.url).pathname;
  }
}

/** Loads the face-api module (once). The tfjs backend must already be chosen by the entry point. */
async function faceApi(): Promise<FaceApiModule> {
  modulePromise ??= (async () => {
    // @ts-ignore: the CommonJS build has no Deno-readable types.
    const mod = await import("@vladmandic/face-api/dist/face-api.node-wasm.js");
    return mod.default ?? mod;
  })();
  return await modulePromise;
}

const NET_OF = {
  tiny: "tinyFaceDetector",
  ssd: "ssdMobilenetv1",
  landmarks: "faceLandmark68Net",
  recognition: "faceRecognitionNet",
} as const;

/** Loads face-api and the named nets (each once per process). */
async function ready(nets: (keyof typeof NET_OF)[], modelDir?: string): Promise<FaceApiModule> {
  const api = await faceApi();
  const dir = modelDir ?? faceApiModelDir();
  await Promise.all(nets.map((n) => {
    const key = `${NET_OF[n]}@${dir}`;
    let p = netPromises.get(key);
    if (!p) {
      p = api.nets[NET_OF[n]].loadFromDisk(dir).catch((e: Error) => {
        netPromises.delete(key);
        throw new Error(`face-api: cannot load ${NET_OF[n]} from '${dir}': ${e.message}`);
      });
      netPromises.set(key, p!);
    }
    return p;
  }));
  return api;
}

/**
 * Loads face-api's models ahead of time (otherwise the first detection does).
 *
 * @example
 * ```ts
 * import { initBackend } from "../../backend/mod.ts";
 * import { preloadFaceApi } from "./face_api.ts";
 * await initBackend("wasm"); // face-api runs on the backend the entry point chose
 * await preloadFaceApi({ detector: "tiny" });
 * ```
 */
export async function preloadFaceApi(
  options: { detector?: FaceDetectorName; recognition?: boolean; modelDir?: string } = {},
): Promise<void> {
  const nets: (keyof typeof NET_OF)[] = [options.detector ?? "tiny", "landmarks"];
  if (options.recognition) nets.push("recognition");
  await ready(nets, options.modelDir);
}

function toTensor(image: RgbImage | tf.Tensor3D): tf.Tensor3D {
  if (image instanceof tf.Tensor) return image;
  if (image.data.length !== image.width * image.height * 3) {
    throw new Error(
      `face-api: RgbImage data has ${image.data.length} bytes, expected ${image.width}×${image.height}×3`,
    );
  }
  return tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
}

function autoSizes(width: number, height: number): number[] {
  const primary = Math.min(416, Math.max(128, Math.round(Math.max(width, height) / 32) * 32));
  return [...new Set([primary, 320, 416])];
}

// deno-lint-ignore no-explicit-any
function toDetection(r: any): FaceDetection {
  const det = r.detection ?? r;
  const b = det.box;
  return {
    box: { x: b.x, y: b.y, width: b.width, height: b.height },
    score: det.score,
    landmarks: r.landmarks
      ? r.landmarks.positions.map((p: { x: number; y: number }) => [p.x, p.y] as [number, number])
      : [],
  };
}

function unscale(d: FaceDetection, scale: number): FaceDetection {
  if (scale === 1) return d;
  const k = 1 / scale;
  return {
    box: { x: d.box.x * k, y: d.box.y * k, width: d.box.width * k, height: d.box.height * k },
    score: d.score,
    landmarks: d.landmarks.map(([x, y]) => [x * k, y * k] as [number, number]),
  };
}

/**
 * Detects every face in an RGB image (pixel values 0–255), with 68 landmarks each, best score first.
 *
 * @example
 * ```ts
 * import { initBackend } from "../../backend/mod.ts";
 * import { detectFacesInImage } from "./face_api.ts";
 * await initBackend("wasm"); // face-api runs on the backend the entry point chose
 * const grey = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) };
 * console.assert((await detectFacesInImage(grey)).length === 0);
 * ```
 */
export async function detectFacesInImage(
  image: RgbImage | tf.Tensor3D,
  options: DetectFacesOptions = {},
): Promise<FaceDetection[]> {
  const detector = options.detector ?? "tiny";
  const minConfidence = options.minConfidence ?? 0.5;
  const withLandmarks = options.landmarks ?? true;
  if (detector !== "tiny" && detector !== "ssd") {
    throw new Error(`detectFacesInImage: 'detector' must be "tiny" or "ssd", got '${detector}'`);
  }
  const api = await ready(withLandmarks ? [detector, "landmarks"] : [detector], options.modelDir);
  const maxSide = options.maxSide ?? 1024;
  let scale = 1;
  if (!(image instanceof tf.Tensor) && Math.max(image.width, image.height) > maxSide) {
    scale = maxSide / Math.max(image.width, image.height);
    const sharp = await loadSharp();
    const { data, info } = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: 3 },
    }).resize(
      Math.max(1, Math.round(image.width * scale)),
      Math.max(1, Math.round(image.height * scale)),
      {
        fit: "fill",
      },
    ).raw().toBuffer({ resolveWithObject: true });
    scale = info.width / image.width;
    image = {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  }
  const input = toTensor(image);
  const [h, w] = input.shape;
  try {
    let opts: unknown[];
    if (detector === "ssd") {
      opts = [new api.SsdMobilenetv1Options({ minConfidence, maxResults: 100 })];
    } else {
      const sizes = options.inputSize === undefined || options.inputSize === "auto"
        ? autoSizes(w, h)
        : [options.inputSize];
      opts = sizes.map((inputSize) =>
        new api.TinyFaceDetectorOptions({ inputSize, scoreThreshold: minConfidence })
      );
    }
    for (const o of opts) {
      const task = api.detectAllFaces(input, o);
      const results = withLandmarks ? await task.withFaceLandmarks() : await task;
      if (results.length > 0) {
        return results.map((r: unknown) => unscale(toDetection(r), scale)).sort((
          a: FaceDetection,
          b: FaceDetection,
        ) => b.score - a.score);
      }
    }
    return [];
  } finally {
    if (input !== image) input.dispose();
  }
}

/** Options of {@link computeDescriptors}. */
export interface ComputeDescriptorsOptions {
  /**
   * Value range of the input tensor: "pixel" (0–255, default) or "standardised" (the toolkit's
   * `(pixel − 127.5) / 128`, undone before face-api sees it).
   */
  range?: "pixel" | "standardised";
  modelDir?: string;
}

/**
 * 128-d FaceRecognitionNet descriptors of already-cropped faces (face-api resizes each to 150×150).
 * Accepts a batch [N,H,W,3] or a list of RGB images; returns one Float32Array per face, as face-api
 * gives it (not unit length: norms near 1.46 on LFW faces; face-api's own threshold is 0.6). The input tensor is not disposed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { initBackend } from "../../backend/mod.ts";
 * import { computeDescriptors } from "./face_api.ts";
 * await initBackend("wasm"); // face-api runs on the backend the entry point chose
 * const faces = tf.fill([2, 150, 150, 3], 128) as tf.Tensor4D;
 * const d = await computeDescriptors(faces);
 * faces.dispose();
 * console.assert(d.length === 2 && d[0].length === 128);
 * ```
 */
export async function computeDescriptors(
  faces: tf.Tensor4D | RgbImage[],
  options: ComputeDescriptorsOptions = {},
): Promise<Float32Array[]> {
  const api = await ready(["recognition"], options.modelDir);
  const list: tf.Tensor3D[] = faces instanceof tf.Tensor
    ? tf.tidy(() => {
      const px = options.range === "standardised" ? tf.add(tf.mul(faces, 128), 127.5) : faces;
      return tf.unstack(px) as tf.Tensor3D[];
    })
    : faces.map((f) => toTensor(f));
  try {
    if (list.length === 0) return [];
    const out = await api.nets.faceRecognitionNet.computeFaceDescriptor(list);
    return Array.isArray(out) ? out : [out];
  } finally {
    tf.dispose(list);
  }
}

/** A face-api descriptor with the face it describes. */
export interface FaceApiDescriptorResult {
  descriptor: Float32Array;
  detection: FaceDetection;
}

/**
 * face-api's own recommended pipeline on a whole photo: detect the single best face (SSD MobileNet v1
 * by default), 68 landmarks, its landmark-aligned box, FaceRecognitionNet descriptor.
 * Returns undefined when no face is found.
 *
 * @example
 * ```ts
 * import { initBackend } from "../../backend/mod.ts";
 * import { faceApiDescriptor } from "./face_api.ts";
 * await initBackend("wasm"); // face-api runs on the backend the entry point chose
 * const r = await faceApiDescriptor("node_modules/@vladmandic/face-api/demo/sample2.jpg");
 * console.log(r?.descriptor.length); // 128
 * ```
 */
export async function faceApiDescriptor(
  image: RgbImage | string,
  options: { detector?: FaceDetectorName; minConfidence?: number; modelDir?: string } = {},
): Promise<FaceApiDescriptorResult | undefined> {
  const detector = options.detector ?? "ssd";
  const api = await ready([detector, "landmarks", "recognition"], options.modelDir);
  const rgb = typeof image === "string" ? await decodeImage(image) : image;
  const input = toTensor(rgb);
  try {
    const opts = detector === "ssd"
      ? new api.SsdMobilenetv1Options({ minConfidence: options.minConfidence ?? 0.5 })
      : new api.TinyFaceDetectorOptions({
        inputSize: autoSizes(rgb.width, rgb.height)[0],
        scoreThreshold: options.minConfidence ?? 0.5,
      });
    const r = await api.detectSingleFace(input, opts).withFaceLandmarks().withFaceDescriptor();
    if (!r) return undefined;
    return { descriptor: r.descriptor, detection: toDetection(r) };
  } finally {
    input.dispose();
  }
}
