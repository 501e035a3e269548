import assert from "node:assert/strict";
import { heatmapFigure } from "../../lib/plot/mod.ts";

Deno.test("heatmapFigure() prints each cell's value and leaves non-finite cells empty", () => {
  const fig = heatmapFigure([[0.5, 0.91234], [NaN, 1]], {
    x: [0.2, 1],
    y: ["semihard", "hardest"],
    zTitle: "accuracy",
    zmin: 0,
    zmax: 1,
    format: (v) => `${(v * 100).toFixed(1)}%`,
  });
  const t = fig.data[0];
  assert.equal(t.type, "heatmap");
  assert.deepEqual(t.z, [[0.5, 0.91234], [null, 1]]);
  assert.deepEqual(t.text, [["50.0%", "91.2%"], ["", "100.0%"]]);
  assert.deepEqual(t.x, ["0.2", "1"]);
  assert.equal(t.zmin, 0);
});

Deno.test("heatmapFigure() names the mismatch between z and its labels", () => {
  assert.throws(
    () => heatmapFigure([[1, 2]], { x: [1], y: ["a"] }),
    /row 0 has 2 values for 1 'x' labels/,
  );
  assert.throws(() => heatmapFigure([[1]], { x: [1], y: ["a", "b"] }), /1 rows of z for 2 'y'/);
});
