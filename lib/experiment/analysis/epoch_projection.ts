/**
 * Time per epoch projected from a few measured training steps: the monograph's way (random
 * triplets from trunks, three towers) and FaceNet's (PK batches with online mining).
 *
 * Projection: time is linear in the number of triplets (images) per step; a trunk of T photos gives
 * T random triplets (one per photo as anchor), trained in T / batch steps; an epoch is photos / T
 * trunks; `areaScale` (e.g. (224 / size)², the conv FLOPs ratio) scales a measurement made below
 * the target size. PK + online mining: an epoch is photos / (P·K) steps.
 * @module
 */

/** Mean seconds of the counted steps of one way. */
export interface MeasuredWay {
  steps: number;
  /** Images (or triplets, for the triplet model) per measured step. */
  unitsPerStep: number;
  stepSec: number;
  /** Forward + backward + update. */
  gradSec: number;
  /** Batch wait + no-gradient embedding + mining. */
  otherSec: number;
}

/** The settings projected to: one entry per setting in each list. */
export type EpochSettings = {
  settingNames: string[];
  persons: number[];
  photos: number[];
  trunks: number[];
  batches: number[];
  /** Reported seconds per epoch. */
  monographEpochSeconds: number[];
  /** Reported seconds per trunk. */
  monographTrunkSeconds: number[];
};

/** Projection of one setting. */
export interface SettingProjection {
  setting: string;
  persons: number;
  photos: number;
  trunk: number;
  batch: number;
  trunksPerEpoch: number;
  /** Monograph way (random triplets from trunks, three towers). */
  stepSec: number;
  trunkSec: number;
  epochSec: number;
  epochHours: number;
  /** Images through the network per second (3 per triplet). */
  imagesPerSec: number;
  /** Photos (anchors) per second. */
  photosPerSec: number;
  monographEpochSec: number;
  monographTrunkSec: number;
  /** Projected / monograph. */
  epochRatio: number;
  trunkRatio: number;
  /** Trunks the monograph's epoch time covers at its per-trunk time. */
  monographTrunksImplied: number;
  /** PK + semi-hard, same photos per epoch. */
  pkEpochSec: number;
  pkImagesPerSec: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Averages the counted steps (after `warmupSteps`) of a training history.
 *
 * @example
 * ```ts
 * import { measuredWay } from "./epoch_projection.ts";
 * const w = measuredWay([{ stepMs: 9, gradMs: 9 }, { stepMs: 3, gradMs: 2 }], 1, 4);
 * console.assert(w.steps === 1 && w.stepSec === 0.003 && w.gradSec === 0.002);
 * ```
 */
export function measuredWay(
  history: readonly { stepMs: number; gradMs: number }[],
  warmupSteps: number,
  unitsPerStep: number,
): MeasuredWay {
  const counted = history.slice(Math.min(warmupSteps, history.length - 1));
  const stepSec = mean(counted.map((h) => h.stepMs)) / 1000;
  const gradSec = mean(counted.map((h) => h.gradMs)) / 1000;
  return {
    steps: counted.length,
    unitsPerStep,
    stepSec,
    gradSec,
    otherSec: Math.max(0, stepSec - gradSec),
  };
}

/**
 * Projects the measured per-triplet and per-image times to each setting.
 *
 * @example
 * ```ts
 * import { projectSettings } from "./epoch_projection.ts";
 * const trunk = { steps: 1, unitsPerStep: 2, stepSec: 3, gradSec: 2, otherSec: 1 };
 * const pk = { steps: 1, unitsPerStep: 4, stepSec: 4, gradSec: 3, otherSec: 1 };
 * const [s] = projectSettings(trunk, pk, {
 *   settingNames: ["a"], persons: [1], photos: [100], trunks: [10], batches: [5],
 *   monographEpochSeconds: [50], monographTrunkSeconds: [5],
 * }, { areaScale: 1 });
 * console.assert(s.epochSec === 100 && s.stepSec === 5 && s.pkEpochSec === 100);
 * ```
 */
export function projectSettings(
  trunkWay: MeasuredWay,
  pkWay: MeasuredWay,
  settings: EpochSettings,
  options: { areaScale: number },
): SettingProjection[] {
  const n = settings.settingNames.length;
  for (
    const key of [
      "persons",
      "photos",
      "trunks",
      "batches",
      "monographEpochSeconds",
      "monographTrunkSeconds",
    ] as const
  ) {
    if (settings[key].length !== n) {
      throw new Error(
        `epoch-time: '${key}' has ${settings[key].length} values, expected ${n} (one per setting)`,
      );
    }
  }
  // Only the forward+backward part is the monograph's way (it neither embeds the batch without
  // gradient nor mines); the PK way needs its whole step.
  const perTriplet = (trunkWay.gradSec / trunkWay.unitsPerStep) * options.areaScale;
  const perImagePk = (pkWay.stepSec / pkWay.unitsPerStep) * options.areaScale;
  return settings.settingNames.map((setting, i) => {
    const photos = settings.photos[i], trunk = settings.trunks[i], batch = settings.batches[i];
    const stepSec = batch * perTriplet;
    const trunkSec = (trunk / batch) * stepSec;
    const trunksPerEpoch = photos / trunk;
    const epochSec = trunksPerEpoch * trunkSec;
    const monographEpochSec = settings.monographEpochSeconds[i];
    const monographTrunkSec = settings.monographTrunkSeconds[i];
    const pkEpochSec = photos * perImagePk;
    return {
      setting,
      persons: settings.persons[i],
      photos,
      trunk,
      batch,
      trunksPerEpoch,
      stepSec,
      trunkSec,
      epochSec,
      epochHours: epochSec / 3600,
      imagesPerSec: (3 * batch) / stepSec,
      photosPerSec: batch / stepSec,
      monographEpochSec,
      monographTrunkSec,
      epochRatio: epochSec / monographEpochSec,
      trunkRatio: trunkSec / monographTrunkSec,
      monographTrunksImplied: monographEpochSec / monographTrunkSec,
      pkEpochSec,
      pkImagesPerSec: 1 / perImagePk,
    };
  });
}
