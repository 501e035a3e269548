/**
 * The synthetic identities an experiment trains on, generated on first use and cached by lib/data's
 * `ensureSynth` under `<dataDir>/synth/<options>/` (a second run finds them and writes nothing).
 * @module
 */
import { ensureSynth, type PairRecord, readPairs, synthCacheDir } from "../data/mod.ts";
import type { Dataset } from "../data/mod.ts";
import type { CellContext } from "./define_experiment.ts";

/** What a synthetic set is made of. */
export interface SynthSpec {
  identities: number;
  perIdentity: number;
  size: number;
  difficulty: number;
  seed: number;
  /** Verification pairs in pairs.csv. Default min(1000, identities × perIdentity). */
  pairs?: number;
}

/** A ready synthetic set and its verification pairs. */
export interface ExperimentData {
  dir: string;
  dataset: Dataset;
  pairs: PairRecord[];
  /** Images written now (0 when the cache was complete). */
  written: number;
}

/**
 * Generates (or finds) the set and reads its pairs.
 *
 * @example
 * ```ts ignore
 * import { experimentData } from "./experiment_data.ts";
 * const data = await experimentData(ctx, { identities: 16, perIdentity: 6, size: 32, difficulty: 1, seed: 1 });
 * ```
 */
export async function experimentData(ctx: CellContext, spec: SynthSpec): Promise<ExperimentData> {
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
  const pairs = options.pairs === 0 ? [] : await readPairs(`${dir}/pairs.csv`);
  return { dir, dataset: result.dataset, pairs, written: result.written };
}
