import assert from "node:assert/strict";
import { findChromium, heatmapFigure, renderStaticImages } from "../../lib/plot/mod.ts";

const chromium = await findChromium();
if (!chromium) console.warn("static image test skipped: no Chromium (apt-get install chromium)");

Deno.test({
  name:
    "renderStaticImages() renders each figure to a PNG of its layout's size in one Chromium run",
  ignore: !chromium,
  async fn() {
    const figs = [
      { data: [{ type: "scatter", y: [1, 3, 2] }], layout: { width: 400, height: 250 } },
      heatmapFigure([[0, 1], [1, 0]], { x: ["a", "b"], y: ["c", "d"] }),
    ];
    const { png, error } = await renderStaticImages(figs, { width: 500 });
    assert.equal(error, undefined);
    assert.equal(png.length, 2);
    const sizes = png.map((b64) => {
      const bytes = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      const view = new DataView(bytes.buffer);
      return [view.getUint32(16), view.getUint32(20)];
    });
    assert.deepEqual(sizes, [[400, 250], [500, 360]]);
  },
});

Deno.test("renderStaticImages() reports a missing browser instead of throwing", async () => {
  const r = await renderStaticImages([{ data: [], layout: {} }], {
    chromium: "/nonexistent/chromium",
  });
  assert.deepEqual(r.png, [undefined]);
  assert.match(r.error!, /Chromium failed|Chromium drew no images/);
});
