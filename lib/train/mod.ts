/**
 * Training: the instrumented loop (online mining or the monograph's triplet model), optimisers and
 * schedules, checkpoints with exact resume, the NaN guard, metrics JSONL with a collapse detector,
 * collapse forensics and their diagnosis, and callbacks (verification every N steps).
 * @module
 */
export * from "./optimizer.ts";
export * from "./schedule.ts";
export * from "./gradients.ts";
export * from "./checkpoint.ts";
export * from "./forensics.ts";
export * from "./diagnose.ts";
export * from "./metrics_log.ts";
export * from "./non_finite.ts";
export * from "./micro_batches.ts";
export * from "./embed_in_chunks.ts";
export * from "./random_triplets.ts";
export * from "./train_embedding.ts";
export * from "./verification_callback.ts";
export * from "./batch_accuracy.ts";
