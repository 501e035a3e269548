/**
 * `embed(images)`: one call from photos to face embeddings.
 *
 * With the default embedder (face-api's FaceRecognitionNet), each image goes through lib/eval's
 * `faceApiEmbedder()` pipeline: every face detected with 68 landmarks (SSD, then the Tiny
 * detector, then SSD at score 0.1), the largest most central one chosen, described in face-api's
 * landmark box and in that box levelled, the two unit descriptors averaged (128-d, unit length);
 * an image with no face found is described whole. With a run folder's model, the face is detected
 * (Tiny detector), the largest most central one aligned (eyes level) and cropped with a 15% margin
 * at the model's input size, as `deno task preprocess` crops training photos (`crop: "centre"`
 * skips detection for images that are already face crops).
 *
 * @example
 * ```ts ignore
 * import { embed } from "./embed.ts";
 * const [a, b] = await embed(["alice_1.jpg", "alice_2.jpg"]);
 * console.log(a.length); // 128
 * ```
 * @module
 */
import { checkEmbedOptions, embedDecoded } from "./_embed_decoded.ts";
import { ensureBackend } from "./ensure_backend.ts";
import { type ImageInput, readImages } from "./image_input.ts";
import { type EmbedderChoice, resolveEmbedder } from "./resolve_embedder.ts";

/** Options of {@link embed}. */
export interface EmbedOptions {
  /**
   * "faceapi" (default: face-api's pretrained 128-d FaceRecognitionNet), a run folder or model
   * folder (`{ embedder: "runs/x/model" }`), or an `Embedder` object from lib/eval.
   */
  embedder?: EmbedderChoice;
  /**
   * How a model embedder's input is cut from a photo: "face" (default) detects, aligns and crops
   * the largest most central face (the whole image's centre square when none is found);
   * "centre" takes the centre square of images that are already face crops. face-api always
   * detects and aligns.
   */
  crop?: "face" | "centre";
}

/**
 * Embeds images: one Float32Array per image, in order (a `[N,H,W,3]` tensor counts as N images).
 * Images are file paths, the bytes of image files, or tensors of pixels 0–255. The backend is
 * `initBackend("auto")`'s choice unless one is already set; the embedder loads on first use.
 *
 * @param images one image or a list
 * @param options embedder ("faceapi", a run folder, or an Embedder), crop ("face")
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { embed } from "./embed.ts";
 * // Any Embedder works; here a toy one (the mean colour) on a 4×4 grey tensor image.
 * const meanColour = { name: "mean", inputSize: 4, embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D };
 * const grey = tf.fill([4, 4, 3], 160) as tf.Tensor3D;
 * const [row] = await embed(grey, { embedder: meanColour, crop: "centre" });
 * grey.dispose();
 * console.assert(row.length === 3 && Math.abs(row[0] - (160 - 127.5) / 128) < 1e-6);
 * ```
 */
export async function embed(
  images: ImageInput | readonly ImageInput[],
  options: EmbedOptions = {},
): Promise<Float32Array[]> {
  checkEmbedOptions(options, "embed");
  const decoded = await readImages(images, "embed");
  await ensureBackend();
  const resolved = await resolveEmbedder(options.embedder ?? "faceapi", "embed");
  return await embedDecoded(resolved, decoded, { crop: options.crop, caller: "embed" });
}
