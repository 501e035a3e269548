import assert from "node:assert/strict";
import { barFigure, histogramFigure } from "../../lib/plot/mod.ts";

Deno.test("histogramFigure() overlays one histogram per sample and drops non-finite values", () => {
  const fig = histogramFigure([{ name: "d_ap", values: [0.1, NaN, 0.2] }, {
    name: "d_an",
    values: [1, 2],
  }]);
  assert.equal(fig.layout.barmode, "overlay");
  assert.deepEqual(fig.data[0].x, [0.1, 0.2]);
  assert.equal(fig.data[1].histnorm, "probability density");
});

Deno.test("barFigure() rejects a series whose length differs from the categories", () => {
  const fig = barFigure(["a", "b"], [{ name: "s", y: [1, 2] }]);
  assert.equal(fig.data[0].type, "bar");
  assert.throws(
    () => barFigure(["a", "b"], [{ name: "s", y: [1] }]),
    /series 's' has 1 values, expected 2/,
  );
});
