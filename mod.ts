/**
 * facenet-lab: face embeddings in one call, and a toolkit for face-embedding research (FaceNet
 * reproduced; see the subpaths "./model", "./losses", "./train", "./eval", "./data", …).
 *
 * - {@link embed}`(images, options?)` → one embedding (Float32Array) per image;
 * - {@link verify}`(a, b, options?)` → `{ distance, threshold, same }`;
 * - {@link detectFaces}`(image, options?)` → boxes, scores and 68 landmarks per face.
 *
 * Images are file paths, the bytes of image files (Uint8Array), or tensors of pixels 0–255
 * (`[H,W,3]`, or `[N,H,W,3]` for `embed`). The embedder is face-api's pretrained 128-d
 * FaceRecognitionNet by default, or a trained run folder (`{ embedder: "runs/x/model" }`). The
 * backend is `initBackend("auto")`'s choice on first use unless one is set. Importing this module
 * loads no native code (sharp, face-api and tfjs-node load on first use).
 *
 * @example
 * ```ts ignore
 * import { detectFaces, embed, verify } from "./mod.ts";
 * const { same, distance, threshold } = await verify("obama.jpg", "obama2.jpg");
 * const [vector] = await embed("biden.jpg"); // Float32Array(128)
 * const faces = await detectFaces("obama_and_biden.jpg"); // [{ box, score, landmarks }, …]
 * ```
 *
 * @example
 * ```ts
 * import { FACEAPI_THRESHOLD, verify } from "./mod.ts";
 * const err = await verify("no/such/photo.jpg", "other.jpg").catch((e) => e as Error);
 * console.assert(err instanceof Error && err.message.includes("no/such/photo.jpg"));
 * console.assert(FACEAPI_THRESHOLD > 0);
 * ```
 * @module
 */
export {
  calibrateThreshold,
  type DetectedFace,
  detectFaces,
  type DetectOptions,
  embed,
  type EmbedderChoice,
  type EmbedOptions,
  FACEAPI_THRESHOLD,
  type ImageInput,
  releaseEmbedders,
  type ThresholdCalibration,
  verify,
  type VerifyOptions,
  type VerifyResult,
} from "./lib/api/mod.ts";
