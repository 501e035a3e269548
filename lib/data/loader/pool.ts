/**
 * A small concurrency pool for async work (sharp calls run on libuv's thread pool, so a few in
 * flight keep every core busy while the JS thread stays free).
 *
 * @example
 * ```ts
 * import { mapPool } from "./pool.ts";
 * const out = await mapPool([1, 2, 3], (x) => Promise.resolve(x * 2), { concurrency: 2 });
 * console.assert(out.join() === "2,4,6");
 * ```
 * @module
 */

/** Options of {@link mapPool}. */
export interface PoolOptions {
  /** Maximum tasks in flight. Default 4. */
  concurrency?: number;
  /** Stops starting new tasks when aborted; in-flight tasks finish, then the abort reason is thrown. */
  signal?: AbortSignal;
}

/**
 * Maps `fn` over `items` with at most `concurrency` calls in flight; results keep input order. The
 * first error stops new tasks; it is thrown after the in-flight ones settle.
 *
 * @example
 * ```ts
 * import { mapPool } from "./pool.ts";
 * const sizes = await mapPool(["a", "bb"], (s) => Promise.resolve(s.length), { concurrency: 2 });
 * console.assert(sizes[1] === 2);
 * ```
 */
export async function mapPool<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  options: PoolOptions = {},
): Promise<R[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const results = new Array<R>(items.length);
  let next = 0;
  let error: unknown;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      if (options.signal?.aborted) return;
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        if (!failed) (failed = true), (error = e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw error;
  options.signal?.throwIfAborted();
  return results;
}
