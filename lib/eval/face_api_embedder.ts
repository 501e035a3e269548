/**
 * face-api's pretrained 128-d FaceRecognitionNet (a port of dlib's ResNet face descriptor) as a
 * reference {@link Embedder}, through lib/data's single face-api adapter.
 *
 * Pipeline per image: detect every face with its 68 landmarks (SSD MobileNet v1, score ≥ 0.5; when
 * SSD finds nothing, the Tiny Face Detector, then SSD at score ≥ 0.1), pick the largest most
 * central one (lib/data's `pickFace`: deep-funneled LFW photos are centred on their subject, and
 * the highest-scoring face is sometimes a bystander's or a half face at the border), then, by
 * `alignment`:
 * - "ensemble" (default): the mean of two unit descriptors, one of face-api's own landmark box
 *   (axis-aligned, as `withFaceDescriptor()` crops it: {@link faceApiCropGeometry}) and one of the
 *   same box rotated so the eyes are level (dlib's chips, which the net was trained on, are
 *   rotated);
 * - "box": face-api's landmark box alone;
 * - "toolkit": lib/data's `alignFace` crop (eyes level, its looser face square, margin 0);
 * - "faceapi": face-api's own `detectSingleFace` pipeline (highest-scoring face, its box).
 * `flip` also describes each crop mirrored left–right and averages it in (test-time flip).
 * When no face is found, the whole image (already a face crop, e.g.) is described as it is.
 * `stats` counts which step each image took, so a report can say how many were not detected.
 *
 * Measured on the 1000 LFW dev pairs (deep-funneled, 1549 images, wasm, 10 stratified folds,
 * seed 0; offline from cached detections, each choice a general preprocessing of every image):
 * "faceapi" 97.4%; "box" 98.3% (AUC 0.9958: the central face instead of the highest-scoring one
 * and the Tiny detector's multi-size retry); levelled box alone 98.1%; "toolkit" 96.7%;
 * "ensemble" 98.7% (AUC 0.9960); box + toolkit 98.4%; with flip: box 98.3%, toolkit 97.5%,
 * ensemble 98.4%, box + toolkit 97.9%. These differences (±0.5%) are within the folds' spread
 * (std ≈ 1%), and "ensemble" was the best of the ~10 combinations tried on these same pairs, so
 * its 98.7% is an optimistic estimate; "box" (98.3%) is the one-crop choice made before measuring.
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
import { degradeLabel, degradeRgb, type DegradeSpec, parseDegrade } from "./degrade.ts";
import { decodeImage, type RgbImage } from "../data/mod.ts";
import { alignFace, type CropGeometry, sampleCrop } from "../data/mod.ts";
import { pickFace } from "../data/mod.ts";
import {
  computeDescriptors,
  detectFacesInImage,
  faceApiDescriptor,
  type FaceDetection,
  type FaceDetectorName,
} from "../data/mod.ts";
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
 * How the face is chosen and cropped before FaceRecognitionNet. All but "faceapi" detect every face
 * with its 68 landmarks and take the largest most central one (lib/data's `pickFace`):
 * - "ensemble" (default): the mean of the unit descriptors of face-api's landmark box (as "box")
 *   and of the same box rotated so the eyes are level (renormalised);
 * - "box": face-api's landmark box ({@link faceApiCropGeometry}), axis-aligned, cut and resized to
 *   150×150 as face-api's `withFaceDescriptor()` does;
 * - "toolkit": rotated so the eyes are level and cropped with lib/data's `alignFace` (margin 0,
 *   its own, looser face square), 150×150;
 * - "faceapi": face-api's own `detectSingleFace().withFaceLandmarks().withFaceDescriptor()`:
 *   the highest-scoring face, its landmark box, axis-aligned, resized to 150×150 by face-api.
 */
export type FaceApiAlignment = "ensemble" | "box" | "toolkit" | "faceapi";

/** Options of {@link faceApiEmbedder}. */
export interface FaceApiEmbedderOptions {
  /** Face choice and crop. Default "ensemble". */
  alignment?: FaceApiAlignment;
  /**
   * Test-time flip: also describe each crop mirrored left–right and average the unit descriptors.
   * Default false (on the LFW dev pairs it did not help: see the module doc). Not with alignment
   * "faceapi" (face-api's own pipeline crops inside face-api; asking for both is an error).
   */
  flip?: boolean;
  /** Margin of the "toolkit" crop, as a fraction of the face side on each side. Default 0. */
  margin?: number;
  /** SSD minimum score of the first attempt. Default 0.5 (face-api's default). */
  minConfidence?: number;
  /** SSD minimum score of the last attempt. Default 0.1. */
  lowConfidence?: number;
  /** Folder of face-api's model files. Default: the installed package's. */
  modelDir?: string;
  /**
   * Degradation applied to each face crop before it is described (detection still sees the
   * photo), the same function training applies to its crops (see degrade.ts). Default none. Not
   * with alignment "faceapi".
   */
  degrade?: DegradeSpec | string;
}

/** The face-api embedder: an {@link Embedder} with a per-file pipeline and step counts. */
export interface FaceApiEmbedder extends Embedder {
  embedFile(path: string): Promise<Float32Array>;
  /** Which pipeline step each embedded image took. */
  readonly stats: FaceApiEmbedderStats;
}

/**
 * face-api's own face box for FaceRecognitionNet (its `landmarks.align(null, { useDlibAlignment:
 * true })`, the box `withFaceDescriptor()` crops): with `L`, `R` the eye centres (points 36–41,
 * 42–47) and `M` the mouth centre (48–67), the side is the mean of |LM| and |RM| divided by 0.45,
 * and the reference point (the centroid of L, R, M) sits at 50% across and 43% down the box.
 * Returned as a {@link CropGeometry} (centre, side; `angle` 0 as face-api's, or the eye-line roll
 * when `level` is set). Undefined when the face has no 68 landmarks.
 *
 * @example
 * ```ts
 * import { faceApiCropGeometry } from "./face_api_embedder.ts";
 * const lm = Array.from({ length: 68 }, (_, i): [number, number] =>
 *   i >= 36 && i <= 41 ? [40, 50] : i >= 42 && i <= 47 ? [60, 50] : i >= 48 ? [50, 77] : [50, 60]);
 * const g = faceApiCropGeometry({ box: { x: 0, y: 0, width: 100, height: 100 }, score: 1, landmarks: lm });
 * console.assert(g !== undefined && g.angle === 0 && g.side > 60);
 * ```
 */
export function faceApiCropGeometry(
  face: FaceDetection,
  options: { level?: boolean } = {},
): CropGeometry | undefined {
  const lm = face.landmarks;
  if (!lm || lm.length < 68) return undefined;
  const mean = (from: number, to: number): [number, number] => {
    let x = 0, y = 0;
    for (let i = from; i <= to; i++) [x, y] = [x + lm[i][0], y + lm[i][1]];
    return [x / (to - from + 1), y / (to - from + 1)];
  };
  const l = mean(36, 41), r = mean(42, 47), m = mean(48, 67);
  const side = (Math.hypot(m[0] - l[0], m[1] - l[1]) + Math.hypot(m[0] - r[0], m[1] - r[1])) / 2 /
    0.45;
  const rx = (l[0] + r[0] + m[0]) / 3, ry = (l[1] + r[1] + m[1]) / 3;
  if (!(side > 0)) return undefined;
  const angle = options.level ? Math.atan2(r[1] - l[1], r[0] - l[0]) : 0;
  // The box centre lies (0.5 − 0.43)·side below the reference point, along the face's vertical.
  const down = (0.5 - 0.43) * side;
  return { cx: rx - Math.sin(angle) * down, cy: ry + Math.cos(angle) * down, side, angle };
}

/**
 * The pixels face-api's `withFaceDescriptor()` takes for a face: its landmark box
 * ({@link faceApiCropGeometry}, angle 0) with the side and corner floored to whole pixels as
 * face-api does, clipped at the image borders (`computeDescriptors` then pads a clipped crop to a
 * square with black and resizes it to 150×150 bilinearly, as face-api's pipeline does).
 */
function faceApiSlice(image: RgbImage, g: CropGeometry): RgbImage {
  const side = Math.floor(g.side);
  // Reference point back from the box centre (see faceApiCropGeometry), then face-api's corner.
  const rx = g.cx, ry = g.cy - (0.5 - 0.43) * g.side;
  const x = Math.min(image.width - 1, Math.floor(Math.max(0, rx - 0.5 * side)));
  const y = Math.min(image.height - 1, Math.floor(Math.max(0, ry - 0.43 * side)));
  const w = Math.max(1, Math.min(side, image.width - x));
  const h = Math.max(1, Math.min(side, image.height - y));
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const from = ((y + r) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + w * 3), r * w * 3);
  }
  return { width: w, height: h, data };
}

/** The image mirrored left–right. */
function mirror(image: RgbImage): RgbImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3, d = (y * w + (w - 1 - x)) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { width: w, height: h, data: out };
}

/** The mean of unit-normalised descriptors, renormalised to unit length. */
function meanUnit(descriptors: Float32Array[]): Float32Array {
  const sum = new Float32Array(128);
  for (const d of descriptors) {
    const n = Math.hypot(...d) || 1;
    for (let j = 0; j < sum.length; j++) sum[j] += d[j] / n;
  }
  const n = Math.hypot(...sum) || 1;
  return sum.map((v) => v / n);
}

/**
 * Creates the face-api reference embedder (128-d descriptors, Euclidean distance; face-api's
 * suggested same-person threshold is 0.6). Models load on first use from the installed package.
 *
 * @param options alignment ("ensemble"), flip (false), margin (0),
 *   minConfidence (0.5), lowConfidence (0.1), modelDir
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
  const alignment = options.alignment ?? "ensemble";
  const margin = options.margin ?? 0;
  if (!["ensemble", "box", "toolkit", "faceapi"].includes(alignment)) {
    throw new Error(
      `faceApiEmbedder: 'alignment' must be "ensemble", "box", "toolkit" or "faceapi", got '${alignment}'`,
    );
  }
  if (alignment === "faceapi" && options.flip) {
    throw new Error(
      `faceApiEmbedder: 'flip' needs alignment "ensemble", "box" or "toolkit" (face-api's own pipeline crops inside face-api), got alignment '${alignment}'`,
    );
  }
  const flip = options.flip ?? false;
  const degrade = options.degrade === undefined
    ? undefined
    : typeof options.degrade === "string"
    ? parseDegrade(options.degrade)
    : options.degrade;
  if (degrade && degrade.name !== "none" && alignment === "faceapi") {
    throw new Error(
      `faceApiEmbedder: 'degrade' needs alignment "ensemble", "box" or "toolkit" (face-api's own pipeline crops inside face-api), got alignment '${alignment}'`,
    );
  }
  if (!(margin >= 0)) throw new Error(`faceApiEmbedder: 'margin' must be ≥ 0, got ${margin}`);
  for (
    const [k, v] of [["minConfidence", minConfidence], ["lowConfidence", lowConfidence]] as const
  ) {
    if (!(v > 0 && v < 1)) throw new Error(`faceApiEmbedder: '${k}' must be in (0, 1), got ${v}`);
  }
  const stats: FaceApiEmbedderStats = { ssd: 0, tiny: 0, ssdLow: 0, whole: 0 };

  /** Descriptor of the crops (and their mirror images when flipping), averaged. */
  async function describeCrops(crops: RgbImage[]): Promise<Float32Array> {
    if (degrade && degrade.name !== "none") {
      crops = await Promise.all(crops.map((c) => degradeRgb(c, degrade)));
    }
    const all = flip ? crops.flatMap((c) => [c, mirror(c)]) : crops;
    const ds = await computeDescriptors(all, { modelDir });
    return ds.length === 1 ? ds[0] : meanUnit(ds);
  }

  async function describeOwnCrops(image: RgbImage): Promise<Float32Array> {
    const steps: [keyof FaceApiEmbedderStats, FaceDetectorName, number][] = [
      ["ssd", "ssd", minConfidence],
      ["tiny", "tiny", minConfidence],
      ["ssdLow", "ssd", lowConfidence],
    ];
    for (const [step, detector, confidence] of steps) {
      const faces: FaceDetection[] = await detectFacesInImage(image, {
        detector,
        minConfidence: confidence,
        modelDir,
      });
      if (faces.length === 0) continue;
      stats[step]++;
      const face = faces[pickFace(faces, image.width, image.height)];
      const box = alignment === "toolkit" ? undefined : faceApiCropGeometry(face);
      const crops = !box
        ? [alignFace(image, face, { size: 150, margin }).image]
        : alignment === "box"
        ? [faceApiSlice(image, box)]
        : [
          faceApiSlice(image, box),
          sampleCrop(image, faceApiCropGeometry(face, { level: true })!, 150),
        ];
      return await describeCrops(crops);
    }
    stats.whole++;
    return await describeCrops([image]);
  }

  async function describe(image: RgbImage): Promise<Float32Array> {
    if (alignment !== "faceapi") return await describeOwnCrops(image);
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
    name: `faceapi(${alignment}-align${flip ? "+flip" : ""})${
      degrade && degrade.name !== "none" ? `+${degradeLabel(degrade)}` : ""
    }`,
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
