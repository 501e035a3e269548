import assert from "node:assert/strict";
import { splitByIdentity } from "../../../lib/data/dataset/split.ts";
import type { Dataset } from "../../../lib/data/dataset/dataset.ts";

function fakeDataset(n: number): Dataset {
  const ds: Dataset = { root: "/fake", identities: [], items: [] };
  for (let label = 0; label < n; label++) {
    const identity = `p${String(label).padStart(3, "0")}`;
    ds.identities.push(identity);
    for (let j = 0; j < 1 + (label % 4); j++) {
      ds.items.push({ path: `${identity}/${j}.jpg`, identity, label });
    }
  }
  return ds;
}

Deno.test("splitByIdentity() puts every identity on exactly one side, with all its images", () => {
  const ds = fakeDataset(101);
  const parts = splitByIdentity(ds, { fractions: [0.7, 0.2, 0.1], seed: 3 });
  assert.deepEqual(parts.map((p) => p.identities.length), [71, 20, 10]);
  const seen = new Map<string, number>();
  parts.forEach((p, i) => {
    for (const id of p.identities) {
      assert.ok(!seen.has(id), `${id} in parts ${seen.get(id)} and ${i}`);
      seen.set(id, i);
    }
    for (const it of p.items) {
      assert.equal(p.identities[it.label], it.identity, "labels renumbered within the part");
      assert.equal(seen.get(it.identity), i, `image ${it.path} leaked into part ${i}`);
    }
  });
  assert.equal(seen.size, 101);
  assert.equal(parts.reduce((s, p) => s + p.items.length, 0), ds.items.length);
});

Deno.test("splitByIdentity() is deterministic by seed", () => {
  const ds = fakeDataset(50);
  const a = splitByIdentity(ds, { seed: 1 }),
    b = splitByIdentity(ds, { seed: 1 }),
    c = splitByIdentity(ds, { seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[1].identities, c[1].identities);
  assert.deepEqual(a.map((p) => p.identities.length), [40, 10]);
});

Deno.test("splitByIdentity() names bad fractions", () => {
  assert.throws(
    () => splitByIdentity(fakeDataset(3), { fractions: [0.5, -1] }),
    /'fractions' must be non-negative/,
  );
  assert.throws(() => splitByIdentity(fakeDataset(3), { fractions: [0, 0] }), /sum to 0/);
});
