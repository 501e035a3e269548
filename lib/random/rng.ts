/**
 * A small, seedable, serialisable pseudo-random generator (mulberry32 core).
 *
 * Randomness in the toolkit is always an option: pass a seed or an `Rng`. The state is a single
 * 32-bit integer, so checkpoints can store it and resume bit-exactly.
 *
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * const rng = createRng(42);
 * const a = rng.next();
 * const saved = rng.state;
 * const b = rng.next();
 * const again = createRng(0);
 * again.state = saved;
 * console.assert(again.next() === b && a >= 0 && a < 1);
 * ```
 * @module
 */

/** A seeded random generator. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). Throws on n ≤ 0. */
  int(n: number): number;
  /** Standard normal sample (Box–Muller, no cached second value so the state stays one int). */
  normal(): number;
  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** A new independent generator derived from this one (advances this one once). */
  fork(): Rng;
  /** The internal state; assign to restore. */
  state: number;
}

/** Creates a generator from a 32-bit seed. The same seed gives the same sequence everywhere. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) {
    throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  }
  let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int(n: number): number {
      if (!(n > 0)) throw new Error(`Rng.int: n must be > 0, got ${n}`);
      return Math.floor(next() * n);
    },
    normal(): number {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    fork(): Rng {
      return createRng(Math.floor(next() * 4294967296));
    },
    get state(): number {
      return s;
    },
    set state(v: number) {
      s = v >>> 0;
    },
  };
  return rng;
}
