/**
 * The same-person threshold of the default embedder (face-api's FaceRecognitionNet through
 * lib/eval's `faceApiEmbedder()`, Euclidean distance), calibrated on the LFW dev pairs.
 * @module
 */

/**
 * Euclidean distance below which {@link verify} calls two faces the same person with the default
 * embedder. CALIBRATION PENDING.
 *
 * @example
 * ```ts
 * import { FACEAPI_THRESHOLD } from "./faceapi_threshold.ts";
 * console.assert(FACEAPI_THRESHOLD > 0 && FACEAPI_THRESHOLD < 2);
 * ```
 */
export const FACEAPI_THRESHOLD = 0.6;
