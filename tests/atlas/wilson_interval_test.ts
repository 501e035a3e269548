import assert from "node:assert/strict";
import { wilsonInterval } from "../../lib/atlas/mod.ts";

/** The textbook form: roots in p of (p̂ − p)² = z² p(1 − p)/n. */
function quadraticRoots(k: number, n: number, z = 1.959963984540054): [number, number] {
  const ph = k / n, a = 1 + (z * z) / n, b = -(2 * ph + (z * z) / n), c = ph * ph;
  const disc = Math.sqrt(b * b - 4 * a * c);
  return [(-b - disc) / (2 * a), (-b + disc) / (2 * a)];
}

Deno.test("wilsonInterval() equals the roots of the score equation for every k of 5 and of 20", () => {
  for (const n of [5, 20]) {
    for (let k = 0; k <= n; k++) {
      const [lo, hi] = wilsonInterval(k, n);
      const [rlo, rhi] = quadraticRoots(k, n);
      assert.ok(Math.abs(lo - Math.max(0, rlo)) < 1e-12, `${k}/${n} low ${lo} vs ${rlo}`);
      assert.ok(Math.abs(hi - Math.min(1, rhi)) < 1e-12, `${k}/${n} high ${hi} vs ${rhi}`);
      assert.ok(lo <= k / n && k / n <= hi);
    }
  }
});

Deno.test("wilsonInterval() of 0/5 reaches 43% and of 3/5 spans 23%–88%", () => {
  assert.deepEqual(wilsonInterval(0, 5).map((v) => Number(v.toFixed(4))), [0, 0.4345]);
  assert.deepEqual(wilsonInterval(3, 5).map((v) => Number(v.toFixed(3))), [0.231, 0.882]);
  // more trials, narrower interval
  const w5 = wilsonInterval(2, 5), w50 = wilsonInterval(20, 50);
  assert.ok(w50[1] - w50[0] < w5[1] - w5[0]);
});

Deno.test("wilsonInterval() names the argument it rejects", () => {
  assert.throws(() => wilsonInterval(1, 0), /'trials' must be an integer ≥ 1, got 0/);
  assert.throws(() => wilsonInterval(6, 5), /'successes' must be an integer in \[0, 5\], got 6/);
  assert.throws(() => wilsonInterval(1, 5, { z: -1 }), /'z' must be a positive number, got -1/);
});
