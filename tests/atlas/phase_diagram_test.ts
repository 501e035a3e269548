import assert from "node:assert/strict";
import { phaseDiagram } from "../../lib/atlas/phase_diagram.ts";

Deno.test("phaseDiagram() puts each cell's collapse rate at its x and y, sorted, gaps empty", () => {
  const c = (lr: number, s: string, rate: number) => ({ config: { lr, s }, collapseRate: rate });
  const fig = phaseDiagram([c(0.1, "raw", 1), c(0.001, "raw", 0.2), c(0.1, "unit", 0.6)], {
    x: "lr",
    y: "s",
  });
  const t = fig.data[0];
  assert.deepEqual(t.x, ["0.001", "0.1"]);
  assert.deepEqual(t.y, ["raw", "unit"]);
  assert.deepEqual(t.z, [[0.2, 1], [null, 0.6]]);
  assert.deepEqual(t.text, [["20%", "100%"], ["", "60%"]]);
  assert.throws(() => phaseDiagram([c(1, "a", 0)], { x: "lr", y: "q" }), /no config field 'q'/);
});
