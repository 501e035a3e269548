/** Detect, align, crop and resize a face set: resumable, sharded, with a manifest. @module */
export * from "./preprocess_dataset.ts";
export * from "./preprocess_image.ts";
export * from "./scan_images.ts";
export * from "./shard.ts";
export * from "./manifest.ts";
