import assert from "node:assert/strict";
import { devFacesDir } from "../../_helpers/leak.ts";
import {
  formatPairsCsv,
  makePairs,
  parsePairs,
  readPairs,
} from "../../../lib/data/dataset/pairs.ts";
import { groupByLabel, scanDataset } from "../../../lib/data/dataset/dataset.ts";
import type { Dataset } from "../../../lib/data/dataset/dataset.ts";

async function withFile(text: string, suffix: string, fn: (file: string) => Promise<void>) {
  const file = await Deno.makeTempFile({ suffix });
  try {
    await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("readPairs() reads LFW pairs.txt: 3 fields same, 4 fields different, header skipped", async () => {
  await withFile("2\t1\nAnn_Lee\t1\t12\nBob\t3 4\nAnn_Lee\t2\tBob\t10\n", ".txt", async (file) => {
    assert.deepEqual(await readPairs(file), [
      { a: "Ann_Lee/Ann_Lee_0001.jpg", b: "Ann_Lee/Ann_Lee_0012.jpg", same: true },
      { a: "Bob/Bob_0003.jpg", b: "Bob/Bob_0004.jpg", same: true },
      { a: "Ann_Lee/Ann_Lee_0002.jpg", b: "Bob/Bob_0010.jpg", same: false },
    ]);
  });
});

Deno.test("readPairs() gives LFW View 2 folds from a `sets n` header", () => {
  const lines = ["2 1", "A 1 2", "A 1 B 1", "C 1 2", "C 1 D 2"];
  const pairs = parsePairs(lines.join("\n"));
  assert.deepEqual(pairs.map((p) => p.fold), [0, 0, 1, 1]);
  assert.equal(parsePairs("A 1 2\nA 1 B 1\n")[0].fold, undefined);
});

Deno.test("readPairs() reads pairs.csv in any column order, with quotes and true/false", async () => {
  const csv = 'same,path_b,path_a\n1,x/2.png,x/1.png\nfalse,"y/a,b.png",x/1.png\r\n\n';
  await withFile(csv, ".csv", async (file) => {
    assert.deepEqual(await readPairs(file), [
      { a: "x/1.png", b: "x/2.png", same: true },
      { a: "x/1.png", b: "y/a,b.png", same: false },
    ]);
  });
});

Deno.test("readPairs() names the file, line and content of a bad line", async () => {
  assert.throws(() => parsePairs("A 1\n", { source: "p.txt" }), /p\.txt:1: expected 3 or 4 fields/);
  assert.throws(
    () => parsePairs("path_a,path_b,same\na,b,maybe\n", { source: "p.csv" }),
    /p\.csv:2: expected path_a,path_b,same/,
  );
  assert.throws(
    () => parsePairs("path_a,same\n", { source: "p.csv" }),
    /header must name path_a,path_b,same/,
  );
  await assert.rejects(readPairs("/no/pairs.txt"), /cannot read '\/no\/pairs\.txt'/);
});

function fakeDataset(counts: number[]): Dataset {
  const ds: Dataset = { root: "/fake", identities: [], items: [] };
  counts.forEach((c, label) => {
    ds.identities.push(`id${label}`);
    for (let j = 0; j < c; j++) {
      ds.items.push({ path: `id${label}/${j}.png`, identity: `id${label}`, label });
    }
  });
  return ds;
}

Deno.test("makePairs() is balanced, correct, unique and deterministic", () => {
  const ds = fakeDataset([1, 4, 3, 1, 5, 2, 6]);
  const pairs = makePairs(ds, { count: 41, seed: 3 });
  assert.equal(pairs.length, 41);
  assert.equal(pairs.filter((p) => p.same).length, 21);
  const id = (p: string) => p.split("/")[0];
  for (const p of pairs) {
    assert.equal(id(p.a) === id(p.b), p.same);
    assert.notEqual(p.a, p.b);
  }
  const keys = pairs.map((p) => [p.a, p.b].sort().join("|"));
  assert.equal(new Set(keys).size, 41);
  assert.deepEqual(makePairs(ds, { count: 41, seed: 3 }), pairs);
  assert.notDeepEqual(makePairs(ds, { count: 41, seed: 4 }), pairs);
  assert.throws(
    () => makePairs(fakeDataset([1, 1]), { count: 2 }),
    /no identity with 2 or more images/,
  );
});

Deno.test("formatPairsCsv() round-trips through readPairs()", () => {
  const pairs = makePairs(fakeDataset([3, 3, 2]), { count: 6, seed: 1 });
  assert.deepEqual(parsePairs(formatPairsCsv(pairs)), pairs);
});

const dev = devFacesDir();
Deno.test({
  name:
    "readPairs() reads the LFW dev pairs.csv and pairsDevTest.txt alike, and every image exists",
  ignore: !dev,
  async fn() {
    const csv = await readPairs(`${dev}lfw/pairs.csv`);
    const txt = await readPairs(`${dev}lfw/pairsDevTest.txt`);
    assert.equal(csv.length, 999);
    assert.equal(csv.filter((p) => p.same).length, 500);
    assert.deepEqual(txt, csv);
    const ds = await scanDataset(`${dev}lfw`);
    const have = new Set(ds.items.map((i) => i.path));
    for (const p of csv) assert.ok(have.has(p.a) && have.has(p.b), `${p.a} ${p.b}`);
    const made = makePairs(ds, { count: 200, seed: 1 });
    assert.equal(made.filter((p) => p.same).length, 100);
    assert.ok(groupByLabel(ds).length === 1001);
  },
});
if (!dev) console.warn("pairs_test: ../shared/faces/dev is absent; the LFW pairs test is skipped");
