/**
 * Every experiment by name (a literal object: the CLI's --list prints it in this order).
 * @module
 */
import type { Experiment, ExperimentConfig } from "./define_experiment.ts";
import { distanceEps } from "./distance_eps.ts";
import { marginSweep } from "./margin_sweep.ts";
import { problem1Margin1 } from "./problem1_margin1.ts";
import { problem2Margin4 } from "./problem2_margin4.ts";
import { mining } from "./mining.ts";
import { lossZoo } from "./loss_zoo.ts";
import { epochTime } from "./epoch_time.ts";
import { caseStudy } from "./case_study.ts";

/** The registry. */
export const registry: Record<string, Experiment<ExperimentConfig>> = {
  "margin-sweep": marginSweep as unknown as Experiment<ExperimentConfig>,
  "distance-eps": distanceEps as unknown as Experiment<ExperimentConfig>,
  "problem1-margin1": problem1Margin1 as unknown as Experiment<ExperimentConfig>,
  "problem2-margin4": problem2Margin4 as unknown as Experiment<ExperimentConfig>,
  "loss-zoo": lossZoo as unknown as Experiment<ExperimentConfig>,
  "mining": mining as unknown as Experiment<ExperimentConfig>,
  "epoch-time": epochTime as unknown as Experiment<ExperimentConfig>,
  "case-study": caseStudy as unknown as Experiment<ExperimentConfig>,
};
