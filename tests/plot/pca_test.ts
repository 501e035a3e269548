import assert from "node:assert/strict";
import { pcaScatterFigure } from "../../lib/plot/mod.ts";

Deno.test("pcaScatterFigure() makes one marker trace per label", () => {
  const fig = pcaScatterFigure([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 1, 1]], ["a", "b", "a", "b"]);
  assert.deepEqual(fig.data.map((t) => t.name), ["a", "b"]);
  assert.equal((fig.data[0].x as number[]).length, 2);
  assert.throws(() => pcaScatterFigure([[0, 1]], [0, 1]), /2 labels for 1 embeddings/);
});
