/**
 * The `epoch-time` analysis: measured step times of both ways, projected to the monograph's two
 * settings beside its reported epoch times.
 * @module
 */
import { barFigure, type Figure } from "../../plot/mod.ts";
import type { ExperimentResult } from "../define_experiment.ts";
import {
  type EpochSettings,
  type MeasuredWay,
  measuredWay,
  projectSettings,
} from "./epoch_projection.ts";

/** What the `epoch-time` cell measured: the backend and each way's per-step times. */
export interface EpochTimeCell {
  backend: string;
  trunkSteps: { stepMs: number; gradMs: number }[];
  pkSteps: { stepMs: number; gradMs: number }[];
}

/** The `epoch-time` summary. */
export interface EpochTimeSummary {
  backend: string;
  measured: {
    model: string;
    size: number;
    trunkWay: MeasuredWay & { secPerTriplet: number; imagesPerSec: number };
    pkWay: MeasuredWay & { secPerImage: number; imagesPerSec: number };
  };
  areaScale: number;
  projections: Record<string, Record<string, number>>;
  dominates: string;
  assumptions: string;
}

/**
 * Summary, figures and notes of `epoch-time` from its measured steps.
 *
 * @example
 * ```ts ignore
 * const { summary } = epochTimeAnalysis(cell, config);
 * ```
 */
export function epochTimeAnalysis(
  cell: EpochTimeCell,
  config: EpochSettings & {
    model: string;
    size: number;
    targetSize: number;
    warmupSteps: number;
    tripletsPerStep: number;
    p: number;
    k: number;
  },
): ExperimentResult<EpochTimeSummary> {
  const trunkWay = measuredWay(cell.trunkSteps, config.warmupSteps, config.tripletsPerStep);
  const pkWay = measuredWay(cell.pkSteps, config.warmupSteps, config.p * config.k);
  const areaScale = (config.targetSize / config.size) ** 2;
  const projections = projectSettings(trunkWay, pkWay, config, { areaScale });
  const r3 = (x: number) => Number(x.toPrecision(4));
  const gradShare = trunkWay.gradSec / trunkWay.stepSec;
  const pkGradShare = pkWay.gradSec / pkWay.stepSec;
  const perTriplet = trunkWay.gradSec / trunkWay.unitsPerStep;
  const perPkImage = pkWay.stepSec / pkWay.unitsPerStep;
  const dominates =
    `forward+backward dominates: ${(100 * gradShare).toFixed(0)}% of a trunk step ` +
    `(the rest is the loader and a no-gradient pass the monograph's way does not need) and ` +
    `${(100 * pkGradShare).toFixed(0)}% of a PK+semi-hard step. Per photo, a random triplet ` +
    `costs ${r3(perTriplet)} s (3 images through the network) against ${
      r3(perPkImage)
    } s per PK image (1 gradient pass + 1 embedding pass, each image shared by many triplets): ` +
    `${(perTriplet / perPkImage).toFixed(1)}× per photo. Mining itself is negligible.`;
  const summary: EpochTimeSummary = {
    backend: cell.backend,
    measured: {
      model: config.model,
      size: config.size,
      trunkWay: {
        ...trunkWay,
        secPerTriplet: r3(perTriplet),
        imagesPerSec: r3((3 * trunkWay.unitsPerStep) / trunkWay.gradSec),
      },
      pkWay: { ...pkWay, secPerImage: r3(perPkImage), imagesPerSec: r3(1 / perPkImage) },
    },
    areaScale: r3(areaScale),
    projections: Object.fromEntries(projections.map((p) => [p.setting, {
      epochSec: r3(p.epochSec),
      epochHours: r3(p.epochHours),
      trunkSec: r3(p.trunkSec),
      stepSec: r3(p.stepSec),
      imagesPerSec: r3(p.imagesPerSec),
      photosPerSec: r3(p.photosPerSec),
      monographEpochSec: r3(p.monographEpochSec),
      epochRatioVsMonograph: r3(p.epochRatio),
      trunkRatioVsMonograph: r3(p.trunkRatio),
      trunksPerEpoch: r3(p.trunksPerEpoch),
      monographTrunksImplied: r3(p.monographTrunksImplied),
      pkSemihardEpochSec: r3(p.pkEpochSec),
    }])),
    dominates,
    assumptions:
      `linear in triplets per step (an upper bound: on wasm the per-triplet time falls as the step grows, so a step of 100 triplets costs less than 100× one); a trunk of T photos = T random triplets in T/batch steps; ` +
      `epoch = photos/T trunks` +
      (config.size < config.targetSize
        ? `; ×(${config.targetSize}/${config.size})² for measuring below ${config.targetSize} px (an upper bound on wasm, where small inputs are not compute-bound: NN2 at 64 px took ~1/3, not 1/12, of its 224 px step)`
        : ""),
  };
  const names = projections.map((p) => p.setting);
  const figures: Figure[] = [
    barFigure(names, [
      { name: "projected here (trunk way)", y: projections.map((p) => p.epochHours) },
      { name: "projected here (PK + semi-hard)", y: projections.map((p) => p.pkEpochSec / 3600) },
      { name: "monograph", y: projections.map((p) => p.monographEpochSec / 3600) },
    ], { title: "hours per epoch", yTitle: "hours", logY: true }),
    barFigure(["trunk triplets", "PK + semi-hard"], [
      { name: "forward+backward+update", y: [trunkWay.gradSec, pkWay.gradSec] },
      { name: "loader + no-grad embedding + mining", y: [trunkWay.otherSec, pkWay.otherSec] },
    ], {
      title: `measured step time (${config.model} at ${config.size} px)`,
      yTitle: "seconds per step",
    }),
  ];
  const notes = [
    dominates,
    `Assumptions: ${summary.assumptions}.`,
    `The monograph's second setting: 1,747,650 / 8,000 = ${
      (1747650 / 8000).toFixed(1)
    } trunks per full pass, but its 7.37 h at 1,206 s a trunk covers ${
      (7.37 * 3600 / 1206).toFixed(1)
    } trunks (it also writes "6 trunk"): its "epoch" there is not a pass over every photo.`,
  ];
  return { summary, figures, notes };
}
