/**
 * `detectFaces(image)`: every face in a photo, with its box, detector score and 68 landmarks,
 * through lib/data's face-api adapter.
 *
 * @example
 * ```ts ignore
 * import { detectFaces } from "./detect_faces.ts";
 * const faces = await detectFaces("group_photo.jpg");
 * console.log(faces.length, faces[0].box, faces[0].landmarks.length); // n {x, y, width, height} 68
 * ```
 * @module
 */
import { detectFacesInImage as findFaces, type FaceDetection } from "../data/mod.ts";
import { ensureBackend } from "./ensure_backend.ts";
import { type ImageInput, readImages } from "./image_input.ts";

/**
 * One face: `box` ({x, y, width, height} in image pixels), detector `score` (0–1), and 68
 * `landmarks` as [x, y] pixels in the iBUG-300W order (0–16 jaw, 17–26 brows, 27–35 nose, 36–41
 * and 42–47 eyes, 48–67 mouth).
 */
export type DetectedFace = FaceDetection;

/** Options of {@link detectFaces}. */
export interface DetectOptions {
  /** "ssd" (default: SSD MobileNet v1, accurate) or "tiny" (Tiny Face Detector, fast). */
  detector?: "ssd" | "tiny";
  /** Minimum detector score, in (0, 1). Default 0.5. */
  minConfidence?: number;
}

/**
 * Detects every face in one image (a path, image-file bytes, or a `[H,W,3]` tensor of pixels
 * 0–255), best score first; an empty list when there is none. The backend is
 * `initBackend("auto")`'s choice unless one is already set.
 *
 * @param image the image
 * @param options detector ("ssd"), minConfidence (0.5)
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { detectFaces } from "./detect_faces.ts";
 * const grey = tf.fill([64, 64, 3], 128) as tf.Tensor3D; // no face in a flat grey image
 * const faces = await detectFaces(grey);
 * grey.dispose();
 * console.assert(faces.length === 0);
 * ```
 */
export async function detectFaces(
  image: ImageInput,
  options: DetectOptions = {},
): Promise<DetectedFace[]> {
  const detector = options.detector ?? "ssd";
  const minConfidence = options.minConfidence ?? 0.5;
  if (detector !== "ssd" && detector !== "tiny") {
    throw new Error(`detectFaces: 'detector' must be "ssd" or "tiny", got '${detector}'`);
  }
  if (!(minConfidence > 0 && minConfidence < 1)) {
    throw new Error(`detectFaces: 'minConfidence' must be in (0, 1), got ${minConfidence}`);
  }
  const images = await readImages(image, "detectFaces");
  if (images.length !== 1) {
    throw new Error(`detectFaces: expects one image, got ${images.length} (a [N,H,W,3] batch)`);
  }
  await ensureBackend();
  return await findFaces(images[0].image, { detector, minConfidence });
}
