import assert from "node:assert/strict";
import { calibrateThreshold } from "../../lib/api/mod.ts";

/** Naive reference: try every midpoint, count correct pairs. */
function bestAccuracy(d: number[], same: boolean[]): number {
  const s = [...new Set(d)].sort((a, b) => a - b);
  const cands = [s[0] - 1, ...s.slice(1).map((v, i) => (v + s[i]) / 2), s[s.length - 1] + 1];
  let best = 0;
  for (const t of cands) {
    const ok = d.filter((x, i) => (x < t) === same[i]).length;
    best = Math.max(best, ok / d.length);
  }
  return best;
}

Deno.test("calibrateThreshold() finds the best accuracy a naive search finds", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 20; trial++) {
    const same = Array.from({ length: 40 }, () => rand() < 0.5);
    const d = same.map((s) => (s ? 0.4 : 0.7) + (rand() - 0.5) * 0.5);
    const c = calibrateThreshold(d, same);
    assert.ok(Math.abs(c.accuracy - bestAccuracy(d, same)) < 1e-12, `trial ${trial}`);
    const atT = d.filter((x, i) => (x < c.threshold) === same[i]).length / d.length;
    assert.equal(atT, c.accuracy, "the accuracy is the one at the returned threshold");
  }
});

Deno.test("calibrateThreshold() puts the threshold between separable classes", () => {
  const c = calibrateThreshold([0.2, 0.3, 0.9, 1.1], [true, true, false, false]);
  assert.ok(Math.abs(c.threshold - 0.6) < 1e-12, `threshold ${c.threshold}`);
  assert.deepEqual({ ...c, threshold: 0.6 }, {
    threshold: 0.6,
    accuracy: 1,
    pairs: 4,
    same: 2,
    different: 2,
  });
});

Deno.test("calibrateThreshold() rejects mismatched, empty and non-finite input", () => {
  assert.throws(() => calibrateThreshold([1], [true, false]), /1 distances but 2/);
  assert.throws(() => calibrateThreshold([], []), /no pairs/);
  assert.throws(() => calibrateThreshold([NaN, 1], [true, false]), /distance 0 is NaN/);
});
