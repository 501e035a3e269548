/**
 * Miner by name.
 * @module
 */
import type { Miner } from "./miner.ts";
import { MINER_NAMES, type MinerName, type MinerOptionsByName, MINERS } from "./miner_registry.ts";
import type { UnionToIntersection } from "../_union_to_intersection.ts";

/** The union of every miner's options; each miner reads the fields it knows. */
export type CreateMinerOptions = UnionToIntersection<MinerOptionsByName[MinerName]>;

/**
 * Creates a miner from its name (for configs and the CLI), by {@link MINERS}.
 *
 * @example
 * ```ts
 * import { createMiner } from "./create_miner.ts";
 * console.assert(createMiner("semihard", { margin: 0.2 }).name === "semihard");
 * ```
 */
export function createMiner(name: MinerName, options: CreateMinerOptions = {}): Miner {
  if (!Object.hasOwn(MINERS, name)) {
    throw new Error(
      `createMiner: unknown miner '${name}'; expected one of ${MINER_NAMES.join(", ")}`,
    );
  }
  const create: (options: CreateMinerOptions) => Miner = MINERS[name];
  return create(options);
}
