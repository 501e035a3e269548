/**
 * The same-person threshold of the default embedder (face-api's FaceRecognitionNet through
 * lib/eval's `faceApiEmbedder()`: ensemble alignment, unit-length 128-d descriptors, Euclidean
 * distance), calibrated on the LFW dev pairs.
 * @module
 */

/**
 * Euclidean distance below which `verify()` calls two faces the same person with the default
 * embedder: **0.4263**.
 *
 * Where it came from: `tools/calibrate_threshold.ts` (defaults: face-api, `crop: "face"`) on 2026-12-06
 * embedded each of the 1549 images of the 1000 LFW View 1 DevTest pairs (500 same, 500 different;
 * the deep-funneled images in `../shared/faces/dev/lfw-deepfunneled/pairs.csv`) with lib/api's
 * `embed()` — exactly `verify()`'s preprocessing — on the wasm backend, and took the threshold of
 * best accuracy over the pairs (the midpoint between two neighbouring distances). At 0.4263, 98.7%
 * of those 1000 pairs are classified correctly; as that accuracy is measured on the pairs the
 * threshold was chosen on, the 10-fold cross-validated accuracy (threshold chosen on 9 folds,
 * measured on the 10th) is the estimate for unseen pairs: 98.7% ± 0.9% (AUC 0.9961), with the
 * folds' thresholds at 0.4263 ± 0.0002. The same pipeline in lib/eval measured 98.7% on these
 * pairs before (see face_api_embedder.ts), chosen as the best of ~10 pipelines on them, so it is an
 * optimistic estimate. (face-api's own 0.6 applies to its raw descriptors, whose norms are ≈ 1.46,
 * not to these unit-length ones.) On the 12 single-person photos of
 * `face_recognition-knn_examples` the largest same-person distance was 0.309 and the smallest
 * different-person distance 0.492.
 *
 * To recompute (2.2 s an image here on 2 cores at load average ≈ 18; embeddings are cached in
 * data/cache/calibrate/):
 * `deno run -P=tools tools/calibrate_threshold.ts --data ../shared/faces/dev/lfw-deepfunneled`
 *
 * @example
 * ```ts
 * import { FACEAPI_THRESHOLD } from "./faceapi_threshold.ts";
 * console.assert(FACEAPI_THRESHOLD === 0.4263);
 * ```
 */
export const FACEAPI_THRESHOLD = 0.4263;
