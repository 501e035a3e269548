/**
 * Every experiment by name (a literal object: the CLI's --list prints it in this order). Adding an
 * experiment is its file plus one line here; no casts: every defined experiment is an
 * {@link AnyExperiment}.
 * @module
 */
import type { AnyExperiment } from "../lib/experiment/mod.ts";
import { distanceEps } from "./distance_eps.ts";
import { marginSweep } from "./margin_sweep.ts";
import { problem1Margin1 } from "./problem1_margin1.ts";
import { problem2Margin4 } from "./problem2_margin4.ts";
import { mining } from "./mining.ts";
import { lossZoo } from "./loss_zoo.ts";
import { epochTime } from "./epoch_time.ts";
import { caseStudy } from "./case_study.ts";
import { collapseAtlas } from "./collapse_atlas.ts";
import { atlasScaleCheck } from "./atlas_scale_check.ts";
import { fineTune } from "./fine_tune.ts";
import { lfwScratch } from "./lfw_scratch.ts";

/** The registry: each entry keeps its own config and summary types. */
export const registry = {
  "margin-sweep": marginSweep,
  "distance-eps": distanceEps,
  "problem1-margin1": problem1Margin1,
  "problem2-margin4": problem2Margin4,
  "loss-zoo": lossZoo,
  "mining": mining,
  "epoch-time": epochTime,
  "case-study": caseStudy,
  "collapse-atlas": collapseAtlas,
  "atlas-scale-check": atlasScaleCheck,
  "lfw-scratch": lfwScratch,
  "fine-tune": fineTune,
} satisfies Record<string, AnyExperiment>;

/** The registry looked up by any name (the CLI's view). */
export const experiments: Record<string, AnyExperiment> = registry;
