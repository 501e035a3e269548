/**
 * Internal: a miner's seed, fixed (one generator for the miner's life) or drawn per call.
 * @module
 */
import { createRng, type Rng } from "../../random/mod.ts";
import type { MinerSeed } from "./miner.ts";

/** A function returning the generator of one `mine()` call. */
export function generatorOf(seed: MinerSeed | undefined, where: string): () => Rng {
  if (typeof seed === "function") return () => createRng(seed());
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new Error(`${where}: 'seed' must be a finite number or a function, got ${seed}`);
  }
  const rng = createRng(seed ?? 0);
  return () => rng;
}
