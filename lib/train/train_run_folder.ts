/**
 * The run folder of a training run with `outDir`, made by lib/report's `createRun` in exactly that
 * folder: config.json, provenance.json, metrics.jsonl (appended per step; a resume keeps the lines
 * up to its checkpoint), checkpoints/, summary.json and report.html.
 *
 * @example
 * ```ts
 * import { openTrainRun } from "./train_run_folder.ts";
 * const dir = await Deno.makeTempDir();
 * const run = await openTrainRun(dir, { steps: 1, data: "data/x" }, { startStep: 0 });
 * await run.log({ type: "step", step: 1 });
 * console.assert(run.dir === dir);
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { createRun } from "../report/mod.ts";
import { type MetricsLog, openMetricsLog } from "./metrics_log.ts";
import type { TrainConfig } from "./train_config.ts";
import { reportTable, type TrainSummary } from "./train_summary.ts";

/** An open training run folder. */
export interface TrainRun {
  readonly dir: string;
  /** Appends a record to metrics.jsonl. */
  log(record: Record<string, unknown>): Promise<void>;
  /** Writes summary.json and report.html. */
  finish(summary: TrainSummary): Promise<void>;
}

/**
 * The config as JSON: the data folder (or dataset root) and the model name instead of objects,
 * unset fields left out.
 */
export function configRecord(config: TrainConfig): Record<string, unknown> {
  const { loader: _l, data, model, distance, ...rest } = config;
  const record: Record<string, unknown> = {
    ...rest,
    distance: typeof distance === "object" ? distance.name : distance,
    data: typeof data === "string" ? data : data?.root,
    model: typeof model === "object" ? model.name : model,
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** Opens (or, resuming, reopens) the run folder `dir`. */
export async function openTrainRun(
  dir: string,
  config: TrainConfig,
  options: { startStep: number },
): Promise<TrainRun> {
  const resumed = options.startStep > 0;
  const run = await createRun("train", configRecord(config), {
    dir,
    keepMetrics: resumed,
    extra: resumed ? { resumedFromStep: options.startStep } : {},
  });
  const metrics: MetricsLog = await openMetricsLog(run.path("metrics.jsonl"), {
    keepUpToStep: options.startStep,
  });
  return {
    dir: run.dir,
    log: (record) => metrics.write(record),
    async finish(summary) {
      await run.writeSummary(summary as unknown as Record<string, unknown>);
      await run.writeReport({
        title: `train: ${summary.stopped} at step ${summary.step}`,
        summary: reportTable(summary),
      });
    },
  };
}
