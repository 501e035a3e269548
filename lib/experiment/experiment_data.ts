/**
 * The synthetic identities an experiment trains on, generated on first use and cached by lib/data's
 * `ensureSynth` under `<dataDir>/synth/<options>/` (a second run finds them and writes nothing).
 *
 * With `heldOut` (every experiment built on {@link trainingData} sets it), a share of the
 * IDENTITIES is held out by lib/atlas's `heldOutSplit`: `train` holds the rest (the only images a
 * model may be trained on) and `pairs` are drawn among the held-out identities only, so a
 * verification accuracy measured on them says whether the embedding generalises to people it never
 * saw; `chance` is the share of the more frequent answer among those pairs. Without `heldOut`,
 * `train` is the whole set and `pairs` are the set's pairs.csv (over every identity).
 * @module
 */
import { ensureSynth, type PairRecord, readPairs, synthCacheDir } from "../data/mod.ts";
import type { Dataset } from "../data/mod.ts";
import { heldOutSplit } from "../atlas/mod.ts";
import type { CellContext } from "./define_experiment.ts";

/** Which identities are held out of training, and how many pairs are drawn among them. */
export interface HeldOutSpec {
  /** Share of the identities held out, in (0, 1). */
  fraction: number;
  /**
   * Verification pairs among the held-out identities (half same, half different). Default: as many
   * as the held-out identities give without repeating a same pair, at most 400.
   */
  pairs?: number;
}

/** What a synthetic set is made of. */
export interface SynthSpec {
  identities: number;
  perIdentity: number;
  size: number;
  difficulty: number;
  seed: number;
  /** Verification pairs in pairs.csv. Default min(1000, identities × perIdentity). */
  pairs?: number;
  /** Hold out a share of the identities (split seeded by `seed`). Default: none held out. */
  heldOut?: HeldOutSpec;
}

/** A ready synthetic set, the part of it to train on, and its verification pairs. */
export interface ExperimentData {
  dir: string;
  /** The whole set (every identity, held-out ones included). */
  dataset: Dataset;
  /** The identities a model is trained on: the whole set, or the set less the held-out identities. */
  train: Dataset;
  /** Identities never trained on (empty when nothing is held out). */
  heldOutIdentities: string[];
  /**
   * Verification pairs (paths relative to `dir`): among the held-out identities only when
   * something is held out, else the set's pairs.csv (over every identity, training ones included).
   */
  pairs: PairRecord[];
  /** Accuracy of always giving the more frequent answer on `pairs` (NaN without pairs). */
  chance: number;
  /** Images written now (0 when the cache was complete). */
  written: number;
}

/**
 * The default number of held-out pairs: twice the distinct same pairs the held-out identities'
 * images give (so no same pair repeats), at most 400, at least 2.
 *
 * @example
 * ```ts
 * import { defaultHeldOutPairs } from "./experiment_data.ts";
 * const ds = { root: ".", identities: ["a", "b"], items: ["a", "b"].flatMap((id, label) =>
 *   [1, 2, 3].map((j) => ({ path: `${id}/${j}.png`, identity: id, label }))) };
 * console.assert(defaultHeldOutPairs(ds) === 12);
 * ```
 */
export function defaultHeldOutPairs(heldOut: Dataset): number {
  const counts = new Map<number, number>();
  for (const it of heldOut.items) counts.set(it.label, (counts.get(it.label) ?? 0) + 1);
  const same = [...counts.values()].reduce((a, c) => a + (c * (c - 1)) / 2, 0);
  return Math.max(2, Math.min(400, 2 * same));
}

/**
 * Generates (or finds) the set, reads its pairs and, with `spec.heldOut`, splits off the held-out
 * identities and draws pairs among them. Throws, naming the key, when the held-out share is not in
 * (0, 1) or leaves either part with fewer than 2 identities.
 *
 * @example
 * ```ts ignore
 * import { experimentData } from "./experiment_data.ts";
 * const data = await experimentData(ctx, {
 *   identities: 16, perIdentity: 6, size: 32, difficulty: 1, seed: 1, heldOut: { fraction: 0.25 },
 * });
 * console.assert(data.train.identities.length === 12 && data.heldOutIdentities.length === 4);
 * ```
 */
export async function experimentData(ctx: CellContext, spec: SynthSpec): Promise<ExperimentData> {
  if (spec.heldOut) checkHeldOut(spec.identities, spec.heldOut.fraction, "experimentData");
  const options = {
    identities: spec.identities,
    perIdentity: spec.perIdentity,
    size: spec.size,
    difficulty: spec.difficulty,
    seed: spec.seed,
    pairs: spec.pairs ?? Math.min(1000, spec.identities * spec.perIdentity),
  };
  const dir = synthCacheDir(`${ctx.dataDir}/synth`, options);
  const result = await ensureSynth(dir, {
    ...options,
    progress: (n) => ctx.progress(n, "synth data", "img"),
    signal: ctx.signal,
  });
  if (result.written > 0) ctx.print(`generated ${result.written} synthetic images in ${dir}`);
  const dataset = result.dataset;
  if (spec.heldOut) {
    const at = { fraction: spec.heldOut.fraction, seed: spec.seed };
    // the same split twice: first to see which identities are held out (for the default count)
    const pairs = spec.heldOut.pairs ??
      defaultHeldOutPairs(heldOutSplit(dataset, { ...at, pairs: 2 }).heldOut);
    const split = heldOutSplit(dataset, { ...at, pairs });
    return {
      dir,
      dataset,
      train: split.train,
      heldOutIdentities: split.heldOut.identities,
      pairs: split.pairs,
      chance: split.chance,
      written: result.written,
    };
  }
  const pairs = options.pairs === 0 ? [] : await readPairs(`${dir}/pairs.csv`);
  const same = pairs.filter((p) => p.same).length;
  return {
    dir,
    dataset,
    train: dataset,
    heldOutIdentities: [],
    pairs,
    chance: pairs.length ? Math.max(same, pairs.length - same) / pairs.length : NaN,
    written: result.written,
  };
}

/**
 * Checks a held-out share before any data are made: `fraction` must be in (0, 1) and leave ≥ 2
 * identities on each side of `identities`. `where` names the caller (and key) in the error.
 *
 * @example
 * ```ts
 * import { checkHeldOut } from "./experiment_data.ts";
 * let err = "";
 * try { checkHeldOut(16, 1, "margin-sweep"); } catch (e) { err = String(e); }
 * console.assert(err.includes("'heldOutFraction' must be in (0, 1), got 1"));
 * ```
 */
export function checkHeldOut(identities: number, fraction: number, where: string): void {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`${where}: 'heldOutFraction' must be in (0, 1), got ${fraction}`);
  }
  const held = Math.round(fraction * identities);
  if (held < 2 || identities - held < 2) {
    throw new Error(
      `${where}: 'heldOutFraction' ${fraction} of ${identities} identities holds out ${held} and ` +
        `trains on ${identities - held}; each part needs ≥ 2 identities`,
    );
  }
}
