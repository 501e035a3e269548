/**
 * Training: `trainEmbedding`, a short loop composed of parts —
 *
 * - config: train_config.ts (TrainConfig, BatchLoader), train_defaults.ts (the one defaults
 *   table), train_choices.ts + validate_train_config.ts (the typed boundary), train_parts.ts
 *   (loader, model, loss, reducer, optimiser, schedule, strategy, built once);
 * - a step: batch_view.ts (no-gradient embeddings and their one distance matrix), a gradient
 *   strategy (gradient_strategy.ts: whole_batch_gradients.ts, micro_batch_gradients.ts,
 *   triplet_model_gradients.ts; create_gradient_strategy.ts), update_weights.ts with
 *   nan_guard.ts, step_metrics.ts, step_forensics.ts, epoch_metrics.ts, train_callbacks.ts;
 * - a run: train_checkpoints.ts (resume), train_run_folder.ts (lib/report's run folder),
 *   train_summary.ts;
 * - tools: optimisers, schedules, gradients, checkpoints, metrics JSONL with a collapse detector,
 *   collapse forensics and their diagnosis, the verification callback and the CLI's arguments.
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
export * from "./train_config.ts";
export * from "./train_defaults.ts";
export * from "./train_choices.ts";
export * from "./validate_train_config.ts";
export * from "./batch_view.ts";
export * from "./gradient_strategy.ts";
export * from "./whole_batch_gradients.ts";
export * from "./micro_batch_gradients.ts";
export * from "./triplet_model_gradients.ts";
export * from "./create_gradient_strategy.ts";
export * from "./nan_guard.ts";
export * from "./update_weights.ts";
export * from "./step_metrics.ts";
export * from "./step_forensics.ts";
export * from "./epoch_metrics.ts";
export * from "./train_callbacks.ts";
export * from "./train_checkpoints.ts";
export * from "./train_summary.ts";
export * from "./train_run_folder.ts";
export * from "./train_parts.ts";
export * from "./train_step.ts";
export * from "./train_progress.ts";
export * from "./train_embedding.ts";
export * from "./verification_callback.ts";
export * from "./batch_accuracy.ts";
