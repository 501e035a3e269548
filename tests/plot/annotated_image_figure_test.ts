import assert from "node:assert/strict";
import { annotatedImageFigure, bytesDataUrl } from "../../lib/plot/mod.ts";

Deno.test("annotatedImageFigure() draws boxes as rectangles with labels and point sets as markers, y down", async () => {
  const photo = {
    src: bytesDataUrl(new Uint8Array([0xff, 0xd8]), "image/jpeg"),
    width: 200,
    height: 100,
  };
  const fig = await annotatedImageFigure(photo, {
    boxes: [{ x: 10, y: 20, width: 30, height: 40, label: "0.93" }, {
      x: 0,
      y: 0,
      width: 5,
      height: 5,
    }],
    points: [[[12, 25], [30, 25]]],
  });
  assert.equal(fig.data[0].type, "image");
  assert.equal(fig.data[0].source, "data:image/jpeg;base64,/9g=");
  assert.deepEqual(fig.data[1].x, [12, 30]);
  const shapes = fig.layout.shapes as { x0: number; y0: number; x1: number; y1: number }[];
  assert.deepEqual([shapes[0].x0, shapes[0].y0, shapes[0].x1, shapes[0].y1], [10, 20, 40, 60]);
  assert.equal((fig.layout.annotations as { text: string }[]).length, 1);
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [100, 0]);
});
