/**
 * The one-line API: `embed(images)`, `verify(a, b)`, `detectFaces(image)`, on file paths,
 * image-file bytes or pixel tensors, with face-api's pretrained FaceRecognitionNet by default or
 * any trained run folder.
 * @module
 */
export * from "./image_input.ts";
export * from "./ensure_backend.ts";
export * from "./faceapi_threshold.ts";
export * from "./resolve_embedder.ts";
export * from "./calibrate_threshold.ts";
export * from "./embed.ts";
export * from "./verify.ts";
export * from "./detect_faces.ts";
