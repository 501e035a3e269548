import assert from "node:assert/strict";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { type Embedder, embedPaths, modelEmbedder } from "../../lib/eval/mod.ts";
import { loadImageBatch } from "../../lib/data/mod.ts";
import { createModel } from "../../lib/model/mod.ts";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";

/** Writes n solid-colour PNGs (grey level 20·i) into a temp folder; returns folder and names. */
async function solidImages(n: number): Promise<{ dir: string; names: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "eval_embed_" });
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `img${i}.png`;
    const v = 20 * i;
    await sharp({
      create: { width: 24, height: 20, channels: 3, background: { r: v, g: v, b: v } },
    })
      .png().toFile(`${dir}/${name}`);
    names.push(name);
  }
  return { dir, names };
}

const meanEmbedder: Embedder = {
  name: "mean",
  inputSize: 8,
  embed: (x) => tf.tidy(() => tf.mean(x, [1, 2]) as tf.Tensor2D),
};

Deno.test("embedPaths() returns one row per path, in order, across batch boundaries", async () => {
  await useTestBackend();
  const { dir, names } = await solidImages(7);
  try {
    let ticks = 0;
    const progress = {
      tick: (n = 1) => (ticks += n),
      fail: () => {},
      done: () => {},
      count: 0,
      failures: 0,
    };
    const rows = await assertNoLeak(() =>
      embedPaths(meanEmbedder, names, { root: dir, batchSize: 3, progress })
    );
    assert.equal(rows.length, 7);
    assert.equal(ticks, 7);
    rows.forEach((r, i) => {
      assert.equal(r.length, 3);
      assert.ok(Math.abs(r[0] - (20 * i - 127.5) / 128) < 1e-5, `row ${i}: ${r[0]}`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedPaths() with a model gives the rows of the model on the loaded batch", async () => {
  await useTestBackend();
  const { dir, names } = await solidImages(5);
  const model = createModel("tiny", { norm: "batch", embeddingDim: 8, seed: 2 });
  try {
    await assertNoLeak(async () => {
      const embedder = modelEmbedder(model);
      const rows = await embedPaths(embedder, names, { root: dir, batchSize: 2 });
      const batch = await loadImageBatch(names.map((n) => `${dir}/${n}`), {
        size: embedder.inputSize,
      });
      const ref = tf.tidy(() => model.predict(batch) as tf.Tensor2D);
      const expected = await ref.array();
      tf.dispose([batch, ref]);
      rows.forEach((r, i) => r.forEach((v, k) => assert.ok(Math.abs(v - expected[i][k]) < 1e-5)));
    });
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedPaths() uses an embedder's own per-file pipeline when it has one", async () => {
  const seen: string[] = [];
  const fileEmbedder: Embedder = {
    name: "files",
    inputSize: 8,
    embed: () => {
      throw new Error("embed() must not be called");
    },
    embedFile: (p) => {
      seen.push(p);
      return Promise.resolve(Float32Array.of(seen.length));
    },
  };
  const rows = await embedPaths(fileEmbedder, ["a.jpg", "/abs/b.jpg"], { root: "/data" });
  assert.deepEqual(seen, ["/data/a.jpg", "/abs/b.jpg"]);
  assert.deepEqual(rows.map((r) => r[0]), [1, 2]);
});

Deno.test("embedPaths() names the embedder when it returns the wrong number of rows", async () => {
  await useTestBackend();
  const { dir, names } = await solidImages(2);
  const bad: Embedder = { name: "bad", inputSize: 8, embed: () => tf.zeros([1, 4]) as tf.Tensor2D };
  try {
    await assertNoLeak(() =>
      assert.rejects(
        () => embedPaths(bad, names, { root: dir }),
        /bad returned shape \[1,4\] for 2 images/,
      )
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedPaths() with an imageCache decodes each path once and embeds later calls from memory", async () => {
  await useTestBackend();
  const { dir, names } = await solidImages(5);
  try {
    const cache = new Map<string, Float32Array>();
    const first = await assertNoLeak(() =>
      embedPaths(meanEmbedder, names, { root: dir, batchSize: 2, imageCache: cache })
    );
    const plain = await embedPaths(meanEmbedder, names, { root: dir, batchSize: 3 });
    assert.deepEqual(first, plain, "the same rows as without a cache");
    assert.deepEqual([...cache.keys()].sort(), [...names].sort());
    // Overwrite one cached image: a second call must use it instead of decoding the file again.
    cache.set(names[1], new Float32Array(8 * 8 * 3).fill(0.5));
    const second = await embedPaths(meanEmbedder, names, { root: dir, imageCache: cache });
    assert.ok(Math.abs(second[1][0] - 0.5) < 1e-6, `row ${second[1][0]}`);
    assert.deepEqual(second[3], first[3]);
    cache.set(names[0], new Float32Array(3));
    await assert.rejects(
      () => embedPaths(meanEmbedder, names, { root: dir, imageCache: cache }),
      /cached image of 'img0.png' has 3 values, not 8×8×3/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
