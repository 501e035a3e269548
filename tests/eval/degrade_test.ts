import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  applyDegrade,
  degradedEmbedder,
  degradeLabel,
  degradeRgb,
  parseDegrade,
} from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

await useTestBackend();

function randomImages(n: number, side: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * side * side * 3 }, () => Math.floor(rng.next() * 256));
}

Deno.test("parseDegrade() reads NAME[:strength] and names the choices on bad input", () => {
  assert.deepEqual(parseDegrade("lowres-grey:16"), { name: "lowres-grey", size: 16 });
  assert.deepEqual(parseDegrade("lowres"), { name: "lowres", size: 24 });
  assert.deepEqual(parseDegrade("grey"), { name: "grey" });
  assert.equal(degradeLabel(parseDegrade("lowres:12")), "lowres:12");
  assert.throws(
    () => parseDegrade("blur"),
    /unknown degradation 'blur'; expected one of none, lowres, grey, lowres-grey/,
  );
  assert.throws(() => parseDegrade("lowres:1"), /side in pixels ≥ 2.*got '1'/);
  assert.throws(() => parseDegrade("lowres:abc"), /got 'abc'/);
  assert.throws(() => parseDegrade("grey:3"), /'grey' takes no strength/);
});

Deno.test("applyDegrade('grey') puts BT.601 luma in every channel (naive loop reference)", async () => {
  const side = 5, data = randomImages(2, side, 1);
  await assertNoLeak(async () => {
    const x = tf.tensor4d(data, [2, side, side, 3]);
    const g = applyDegrade(x, "grey");
    const out = await g.data();
    tf.dispose([x, g]);
    for (let p = 0; p < data.length / 3; p++) {
      const luma = 0.299 * data[3 * p] + 0.587 * data[3 * p + 1] + 0.114 * data[3 * p + 2];
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(out[3 * p + c] - luma) < 1e-3);
    }
  });
});

Deno.test("applyDegrade('lowres:N') removes detail finer than N px and keeps flat regions and the shape", async () => {
  const side = 32;
  // A one-pixel checkerboard (all detail above 8 px resolution) and a flat grey image.
  const checker = Float32Array.from({ length: side * side * 3 }, (_, i) => {
    const p = Math.floor(i / 3), y = Math.floor(p / side), x = p % side;
    return (x + y) % 2 ? 255 : 0;
  });
  await assertNoLeak(async () => {
    const x = tf.tensor4d(checker, [1, side, side, 3]);
    const flat = tf.fill([1, side, side, 3], 90) as tf.Tensor4D;
    const lx = applyDegrade(x, "lowres:8"), lf = applyDegrade(flat, "lowres:8");
    assert.deepEqual(lx.shape, [1, side, side, 3]);
    const vx = Array.from(await lx.data()), vf = Array.from(await lf.data());
    tf.dispose([x, flat, lx, lf]);
    const mean = vx.reduce((s, v) => s + v, 0) / vx.length;
    const std = Math.sqrt(vx.reduce((s, v) => s + (v - mean) ** 2, 0) / vx.length);
    assert.ok(Math.abs(mean - 127.5) < 2, `mean ${mean}`);
    assert.ok(std < 0.1 * 127.5, `checkerboard std after lowres:8 is ${std} (was 127.5)`);
    assert.ok(vf.every((v) => Math.abs(v - 90) < 1e-3), "a flat image stays flat, edges included");
  });
});

Deno.test("applyDegrade() gives the same images before or after standardisation (x − 127.5) / 128", async () => {
  const side = 24, data = randomImages(2, side, 7);
  await assertNoLeak(async () => {
    for (const spec of ["lowres:6", "grey", "lowres-grey:10", "none"]) {
      const x = tf.tensor4d(data, [2, side, side, 3]);
      const a = tf.tidy(() => applyDegrade(x, spec).sub(127.5).div(128));
      const b = tf.tidy(() => applyDegrade(x.sub(127.5).div(128) as tf.Tensor4D, spec));
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
      const d = (await diff.data())[0];
      tf.dispose([x, a, b, diff]);
      assert.ok(d < 1e-4, `${spec}: max difference ${d}`);
    }
  });
});

Deno.test("applyDegrade('lowres') at or above the image side keeps its resolution", async () => {
  const data = randomImages(1, 8, 3);
  await assertNoLeak(async () => {
    const x = tf.tensor4d(data, [1, 8, 8, 3]);
    const y = applyDegrade(x, "lowres:8");
    assert.deepEqual(Array.from(await y.data()), Array.from(data));
    tf.dispose([x, y]);
  });
  const one = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
  assert.throws(() => applyDegrade(one, "grey"), /\[N,H,W,3\]/);
  one.dispose();
});

Deno.test("degradedEmbedder() embeds the degraded images; degradeRgb() degrades 8-bit photos", async () => {
  const mean = {
    name: "mean",
    inputSize: 4,
    embed: (x: tf.Tensor4D) => tf.mean(x, [1, 2]) as tf.Tensor2D,
  };
  await assertNoLeak(async () => {
    const e = degradedEmbedder(mean, "grey");
    assert.equal(e.name, "mean+grey");
    const x = tf.tensor4d(Float32Array.from({ length: 16 * 3 }, (_, i) => i % 3 === 0 ? 1 : 0), [
      1,
      4,
      4,
      3,
    ]);
    const out = await e.embed(x);
    const v = await out.data();
    tf.dispose([x, out]);
    for (const c of v) assert.ok(Math.abs(c - 0.299) < 1e-6, `channel mean ${c}`);
  });
  assert.throws(
    () =>
      degradedEmbedder({ ...mean, embedFile: () => Promise.resolve(new Float32Array(1)) }, "grey"),
    /embeds whole files/,
  );
  const img = { width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 0, 0, 255]) };
  const g = await degradeRgb(img, "grey");
  assert.deepEqual(Array.from(g.data), [76, 76, 76, 29, 29, 29]);
});
