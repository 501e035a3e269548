/**
 * Internal: synthetic identities for experiments, generated on first use and cached under
 * `<dataDir>/synth/<identities>x<perIdentity>-s<size>-d<difficulty>-seed<seed>/` (generateSynth
 * resumes, so a second run finds the files and writes nothing).
 * @module
 */
import { generateSynth, readPairs } from "../lib/data/mod.ts";
import type { Dataset, PairRecord } from "../lib/data/mod.ts";
import type { ExperimentContext } from "./define_experiment.ts";

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

/** A ready synthetic set. */
export interface SynthData {
  dir: string;
  dataset: Dataset;
  pairs: PairRecord[];
  /** Images written now (0 when the cache was complete). */
  written: number;
}

/** Generates (or finds) the set and reads its pairs. */
export async function synthData(ctx: ExperimentContext, spec: SynthSpec): Promise<SynthData> {
  const dir =
    `${ctx.dataDir}/synth/${spec.identities}x${spec.perIdentity}-s${spec.size}-d${spec.difficulty}-seed${spec.seed}`;
  const total = spec.identities * spec.perIdentity;
  const result = await generateSynth(dir, {
    identities: spec.identities,
    perIdentity: spec.perIdentity,
    size: spec.size,
    difficulty: spec.difficulty,
    seed: spec.seed,
    pairs: spec.pairs ?? Math.min(1000, total),
    progress: (n) => ctx.progress(n, "synth data", "img"),
    signal: ctx.signal,
  });
  if (result.written > 0) ctx.print(`generated ${result.written} synthetic images in ${dir}`);
  const pairs = spec.pairs === 0 ? [] : await readPairs(`${dir}/pairs.csv`);
  return { dir, dataset: result.dataset, pairs, written: result.written };
}
