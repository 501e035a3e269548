/**
 * Deterministic sharding of a photo set across machines: `--shard k/n` keeps the files whose
 * relative path hashes to k: FNV-1a 32-bit of the UTF-8 path, mixed by MurmurHash3's 32-bit
 * finaliser (FNV's low bits alone split similar names unevenly), modulo n, plus 1. Every machine computes
 * the same partition from the path alone, whatever order its file system lists files in.
 * @module
 */
import { fnv1a32 } from "../../fs/fnv1a.ts";

/** One shard: `k` in 1..n (1-based, like `--shard 1/4` … `--shard 4/4`). */
export interface Shard {
  k: number;
  n: number;
}

/**
 * Parses "k/n" (1 ≤ k ≤ n).
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * console.assert(parseShard("2/8").k === 2);
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) {
    throw new Error(`parseShard: expected 'k/n' with 1 ≤ k ≤ n (e.g. 1/4), got '${text}'`);
  }
  return { k, n };
}

/** FNV-1a 32-bit of a string's UTF-8 bytes (lib/fs's, re-exported where shards always took it). */
export { fnv1a32 };

/**
 * The 1-based shard a relative path belongs to among `n`.
 *
 * @example
 * ```ts
 * import { shardOf } from "./shard.ts";
 * const k = shardOf("Abdullah_Gul/Abdullah_Gul_0001.jpg", 4);
 * console.assert(k >= 1 && k <= 4);
 * ```
 */
export function shardOf(relPath: string, n: number): number {
  let h = fnv1a32(relPath);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return ((h >>> 0) % n) + 1;
}
