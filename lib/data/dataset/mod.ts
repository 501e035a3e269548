/** Datasets: identity-per-folder layouts (LFW, VGGFace2, CASIA-WebFace, synthetic), pairs, splits. @module */
export * from "./dataset.ts";
export * from "./layout.ts";
export * from "./split.ts";
export * from "./pairs.ts";
export * from "./remote_file.ts";
export * from "./lfw_files.ts";
export * from "./download.ts";
