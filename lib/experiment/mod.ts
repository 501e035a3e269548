/**
 * Experiments as data: {@link defineExperiment} (a typed config as a base plus per-preset deltas,
 * choices for enumerated fields, a sweep of cells, the work of a cell and its analysis),
 * {@link runExperiment} (checks, run folder, cached and resumable cells, summary and report),
 * {@link runSweep} with `shard` for spreading cells over machines, and the shared training cell
 * ({@link trainVariant}) that most experiments are made of.
 *
 * @example
 * ```ts
 * import { defineExperiment, runExperiment } from "./mod.ts";
 * const lrSweep = defineExperiment({
 *   name: "lr-demo",
 *   describe: "loss after one step per learning rate",
 *   base: { seed: 1, lrs: [0.01, 0.1, 1] },
 *   presets: { ci: { lrs: [0.1] }, small: {}, paper: { lrs: [0.001, 0.01, 0.1, 1] } },
 *   sweep: (c) => c.lrs.map((lr) => ({ name: `lr=${lr}`, set: { lrs: [lr] } })),
 *   cell: (c) => Promise.resolve({ loss: (1 - c.lrs[0]) ** 2 }),
 *   analyse: (cells) => ({ summary: { best: Math.min(...cells.map((c) => c.result.loss)) } }),
 * });
 * const outDir = await Deno.makeTempDir();
 * const r = await runExperiment(lrSweep, { preset: "ci", outDir, print: () => {}, progress: "silent" });
 * console.assert(r.summary.best === 0.81);
 * ```
 * @module
 */
export * from "./config.ts";
export * from "./check_choices.ts";
export * from "./define_experiment.ts";
export * from "./derive_experiment.ts";
export * from "./resolve_config.ts";
export * from "./preset_from_env.ts";
export * from "./format_summary.ts";
export * from "./cell_cache.ts";
export * from "./shard_cells.ts";
export * from "./run_sweep.ts";
export * from "./grid_sweep.ts";
export * from "./run_experiment.ts";
export * from "./experiment_data.ts";
export * from "./train_variant.ts";
export * from "./loss_settings.ts";
export * from "./problem_variant.ts";
export * from "./code_fingerprint.ts";
