import assert from "node:assert/strict";
import { pcaProject } from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

Deno.test("pcaProject() finds the axes of an axis-aligned ellipse and their variances", () => {
  const rng = createRng(1);
  const rows = Array.from(
    { length: 2000 },
    () => [rng.normal() * 0.5, rng.normal() * 3, rng.normal() * 0.1],
  );
  const p = pcaProject(rows);
  assert.ok(Math.abs(Math.abs(p.components[0][1]) - 1) < 1e-3, `pc1 ${p.components[0]}`);
  assert.ok(Math.abs(Math.abs(p.components[1][0]) - 1) < 1e-3, `pc2 ${p.components[1]}`);
  assert.ok(Math.abs(p.variances[0] - 9) < 0.8, `var ${p.variances[0]}`);
  assert.ok(Math.abs(p.variances[1] - 0.25) < 0.03, `var ${p.variances[1]}`);
  assert.ok(p.explained[0] + p.explained[1] <= 1 + 1e-12);
});

Deno.test("pcaProject() components are orthonormal and points are the centred projections", () => {
  const rng = createRng(2);
  const rows = Array.from({ length: 300 }, () => Array.from({ length: 16 }, () => rng.normal()));
  rows.forEach((r) => (r[3] += r[0] * 2)); // correlated directions
  const p = pcaProject(rows, { dims: 3 });
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const dot = p.components[a].reduce((s, v, k) => s + v * p.components[b][k], 0);
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-6, `dot(${a},${b}) = ${dot}`);
    }
  }
  assert.ok(p.variances[0] >= p.variances[1] && p.variances[1] >= p.variances[2]);
  const x = rows[7].map((v, k) => v - p.mean[k]);
  const proj = p.components[1].reduce((s, v, k) => s + v * x[k], 0);
  assert.ok(Math.abs(proj - p.points[7][1]) < 1e-9);
  // Variance of the projected points equals the reported variance.
  const m = p.points.reduce((s, q) => s + q[0], 0) / rows.length;
  const v = p.points.reduce((s, q) => s + (q[0] - m) ** 2, 0) / rows.length;
  assert.ok(Math.abs(v - p.variances[0]) < 1e-6 * p.variances[0], `${v} vs ${p.variances[0]}`);
});

Deno.test("pcaProject() of identical rows gives zero points and does not crash", () => {
  const p = pcaProject([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
  assert.deepEqual(p.points, [[0, 0], [0, 0], [0, 0]]);
  assert.ok(p.explained.every((e) => Number.isNaN(e)));
  assert.throws(() => pcaProject([]), /no rows/);
  assert.throws(() => pcaProject([[1, 2]], { dims: 3 }), /'dims'.*got 3/);
});

Deno.test("pcaProject() finds an oblique direction of largest variance and its variance (naive reference)", () => {
  // Points along (1, 2, 0)/√5 with small noise on the third axis.
  const rng = createRng(3);
  const rows = Array.from({ length: 200 }, (_, i) => {
    const t = (i - 100) / 10;
    return [t / Math.sqrt(5), (2 * t) / Math.sqrt(5), 0.01 * rng.normal()];
  });
  const { components, variances, points } = pcaProject(rows, { dims: 2 });
  const c = components[0];
  assert.ok(Math.abs(Math.abs(c[0]) - 1 / Math.sqrt(5)) < 1e-3, `component ${c}`);
  assert.ok(Math.abs(Math.abs(c[1]) - 2 / Math.sqrt(5)) < 1e-3, `component ${c}`);
  // Naive variance of t.
  const ts = rows.map((_, i) => (i - 100) / 10);
  const mean = ts.reduce((a, b) => a + b, 0) / ts.length;
  const variance = ts.reduce((a, b) => a + (b - mean) ** 2, 0) / ts.length;
  assert.ok(Math.abs(variances[0] - variance) / variance < 1e-6);
  assert.ok(variances[1] < 1e-3);
  assert.equal(points.length, 200);
});
