/**
 * Miner by name.
 * @module
 */
import type { Miner, MinerName } from "./miner.ts";
import { type RandomMinerOptions, randomMiner } from "./random_miner.ts";
import { type AllTripletsMinerOptions, allTripletsMiner } from "./all_triplets_miner.ts";
import { type SemihardMinerOptions, semihardMiner } from "./semihard_miner.ts";
import { type HardestMinerOptions, hardestMiner } from "./hardest_miner.ts";
import { type BatchAllMinerOptions, batchAllMiner } from "./batch_all_miner.ts";

/** Every built-in miner name. */
export const MINER_NAMES: readonly MinerName[] = ["random", "all", "semihard", "hardest", "batchAll"];

/** The union of every miner's options; each miner reads the fields it knows. */
export type CreateMinerOptions =
  & RandomMinerOptions
  & AllTripletsMinerOptions
  & SemihardMinerOptions
  & HardestMinerOptions
  & BatchAllMinerOptions;

/**
 * Creates a miner from its name (for configs and the CLI).
 *
 * @example
 * ```ts
 * import { createMiner } from "./create_miner.ts";
 * console.assert(createMiner("semihard", { margin: 0.2 }).name === "semihard");
 * ```
 */
export function createMiner(name: MinerName, options: CreateMinerOptions = {}): Miner {
  switch (name) {
    case "random":
      return randomMiner(options);
    case "all":
      return allTripletsMiner(options);
    case "semihard":
      return semihardMiner(options);
    case "hardest":
      return hardestMiner(options);
    case "batchAll":
      return batchAllMiner(options);
    default: {
      const bad: never = name;
      throw new Error(`createMiner: unknown miner '${bad}'; expected one of ${MINER_NAMES.join(", ")}`);
    }
  }
}
