import assert from "node:assert/strict";
import { lineFigure, metricsFigure, sweepFigure } from "../../lib/plot/mod.ts";

Deno.test("lineFigure() draws one scatter trace per series with x defaulting to 0..n-1 and NaN as a gap", () => {
  const fig = lineFigure([{ name: "loss", y: [1, NaN, 0.5] }, {
    name: "acc",
    x: [10, 20, 30],
    y: [0, 0.5, 1],
  }], {
    title: "t",
    logY: true,
  });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].x, [0, 1, 2]);
  assert.deepEqual(fig.data[0].y, [1, null, 0.5]);
  assert.deepEqual(fig.data[1].x, [10, 20, 30]);
  assert.equal((fig.layout.yaxis as { type: string }).type, "log");
  assert.equal(JSON.parse(JSON.stringify(fig)).data[0].name, "loss");
});

Deno.test("metricsFigure() puts each metric on its own axes of a grid, keyed by step", () => {
  const history = [
    { step: 0, loss: 1, accuracy: 0 },
    { step: 5, loss: 0.5 },
    { step: 10, loss: 0.2, accuracy: 1 },
  ];
  const fig = metricsFigure(history, ["loss", "accuracy"], { columns: 1 });
  assert.deepEqual(fig.layout.grid, { rows: 2, columns: 1, pattern: "independent" });
  assert.equal(fig.data[1].xaxis, "x2");
  assert.equal(fig.data[1].yaxis, "y2");
  assert.deepEqual(fig.data[0].x, [0, 5, 10]);
  assert.deepEqual(fig.data[1].y, [0, null, 1]);
  assert.throws(() => metricsFigure(history, []), /at least one metric/);
});

Deno.test("sweepFigure() draws one curve per run of a sweep for the chosen metric", () => {
  const fig = sweepFigure([
    { name: "α=0.2", history: [{ step: 0, loss: 0.2 }, { step: 1, loss: 0.1 }] },
    { name: "α=1", history: [{ step: 0, loss: 1 }, { step: 1, loss: 1 }] },
  ], "loss");
  assert.deepEqual(fig.data.map((t) => t.name), ["α=0.2", "α=1"]);
  assert.deepEqual(fig.data[1].y, [1, 1]);
  assert.equal((fig.layout.title as { text: string }).text, "loss");
});

Deno.test("lineFigure() uses a series' own colour and dash when given", () => {
  const fig = lineFigure([{ name: "d_an", y: [1], color: "#123456", dash: "dot" }]);
  assert.deepEqual(fig.data[0].line, { color: "#123456", dash: "dot" });
});
