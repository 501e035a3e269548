/**
 * Which cells of a sweep a shard runs: `--shard k/n` (as `deno task preprocess --shard`, parsed by
 * lib/data's `parseShard`) takes cells k, k + n, k + 2n, … (1-based, in sweep order). Every
 * machine derives the same sweep from the same config, so the shards partition it, and round-robin
 * keeps them within one cell of each other in size.
 * @module
 */
import { parseShard, type Shard } from "../data/mod.ts";

/**
 * The cells of shard `k/n` (a `Shard` or its "k/n" text).
 *
 * @example
 * ```ts
 * import { shardCells } from "./shard_cells.ts";
 * console.assert(shardCells(["a", "b", "c", "d", "e"], "2/2").join() === "b,d");
 * ```
 */
export function shardCells<T>(cells: readonly T[], shard: Shard | string): T[] {
  const { k, n } = typeof shard === "string" ? parseShard(shard) : shard;
  return cells.filter((_, i) => i % n === k - 1);
}
