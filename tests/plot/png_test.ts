import assert from "node:assert/strict";
import { encodePng, imageGridFigure, pngDataUrl } from "../../lib/plot/mod.ts";

async function inflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate")))
      .arrayBuffer(),
  );
}

Deno.test("encodePng() writes IHDR with the size and an IDAT that inflates to the filtered rows", async () => {
  const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]); // 2×2
  const png = await encodePng({ width: 2, height: 2, channels: 3, data: rgb });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assert.equal(view.getUint32(16), 2);
  assert.equal(view.getUint32(20), 2);
  const idatLength = view.getUint32(33);
  assert.equal(new TextDecoder().decode(png.subarray(37, 41)), "IDAT");
  const raw = await inflate(png.slice(41, 41 + idatLength));
  assert.deepEqual([...raw], [0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
});

Deno.test("encodePng() un-standardises float pixels ((p − 127.5) / 128) and rejects a wrong length", async () => {
  const data = new Float32Array([(0 - 127.5) / 128, (255 - 127.5) / 128]); // 1×2 grey
  const png = await encodePng({ width: 2, height: 1, channels: 1, data });
  const view = new DataView(png.buffer, png.byteOffset);
  const raw = await inflate(png.slice(41, 41 + view.getUint32(33)));
  assert.deepEqual([...raw], [0, 0, 0, 0, 255, 255, 255]);
  await assert.rejects(
    () => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(3) }),
    /expected 2×2×3 = 12/,
  );
});

Deno.test("imageGridFigure() lays images out as image traces with captions", async () => {
  const img = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array([0, 255, 255, 0]) };
  const fig = await imageGridFigure(
    [{ image: img, caption: "d=0.10" }, { image: await pngDataUrl(img), caption: "d=1.20" }, {
      image: img,
    }],
    { columns: 2 },
  );
  assert.equal(fig.data.length, 3);
  assert.ok(String(fig.data[0].source).startsWith("data:image/png;base64,"));
  assert.equal(fig.data[2].xaxis, "x3");
  assert.deepEqual(fig.layout.grid, {
    rows: 2,
    columns: 2,
    pattern: "independent",
    xgap: 0.05,
    ygap: 0.2,
  });
  assert.equal((fig.layout.annotations as unknown[]).length, 2);
});
