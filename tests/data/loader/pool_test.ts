import assert from "node:assert/strict";
import { mapPool } from "../../../lib/data/loader/pool.ts";

Deno.test("mapPool() keeps input order and never exceeds its concurrency", async () => {
  let active = 0, peak = 0;
  const out = await mapPool([5, 1, 4, 2, 3, 0], async (ms, i) => {
    peak = Math.max(peak, ++active);
    await new Promise((r) => setTimeout(r, ms));
    active--;
    return i * 10;
  }, { concurrency: 2 });
  assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
  assert.equal(peak, 2);
});

Deno.test("mapPool() rethrows the first error after in-flight tasks settle, and stops on abort", async () => {
  let finished = 0;
  await assert.rejects(
    mapPool([0, 1, 2, 3], async (x) => {
      await new Promise((r) => setTimeout(r, x));
      if (x === 0) throw new Error("task 0 failed");
      finished++;
    }, { concurrency: 2 }),
    /task 0 failed/,
  );
  assert.equal(finished, 1, "task 1 was in flight and finished; 2 and 3 never started");
  const ctl = new AbortController();
  let started = 0;
  await assert.rejects(
    mapPool([1, 2, 3, 4], async () => {
      if (++started === 2) ctl.abort(new Error("enough"));
      await Promise.resolve();
    }, { concurrency: 1, signal: ctl.signal }),
    /enough/,
  );
  assert.equal(started, 2);
});
