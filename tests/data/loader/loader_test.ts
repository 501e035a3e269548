import assert from "node:assert/strict";
import sharp from "sharp";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { generateSynth } from "../../../lib/data/synth/synth.ts";
import { type Dataset, itemPath } from "../../../lib/data/dataset/dataset.ts";
import {
  createOrderedLoader,
  createPkLoader,
  type LoaderBatch,
} from "../../../lib/data/loader/loader.ts";
import { STANDARD_MAX, STANDARD_MIN } from "../../../lib/data/decode/standardize.ts";

let fixture: Promise<Dataset> | undefined;
/** A small synthetic set shared by the tests of this file (6 identities × 4 images, 32 px). */
function dataset(): Promise<Dataset> {
  fixture ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "loader_test_" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    return (await generateSynth(dir, {
      identities: 6,
      perIdentity: 4,
      size: 32,
      seed: 3,
      pairs: 0,
    })).dataset;
  })();
  return fixture;
}

async function take(loader: { next(): Promise<LoaderBatch | undefined> }, n: number) {
  const out: { data: Float32Array; labels: number[]; paths: string[]; index: number }[] = [];
  for (let i = 0; i < n; i++) {
    const b = await loader.next();
    if (!b) break;
    out.push({
      data: (await b.images.data()) as Float32Array,
      labels: Array.from(b.labels),
      paths: b.paths,
      index: b.index,
    });
    b.images.dispose();
  }
  return out;
}

Deno.test("createPkLoader() yields [P·K, S, S, 3] standardised float32 batches with matching labels", async () => {
  await useTestBackend();
  const ds = await dataset();
  await assertNoLeak(async () => {
    const loader = createPkLoader(ds, {
      p: 3,
      k: 2,
      size: 24,
      seed: 1,
      batches: 3,
      augment: { jitter: 0.2 },
    });
    let n = 0;
    for await (const b of loader) {
      assert.deepEqual(b.images.shape, [6, 24, 24, 3]);
      assert.equal(b.images.dtype, "float32");
      assert.equal(b.index, n++);
      const v = await b.images.data();
      let lo = Infinity, hi = -Infinity;
      for (const x of v) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
      assert.ok(lo >= STANDARD_MIN && hi <= STANDARD_MAX && hi - lo > 0.5, `range ${lo}..${hi}`);
      b.paths.forEach((p, i) => assert.equal(ds.identities[b.labels[i]], p.split("/")[0]));
      b.images.dispose();
    }
    assert.equal(n, 3);
  });
});

Deno.test("createPkLoader() gives the same batches for the same seed (worker or inline decoding) and others for another seed", async () => {
  await useTestBackend();
  const ds = await dataset();
  await assertNoLeak(async () => {
    const a = await take(createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 5, batches: 3 }), 3);
    const b = await take(
      createPkLoader(ds, {
        p: 2,
        k: 2,
        size: 16,
        seed: 5,
        batches: 3,
        prefetch: 1,
        concurrency: 1,
        decoder: "inline",
      }),
      3,
    );
    const c = await take(createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 6, batches: 3 }), 3);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((x) => x.data), c.map((x) => x.data));
  });
});

Deno.test("PkLoader.state()/restore() resumes with exactly the batches an uninterrupted run gets", async () => {
  await useTestBackend();
  const ds = await dataset();
  await assertNoLeak(async () => {
    const straight = createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 8 });
    const all = await take(straight, 6);
    await straight.close();

    const first = createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 8 });
    await take(first, 3);
    const saved = JSON.parse(JSON.stringify(first.state()));
    await take(first, 1); // runs on past the save point, then "crashes"
    await first.close();

    const resumed = createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 8 });
    await take(resumed, 2); // a fresh process may have prefetched anything before restoring
    resumed.restore(saved);
    assert.deepEqual(await take(resumed, 3), all.slice(3, 6));
    await resumed.close();
    assert.throws(
      () => resumed.restore({ ...saved, seed: 9 }),
      /state has seed 9, this loader has seed 8/,
    );
  });
});

Deno.test("createPkLoader() keeps at most `prefetch` batches ahead and reports whether the consumer waited", async () => {
  await useTestBackend();
  const ds = await dataset();
  await assertNoLeak(async () => {
    const loader = createPkLoader(ds, { p: 2, k: 2, size: 16, seed: 1, prefetch: 2 });
    (await loader.next())!.images.dispose();
    assert.equal(loader.stats().ahead, 2);
    await new Promise((r) => setTimeout(r, 500)); // a slow (asynchronous) training step
    assert.equal(loader.stats().ahead, 2, "no more than `prefetch` decoded ahead");
    const before = loader.stats().waits;
    (await loader.next())!.images.dispose();
    (await loader.next())!.images.dispose();
    const s = loader.stats();
    assert.equal(s.batches, 3);
    assert.equal(s.waits, before, "the two prefetched batches were ready");
    assert.ok(s.waits >= 1, "the very first batch had to be waited for");
    await loader.close();
    assert.equal(await loader.next(), undefined);
  });
});

Deno.test("createOrderedLoader() returns every path once, in order, unaugmented, last batch partial", async () => {
  await useTestBackend();
  const ds = await dataset();
  await assertNoLeak(async () => {
    const paths = ds.items.slice(0, 10).map((it) => it.path);
    const labels = ds.items.slice(0, 10).map((it) => it.label);
    const loader = createOrderedLoader(paths, { size: 32, batchSize: 4, root: ds.root, labels });
    assert.equal(loader.length, 3);
    const got = await take(loader, 5);
    assert.deepEqual(got.map((b) => b.paths.length), [4, 4, 2]);
    assert.deepEqual(got.flatMap((b) => b.paths), paths);
    assert.deepEqual(got.flatMap((b) => b.labels), labels);
    // unaugmented at the native size: equals the file's pixels, standardised
    const raw = await sharp(itemPath(ds, paths[5])).raw().toBuffer();
    const x = got[1].data.subarray(32 * 32 * 3, 2 * 32 * 32 * 3);
    for (let i = 0; i < raw.length; i += 97) assert.equal(x[i], (raw[i] - 127.5) / 128);
  });
});

Deno.test("createPkLoader() names a bad option and an unreadable image", async () => {
  const ds = await dataset();
  assert.throws(() => createPkLoader(ds, { size: 4 }), /'size' must be an integer ≥ 8, got 4/);
  assert.throws(() => createPkLoader(ds, { p: 7 }), /need p = 7/);
  const broken: Dataset = {
    ...ds,
    items: ds.items.map((it) => ({ ...it, path: it.path + ".missing" })),
  };
  const loader = createPkLoader(broken, { p: 2, k: 2, size: 16, batches: 1 });
  await assert.rejects(loader.next(), /cannot read '.*\.missing'/);
  await loader.close();
});
