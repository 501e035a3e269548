/**
 * A run's summary (summary.json) and the one-table report (report.html) drawn from it.
 *
 * @example
 * ```ts
 * import { trainSummary } from "./train_summary.ts";
 * const s = trainSummary({ step: 0, startStep: 0, stopped: "completed", history: [], epochs: [], collapseEvents: [], forensics: [], callbackResults: [], seconds: 0 });
 * console.assert(s.lastStep === null);
 * ```
 * @module
 */
import type { CollapseDiagnosis } from "./diagnose.ts";
import type { EpochMetrics } from "./epoch_metrics.ts";
import type { StepMetrics } from "./step_metrics.ts";
import type { CallbackResult } from "./train_callbacks.ts";

/** The fields of a training result a summary is made of. */
export interface SummarySource {
  step: number;
  startStep: number;
  stopped: "completed" | "aborted" | "collapsed";
  history: StepMetrics[];
  epochs: EpochMetrics[];
  collapseStep?: number;
  collapseEvents: { step: number; recovered?: number }[];
  forensics: unknown[];
  diagnosis?: CollapseDiagnosis;
  callbackResults: CallbackResult[];
  checkpoint?: string;
  seconds: number;
}

/** What summary.json holds. */
export interface TrainSummary {
  step: number;
  startStep: number;
  stopped: SummarySource["stopped"];
  collapseStep: number | null;
  collapseEvents: SummarySource["collapseEvents"];
  diagnosis?: CollapseDiagnosis;
  lastStep: StepMetrics | null;
  epochs: EpochMetrics[];
  callbackResults: CallbackResult[];
  checkpoint?: string;
  seconds: number;
}

/** summary.json's content (the same fields as before the run folder came from lib/report). */
export function trainSummary(r: SummarySource): TrainSummary {
  return {
    step: r.step,
    startStep: r.startStep,
    stopped: r.stopped,
    collapseStep: r.collapseStep ?? null,
    collapseEvents: r.collapseEvents,
    diagnosis: r.diagnosis,
    lastStep: r.history[r.history.length - 1] ?? null,
    epochs: r.epochs,
    callbackResults: r.callbackResults,
    checkpoint: r.checkpoint,
    seconds: r.seconds,
  };
}

/** The report's headline table: measured values only. */
export function reportTable(s: TrainSummary): Record<string, unknown> {
  const last = s.lastStep;
  return {
    stopped: s.stopped,
    step: s.step,
    startStep: s.startStep,
    loss: last?.loss ?? null,
    "triplet accuracy": last?.accuracy ?? null,
    "d_ap mean": last?.dAp.mean ?? null,
    "d_an mean": last?.dAn.mean ?? null,
    collapseStep: s.collapseStep,
    mechanism: s.diagnosis?.mechanism ?? null,
    epochs: s.epochs.length,
    seconds: s.seconds,
  };
}
