/**
 * Learning-rate schedules: constant, step decay, cosine, each with an optional linear warm-up.
 *
 * @example
 * ```ts
 * import { createSchedule } from "./schedule.ts";
 * const lr = createSchedule({ kind: "cosine", lr: 0.1, steps: 100, warmupSteps: 10 });
 * console.assert(lr(0) < lr(9) && Math.abs(lr(10) - 0.1) < 1e-12 && lr(100) < 1e-9);
 * // Over a wall-clock budget: half the budget gone → half the peak.
 * const half = createSchedule({ kind: "cosine", lr: 0.1, progress: () => 0.5 });
 * console.assert(Math.abs(half(5) - 0.05) < 1e-12);
 * ```
 * @module
 */

/** Schedule kinds. */
export type ScheduleKind = "constant" | "step" | "cosine";

/** Every schedule kind. */
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ["constant", "step", "cosine"];

/** Options of {@link createSchedule}. */
export interface ScheduleOptions {
  /** Default "constant". */
  kind?: ScheduleKind;
  /** Base (peak) learning rate. Required. */
  lr: number;
  /** Total steps (cosine decays to `minLr` at this step). Required for "cosine". */
  steps?: number;
  /** Linear warm-up from lr/warmupSteps to lr over this many steps. Default 0. */
  warmupSteps?: number;
  /** "step": multiply by `gamma` every `stepSize` steps. Defaults 0.1 and 1000. */
  gamma?: number;
  stepSize?: number;
  /** Floor of the cosine schedule. Default 0. */
  minLr?: number;
  /**
   * "cosine" only: where the run stands, in [0, 1], read at each step instead of step/steps — a
   * wall-clock budget's elapsed fraction, so the rate reaches `minLr` when the budget ends however
   * many steps fit. Values outside [0, 1] are clamped. The warm-up still counts steps.
   */
  progress?: () => number;
}

/** Returns lr(step) for 0-based step. Errors name the bad option. */
export function createSchedule(options: ScheduleOptions): (step: number) => number {
  const kind = options.kind ?? "constant";
  const base = options.lr;
  if (!(base > 0) || !Number.isFinite(base)) {
    throw new Error(`createSchedule: 'lr' must be a positive number, got ${base}`);
  }
  const warm = options.warmupSteps ?? 0;
  const gamma = options.gamma ?? 0.1, stepSize = options.stepSize ?? 1000;
  const minLr = options.minLr ?? 0;
  const progress = options.progress;
  if (progress !== undefined && typeof progress !== "function") {
    throw new Error(`createSchedule: 'progress' must be a function returning [0, 1]`);
  }
  if (kind === "cosine" && !progress && !(options.steps && options.steps > 0)) {
    throw new Error(
      `createSchedule: cosine needs 'steps' > 0 or a 'progress' clock, got ${options.steps}`,
    );
  }
  if (kind === "step" && !(stepSize > 0)) {
    throw new Error(`createSchedule: 'stepSize' must be > 0, got ${stepSize}`);
  }
  const main = (step: number): number => {
    switch (kind) {
      case "constant":
        return base;
      case "step":
        return base * Math.pow(gamma, Math.floor(step / stepSize));
      case "cosine": {
        const raw = progress ? progress() : (step - warm) / Math.max(1, options.steps! - warm);
        const t = Math.min(1, Math.max(0, Number.isFinite(raw) ? raw : 0));
        return minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
      }
      default: {
        const never: never = kind;
        throw new Error(`createSchedule: unknown kind '${never}'; expected constant, step, cosine`);
      }
    }
  };
  return (step: number) => (step < warm ? (base * (step + 1)) / warm : main(step));
}
