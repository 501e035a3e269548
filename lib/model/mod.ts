/**
 * FaceNet models: the variant table, one builder, the custom layers, Table 2 summaries, the
 * triplet model and save/load.
 * @module
 */
export * from "./variants.ts";
export * from "./create_model.ts";
export * from "./build_context.ts";
export * from "./inception.ts";
export * from "./batch_norm.ts";
export * from "./l2_pooling.ts";
export * from "./local_response_norm.ts";
export * from "./l2_normalize.ts";
export * from "./pair_distance.ts";
export * from "./register_layers.ts";
export * from "./summarize_model.ts";
export * from "./render_summary.ts";
export * from "./triplet_model.ts";
export * from "./save_model.ts";
export * from "./dispose_model.ts";
export * from "./channel_zero_pad.ts";
export * from "./face_api_weights.ts";
export * from "./face_recognition_net.ts";
export * from "./train_conv2d.ts";
export * from "./relu_activation.ts";
