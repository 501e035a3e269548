/**
 * The progress display of a run: a given Progress, one made for a mode, or none.
 *
 * @example
 * ```ts
 * import { trainProgress } from "./train_progress.ts";
 * console.assert(trainProgress(false, { steps: 10, initial: 0 }) === undefined);
 * ```
 * @module
 */
import { createProgress, type Progress, type ProgressMode } from "../cli/mod.ts";

/** `false`: none; a Progress: itself; a mode (default "auto"): a "train" bar over `steps`. */
export function trainProgress(
  option: Progress | ProgressMode | false | undefined,
  options: { steps: number; initial: number },
): Progress | undefined {
  if (option === false) return undefined;
  if (typeof option === "object") return option;
  return createProgress(options.steps, {
    label: "train",
    unit: "step",
    initial: options.initial,
    mode: option ?? "auto",
  });
}
