/**
 * Seed mixing: derives an independent 32-bit seed from a base seed and integer coordinates
 * (identity, image, batch, position), so any item can be produced alone — in any order, in
 * parallel, or after a resume — and still be the same.
 *
 * @example
 * ```ts
 * import { mixSeed } from "./mix_seed.ts";
 * console.assert(mixSeed(1, 2, 3) === mixSeed(1, 2, 3) && mixSeed(1, 2, 3) !== mixSeed(1, 3, 2));
 * ```
 * @module
 */

/**
 * Hashes a seed and coordinates into a new 32-bit seed (murmur3-style finaliser per step).
 *
 * @example
 * ```ts
 * import { mixSeed } from "./mix_seed.ts";
 * console.assert(mixSeed(0, 1) !== mixSeed(0, 2));
 * ```
 */
export function mixSeed(seed: number, ...coords: number[]): number {
  let h = (Math.floor(seed) ^ 0x5bd1e995) >>> 0;
  for (const c of [coords.length, ...coords]) {
    let k = Math.floor(c) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
