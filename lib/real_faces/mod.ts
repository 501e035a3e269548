/**
 * Real faces end to end: crops of photo folders (cached, shared with `deno task eval`), a
 * validation split of training people, degraded training batches, and verification on named
 * pair sets along training (accuracy vs minutes). Used by the `lfw-scratch` and `fine-tune`
 * experiments.
 * @module
 */
export * from "./face_crops.ts";
export * from "./people_split.ts";
export * from "./degrade_batches.ts";
export * from "./teacher_targets.ts";
export * from "./pair_sets.ts";
export * from "./real_face_data.ts";
export * from "./train_on_faces.ts";
