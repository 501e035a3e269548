import assert from "node:assert/strict";
import { emaSmooth } from "../../lib/plot/mod.ts";

Deno.test("emaSmooth() matches a naive debiased EMA and keeps non-finite values as gaps", () => {
  const values = [4, 2, NaN, 6, 1];
  const w = 0.5;
  // Naive reference: average of the finite values seen so far, weighted w^(age), normalised.
  const expected: (number | null)[] = [];
  const seen: number[] = [];
  for (const v of values) {
    if (!Number.isFinite(v)) {
      expected.push(null);
      continue;
    }
    seen.push(v);
    let num = 0, den = 0;
    seen.forEach((x, i) => {
      const weight = (1 - w) * w ** (seen.length - 1 - i);
      num += weight * x;
      den += weight;
    });
    expected.push(num / den);
  }
  const got = emaSmooth(values, { weight: w });
  assert.equal(got.length, values.length);
  got.forEach((g, i) => {
    if (expected[i] === null) assert.equal(g, null);
    else assert.ok(Math.abs(g! - expected[i]!) < 1e-12, `point ${i}: ${g} vs ${expected[i]}`);
  });
});

Deno.test("emaSmooth() with weight 0 returns the values and rejects a weight outside [0, 1)", () => {
  assert.deepEqual(emaSmooth([3, 1, 2], { weight: 0 }), [3, 1, 2]);
  assert.throws(() => emaSmooth([1], { weight: 1 }), /'weight' must be in \[0, 1\), got 1/);
});

Deno.test("emaSmooth({ centered }) follows a trend without lag; one-way lags behind it", () => {
  const line = Array.from({ length: 21 }, (_, i) => i);
  const oneWay = emaSmooth(line, { weight: 0.5 });
  const centred = emaSmooth(line, { weight: 0.5, centered: true });
  assert.ok(oneWay[10]! < 9.1, `one-way ${oneWay[10]}`);
  assert.ok(Math.abs(centred[10]! - 10) < 0.01, `centred ${centred[10]}`);
});

Deno.test("emaSmooth({ log }) averages logarithms: a geometric decay stays on its line", () => {
  const decay = Array.from({ length: 21 }, (_, i) => 10 ** -i);
  const s = emaSmooth(decay, { weight: 0.5, centered: true, log: true });
  assert.ok(Math.abs(Math.log10(s[10]!) + 10) < 0.01, `got ${s[10]}`);
  // Arithmetic averaging would sit far above (dominated by the larger earlier values).
  assert.ok(emaSmooth(decay, { weight: 0.5, centered: true })[10]! > 1e-9);
  assert.deepEqual(emaSmooth([1, 0, -1], { weight: 0, log: true }), [1, null, null]);
});
