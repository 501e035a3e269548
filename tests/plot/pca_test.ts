import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";
import { pca, pcaScatterFigure } from "../../lib/plot/mod.ts";

Deno.test("pca() finds the direction of largest variance and its variance", () => {
  // Points along (1, 2, 0)/√5 with small noise on the third axis.
  const rng = createRng(3);
  const rows = Array.from({ length: 200 }, (_, i) => {
    const t = (i - 100) / 10;
    return [t / Math.sqrt(5), (2 * t) / Math.sqrt(5), 0.01 * rng.normal()];
  });
  const { components, variances, points } = pca(rows, { k: 2 });
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

Deno.test("pcaScatterFigure() makes one marker trace per label", () => {
  const fig = pcaScatterFigure([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 1, 1]], ["a", "b", "a", "b"]);
  assert.deepEqual(fig.data.map((t) => t.name), ["a", "b"]);
  assert.equal((fig.data[0].x as number[]).length, 2);
  assert.throws(() => pcaScatterFigure([[0, 1]], [0, 1]), /2 labels for 1 embeddings/);
});
