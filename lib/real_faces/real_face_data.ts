/**
 * The data of a real-face experiment, from photo folders to what training and evaluation read:
 * the training photos cropped by the toolkit ({@link faceCrops}), split by PEOPLE into training
 * and validation (with validation pairs, {@link splitPeople}), and the development test pairs
 * mapped to their crops. A positive `trainPeople` or `devPairs` takes a small deterministic
 * subset (ci presets); 0 takes everything. `singletons` adds the people with one photo to the
 * training part (never to validation: a validation person needs two photos), as extra classes or
 * negatives.
 *
 * @example
 * ```ts
 * import { resolveRepoPath } from "./real_face_data.ts";
 * console.assert(resolveRepoPath("/abs/x") === "/abs/x");
 * ```
 * @module
 */
import { createProgress, type Progress } from "../cli/mod.ts";
import {
  type Dataset,
  filterIdentities,
  type PairRecord,
  readPairs,
  scanDataset,
} from "../data/mod.ts";
import { faceCrops } from "./face_crops.ts";
import { type PeopleSplit, splitPeople } from "./people_split.ts";

/** Where the photos are and how much of them to use. */
export interface RealFaceDataConfig {
  /** Training photo folder (identity folders); relative paths are relative to the repository. */
  train: string;
  /** Development test pairs file (pairs.csv or LFW pairs.txt). */
  pairs: string;
  /** Folder the development pairs' photos are relative to. */
  devData: string;
  /** Crop side. */
  size: number;
  /** 0: every person with ≥ 2 photos; N: the first N (by name) with ≥ `perPerson` photos. */
  trainPeople: number;
  /** Photos per person kept (0: all). */
  perPerson: number;
  /** 0: every development pair; N: the first ⌈N/2⌉ same and ⌊N/2⌋ different pairs. */
  devPairs: number;
  /** Share of the training people held out for validation. */
  validationFraction: number;
  /** Validation pairs drawn from them. */
  validationPairs: number;
  seed: number;
  /**
   * Add the people with exactly one photo to the training people (with `trainPeople` N > 0, the
   * first N of them by name). Default false.
   */
  singletons?: boolean;
}

/** What {@link realFaceData} returns. */
export interface RealFaceData extends PeopleSplit {
  /** Development pairs, paths relative to `devRoot` (the crops). */
  devPairs: PairRecord[];
  devRoot: string;
  /** Crop statistics of the training photos and of the development photos. */
  crops: {
    train: {
      dir: string;
      ok: number;
      noFace: number;
      errors: number;
      processed: number;
      seconds: number;
    };
    dev: {
      dir: string;
      ok: number;
      noFace: number;
      errors: number;
      processed: number;
      seconds: number;
    };
  };
}

const REPO = new URL("../../", import.meta.url).pathname;

/**
 * A path as given when absolute, else relative to the repository root.
 *
 * @example
 * ```ts
 * import { resolveRepoPath } from "./real_face_data.ts";
 * console.assert(resolveRepoPath("data/x").endsWith("/data/x"));
 * ```
 */
export function resolveRepoPath(path: string): string {
  return path.startsWith("/") ? path : `${REPO}${path}`;
}

/**
 * Crops, splits and maps the photos of `config` (cached crops are reused).
 *
 * @param config the folders and the subset
 * @param options progress factory, signal, preprocessing workers
 *
 * @example
 * ```ts
 * import { realFaceData } from "./real_face_data.ts";
 * const r = await realFaceData({ train: "/nonexistent", pairs: "x.csv", devData: ".", size: 96,
 *   trainPeople: 2, perPerson: 2, devPairs: 2, validationFraction: 0.5, validationPairs: 2, seed: 0 })
 *   .catch((e) => e);
 * console.assert(r instanceof Error);
 * ```
 */
export async function realFaceData(
  config: RealFaceDataConfig,
  options: {
    progress?: (total: number, done: number) => Progress;
    signal?: AbortSignal;
    workers?: number;
  } = {},
): Promise<RealFaceData> {
  const trainDir = resolveRepoPath(config.train);
  const pairsFile = resolveRepoPath(config.pairs);
  const devDir = resolveRepoPath(config.devData);
  const all = await scanDataset(trainDir, { minPerIdentity: 1 }).catch((e) => {
    throw new Error(
      `real-face data: cannot scan training photos '${trainDir}': ${(e as Error).message}`,
    );
  });
  const photos = filterIdentities(all, { minPerIdentity: 2 });
  const count = new Map<string, number>();
  for (const it of all.items) count.set(it.identity, (count.get(it.identity) ?? 0) + 1);
  const singles = config.singletons
    ? filterIdentities(all, {
      identities: all.identities.filter((id) => count.get(id) === 1).slice(
        0,
        config.trainPeople > 0 ? config.trainPeople : undefined,
      ),
    })
    : undefined;
  let chosen: Dataset = photos;
  if (config.trainPeople > 0) {
    const min = Math.max(2, config.perPerson);
    const enough = filterIdentities(photos, { minPerIdentity: min });
    chosen = filterIdentities(enough, {
      identities: enough.identities.slice(0, config.trainPeople),
      maxPerIdentity: config.perPerson > 0 ? config.perPerson : undefined,
    });
    if (chosen.identities.length < config.trainPeople) {
      throw new Error(
        `real-face data: '${trainDir}' has ${chosen.identities.length} people with ≥ ${min} photos, 'trainPeople' asks ${config.trainPeople}`,
      );
    }
  } else if (config.perPerson > 0) {
    chosen = filterIdentities(photos, { maxPerIdentity: config.perPerson });
  }
  let pairs = await readPairs(pairsFile).catch((e) => {
    throw new Error(`real-face data: cannot read pairs '${pairsFile}': ${(e as Error).message}`);
  });
  if (config.devPairs > 0) {
    const same = pairs.filter((p) => p.same).slice(0, Math.ceil(config.devPairs / 2));
    const diff = pairs.filter((p) => !p.same).slice(0, Math.floor(config.devPairs / 2));
    pairs = [...same, ...diff].map(({ a, b, same }) => ({ a, b, same }));
  }
  const trainCrops = await faceCrops(trainDir, {
    size: config.size,
    paths: config.trainPeople > 0
      ? [...chosen.items, ...(singles?.items ?? [])].map((it) => it.path)
      : undefined,
    ...options,
  });
  const devCrops = await faceCrops(devDir, {
    size: config.size,
    paths: config.devPairs > 0 ? pairs.flatMap((p) => [p.a, p.b]) : undefined,
    ...options,
  });
  const cropped: Dataset = {
    root: trainCrops.dir,
    identities: chosen.identities,
    items: chosen.items.flatMap((it) => {
      const out = trainCrops.outputs.get(it.path);
      return out ? [{ ...it, path: out }] : [];
    }),
  };
  const split = splitPeople(filterIdentities(cropped, { minPerIdentity: 2 }), {
    validationFraction: config.validationFraction,
    pairs: config.validationPairs,
    seed: config.seed,
  });
  if (singles) {
    // after the split, so the validation people (and pairs) are the same with or without them
    const kept = singles.items.flatMap((it) => {
      const out = trainCrops.outputs.get(it.path);
      return out ? [{ ...it, path: out }] : [];
    });
    const first = split.train.identities.length;
    split.train = {
      root: split.train.root,
      identities: [...split.train.identities, ...kept.map((it) => it.identity)],
      items: [...split.train.items, ...kept.map((it, i) => ({ ...it, label: first + i }))],
    };
  }
  const devPairs = pairs.map((p) => {
    const [a, b] = [devCrops.outputs.get(p.a), devCrops.outputs.get(p.b)];
    if (!a || !b) {
      throw new Error(
        `real-face data: pair image '${
          a ? p.b : p.a
        }' of ${pairsFile} has no crop (unreadable?); see ${devCrops.dir}/manifest.jsonl`,
      );
    }
    return { a, b, same: p.same, ...(p.fold !== undefined ? { fold: p.fold } : {}) };
  });
  const stats = (c: typeof trainCrops) => ({
    dir: c.dir,
    ok: c.ok,
    noFace: c.noFace,
    errors: c.errors,
    processed: c.processed,
    seconds: c.seconds,
  });
  return {
    ...split,
    devPairs,
    devRoot: devCrops.dir,
    crops: { train: stats(trainCrops), dev: stats(devCrops) },
  };
}

/** What a {@link RealFaceData} holds, in counts (kept in experiment cells and reports). */
export interface FaceDataCounts {
  trainPeople: number;
  trainImages: number;
  /** Training people with one photo (sampled only with `minImages` 1, e.g. class losses). */
  singletonPeople: number;
  validationPeople: number;
  validationPairs: number;
  devPairs: number;
  cropsTrain: { ok: number; noFace: number; errors: number; seconds: number };
  cropsDev: { ok: number; noFace: number; errors: number };
}

/**
 * The counts of a {@link RealFaceData}.
 *
 * @example
 * ```ts
 * import { faceDataCounts } from "./real_face_data.ts";
 * const crops = { dir: "c", ok: 3, noFace: 1, errors: 0, processed: 4, seconds: 2 };
 * const c = faceDataCounts({
 *   train: { root: "t", identities: ["a", "b"], items: [{ path: "a/1", label: 0, identity: "a" }, { path: "a/2", label: 0, identity: "a" }, { path: "b/1", label: 1, identity: "b" }] },
 *   validation: { root: "t", identities: [], items: [] },
 *   validationPairs: [], devPairs: [], devRoot: "d", crops: { train: crops, dev: crops },
 * });
 * console.assert(c.trainImages === 3 && c.singletonPeople === 1 && c.cropsTrain.noFace === 1);
 * ```
 */
export function faceDataCounts(data: RealFaceData): FaceDataCounts {
  const perPerson = new Map<number, number>();
  for (const it of data.train.items) perPerson.set(it.label, (perPerson.get(it.label) ?? 0) + 1);
  const { train, dev } = data.crops;
  return {
    trainPeople: data.train.identities.length,
    trainImages: data.train.items.length,
    singletonPeople: [...perPerson.values()].filter((n) => n === 1).length,
    validationPeople: data.validation.identities.length,
    validationPairs: data.validationPairs.length,
    devPairs: data.devPairs.length,
    cropsTrain: {
      ok: train.ok,
      noFace: train.noFace,
      errors: train.errors,
      seconds: train.seconds,
    },
    cropsDev: { ok: dev.ok, noFace: dev.noFace, errors: dev.errors },
  };
}

/**
 * One sentence on the data of a real-face run, for a report's notes.
 *
 * @example
 * ```ts
 * import { describeFaceData } from "./real_face_data.ts";
 * const z = { ok: 1, noFace: 0, errors: 0 };
 * const s = describeFaceData({ trainPeople: 2, trainImages: 3, singletonPeople: 0, validationPeople: 1, validationPairs: 4, devPairs: 5, cropsTrain: { ...z, seconds: 1 }, cropsDev: z }, 150);
 * console.assert(s.startsWith("Data: 2 training people (3 crops at 150 px)"));
 * ```
 */
export function describeFaceData(d: FaceDataCounts, cropSize: number): string {
  return `Data: ${d.trainPeople} training people (${d.trainImages} crops at ${cropSize} px${
    d.singletonPeople ? `; ${d.singletonPeople} of them with one photo` : ""
  }), ${d.validationPeople} validation people (${d.validationPairs} pairs), ` +
    `${d.devPairs} DevTest pairs. Training crops: ${d.cropsTrain.ok} with a face, ` +
    `${d.cropsTrain.noFace} centre-cropped (no face found), ${d.cropsTrain.errors} unreadable; ` +
    `DevTest crops: ${d.cropsDev.ok} with a face, ${d.cropsDev.noFace} centre-cropped, ` +
    `${d.cropsDev.errors} unreadable.`;
}

/**
 * The crop progress the experiments give {@link realFaceData}: silent (the experiment's own
 * progress shows the work), counting crops already cached as done.
 */
export function silentCropProgress(total: number, done: number): Progress {
  return createProgress(total, { label: "crops", unit: "img", initial: done, mode: "silent" });
}
