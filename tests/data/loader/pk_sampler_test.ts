import assert from "node:assert/strict";
import { createPkSampler } from "../../../lib/data/loader/pk_sampler.ts";
import type { Dataset } from "../../../lib/data/dataset/dataset.ts";

/** identities id0..id(n-1); identity i has counts[i] images. */
function fakeDataset(counts: number[]): Dataset {
  const ds: Dataset = { root: "/fake", identities: [], items: [] };
  counts.forEach((c, label) => {
    const identity = `id${label}`;
    ds.identities.push(identity);
    for (let j = 0; j < c; j++) ds.items.push({ path: `${identity}/${j}.png`, identity, label });
  });
  return ds;
}

const COUNTS = [5, 9, 2, 7, 4, 6, 3, 8, 5, 10, 1, 4, 6];

Deno.test("createPkSampler() batches hold exactly P distinct identities × K distinct images each", () => {
  const ds = fakeDataset(COUNTS);
  const s = createPkSampler(ds, { p: 3, k: 2, seed: 4 });
  for (let b = 0; b < 30; b++) {
    const { items, labels } = s.batch(b);
    assert.equal(items.length, 6);
    assert.deepEqual(Array.from(labels), items.map((it) => it.label));
    const ids = [0, 1, 2].map((g) => items[g * 2].label);
    assert.equal(new Set(ids).size, 3, `batch ${b} identities ${ids}`);
    for (let g = 0; g < 3; g++) {
      const group = items.slice(g * 2, g * 2 + 2);
      assert.ok(group.every((it) => it.label === ids[g] && it.path.startsWith(`id${ids[g]}/`)));
      assert.equal(new Set(group.map((it) => it.path)).size, 2, "K distinct images when available");
    }
  }
});

Deno.test("createPkSampler() is a pure function of seed and batch number", () => {
  const ds = fakeDataset(COUNTS);
  const a = createPkSampler(ds, { p: 4, k: 3, seed: 9 });
  const b = createPkSampler(ds, { p: 4, k: 3, seed: 9 });
  const c = createPkSampler(ds, { p: 4, k: 3, seed: 10 });
  const order = [7, 0, 3, 12, 1];
  const fromA = order.map((i) => a.batch(i).items.map((it) => it.path));
  const fromB = [...order].reverse().map((i) => b.batch(i).items.map((it) => it.path)).reverse();
  assert.deepEqual(fromA, fromB);
  assert.notDeepEqual(fromA, order.map((i) => c.batch(i).items.map((it) => it.path)));
});

Deno.test("createPkSampler() shows every eligible identity once per epoch and skips those below minImages", () => {
  const ds = fakeDataset(COUNTS); // id10 has 1 image: not eligible with minImages 2
  const s = createPkSampler(ds, { p: 4, k: 2, seed: 1 });
  assert.equal(s.identities, 12);
  assert.equal(s.batchesPerEpoch, 3);
  for (let epoch = 0; epoch < 3; epoch++) {
    const seen: number[] = [];
    for (let b = 0; b < 3; b++) {
      seen.push(
        ...s.batch(epoch * 3 + b).items.filter((_, i) => i % 2 === 0).map((it) => it.label),
      );
    }
    assert.equal(new Set(seen).size, 12, `epoch ${epoch}`);
    assert.ok(!seen.includes(10));
  }
});

Deno.test("createPkSampler() repeats images of identities with fewer than K", () => {
  const ds = fakeDataset([2, 2, 3]);
  const s = createPkSampler(ds, { p: 3, k: 5, seed: 2 });
  const { items } = s.batch(0);
  assert.equal(items.length, 15);
  for (let g = 0; g < 3; g++) {
    const group = items.slice(g * 5, g * 5 + 5);
    const n = COUNTS.length && ds.items.filter((it) => it.label === group[0].label).length;
    assert.equal(new Set(group.map((it) => it.path)).size, n, "all of its images are used");
  }
});

Deno.test("createPkSampler() names the problem when there are too few identities", () => {
  assert.throws(
    () => createPkSampler(fakeDataset([3, 3, 1]), { p: 3, k: 2 }),
    /has 2 identities with ≥ 2 images, need p = 3/,
  );
  assert.throws(
    () => createPkSampler(fakeDataset([3, 3]), { p: 0 }),
    /'p' must be an integer ≥ 1, got 0/,
  );
});
