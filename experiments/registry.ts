/**
 * Every experiment by name (a literal object: the CLI's --list prints it in this order).
 * @module
 */
import type { Experiment, ExperimentConfig } from "./define_experiment.ts";
import { distanceEps } from "./distance_eps.ts";
import { marginSweep } from "./margin_sweep.ts";

/** The registry. */
export const registry: Record<string, Experiment<ExperimentConfig>> = {
  "margin-sweep": marginSweep as unknown as Experiment<ExperimentConfig>,
  "distance-eps": distanceEps as unknown as Experiment<ExperimentConfig>,
};
