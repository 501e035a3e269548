/**
 * Miner by name.
 * @module
 */
import type { Miner, MinerName } from "./miner.ts";
import { randomMiner, type RandomMinerOptions } from "./random_miner.ts";
import { allTripletsMiner, type AllTripletsMinerOptions } from "./all_triplets_miner.ts";
import { semihardMiner, type SemihardMinerOptions } from "./semihard_miner.ts";
import { hardestMiner, type HardestMinerOptions } from "./hardest_miner.ts";
import { batchAllMiner, type BatchAllMinerOptions } from "./batch_all_miner.ts";

/** Every built-in miner name. */
export const MINER_NAMES: readonly MinerName[] = [
  "random",
  "all",
  "semihard",
  "hardest",
  "batchAll",
];

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
      throw new Error(
        `createMiner: unknown miner '${bad}'; expected one of ${MINER_NAMES.join(", ")}`,
      );
    }
  }
}
