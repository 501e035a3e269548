/**
 * The miner registry: every built-in miner's factory, by name. Adding a miner is one new file that
 * exports its factory (`(options?) => Miner`) and one line here; {@link MinerName},
 * {@link MINER_NAMES}, `createMiner`, its options type and the trainer's choice list follow.
 *
 * @example
 * ```ts
 * import { MINER_NAMES, MINERS } from "./miner_registry.ts";
 * console.assert(MINERS.semihard({ margin: 0.2 }).name === "semihard");
 * console.assert(MINER_NAMES[0] === "random");
 * ```
 * @module
 */
import { randomMiner } from "./random_miner.ts";
import { allTripletsMiner } from "./all_triplets_miner.ts";
import { semihardMiner } from "./semihard_miner.ts";
import { hardestMiner } from "./hardest_miner.ts";
import { batchAllMiner } from "./batch_all_miner.ts";

/** Every built-in miner's factory, by name (in {@link MINER_NAMES}'s order). */
export const MINERS = {
  random: randomMiner,
  all: allTripletsMiner,
  semihard: semihardMiner,
  hardest: hardestMiner,
  batchAll: batchAllMiner,
} as const;

/** Names of the built-in miners: the keys of {@link MINERS}. */
export type MinerName = keyof typeof MINERS;

/** Every built-in miner name, in the registry's order. */
export const MINER_NAMES: readonly MinerName[] = Object.keys(MINERS) as MinerName[];

/** Each miner's options: the parameter of its factory. */
export type MinerOptionsByName = {
  [K in MinerName]: NonNullable<Parameters<(typeof MINERS)[K]>[0]>;
};
