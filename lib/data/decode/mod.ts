/** Image files → RGB pixels → standardised tensors: the one decode path, with augmentation. @module */
export * from "./decode_image.ts";
export * from "./bmp.ts";
export * from "./netpbm.ts";
export * from "./read_pixels.ts";
export * from "./image_tensor.ts";
export * from "./standardize.ts";
export * from "./augment.ts";
