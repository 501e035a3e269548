/**
 * The loss zoo: distances, miners, reducers and losses as separate pieces (pytorch-metric-learning's
 * separation), exact at the collapse point.
 * @module
 */
export * from "./distances/mod.ts";
export * from "./miners/mod.ts";
export * from "./reducers/mod.ts";
export * from "./embedding_loss.ts";
export * from "./triplet_loss.ts";
export * from "./triplet_diagnostics.ts";
export * from "./contrastive_loss.ts";
export * from "./arc_face_loss.ts";
export * from "./cos_face_loss.ts";
export * from "./loss_entry.ts";
export * from "./loss_registry.ts";
export * from "./create_loss.ts";
export * from "./collapse_table.ts";
export * from "./distillation_loss.ts";
