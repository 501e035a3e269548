import assert from "node:assert/strict";
import { devFacesDir } from "../../_helpers/leak.ts";
import {
  filterIdentities,
  groupByLabel,
  itemPath,
  scanDataset,
} from "../../../lib/data/dataset/dataset.ts";

async function tree(files: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "dataset_test_" });
  for (const f of files) {
    const slash = f.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(`${dir}/${f.slice(0, slash)}`, { recursive: true });
    if (!f.endsWith("/")) await Deno.writeFile(`${dir}/${f}`, new Uint8Array([1]));
  }
  return dir;
}

Deno.test("scanDataset() reads identity folders and skips hidden, `_` and root entries and non-images", async () => {
  const dir = await tree([
    "bob/b.JPG",
    "bob/a.png",
    "bob/.hidden.jpg",
    "bob/_skip.jpg",
    "bob/notes.txt",
    "ann/1.pgm",
    "_multi_person/x.jpg",
    ".cache/y.jpg",
    "pairs.csv",
    "root.jpg",
    "empty/",
  ]);
  try {
    const ds = await scanDataset(dir);
    assert.deepEqual(ds.identities, ["ann", "bob"]);
    assert.deepEqual(ds.items, [
      { path: "ann/1.pgm", identity: "ann", label: 0 },
      { path: "bob/a.png", identity: "bob", label: 1 },
      { path: "bob/b.JPG", identity: "bob", label: 1 },
    ]);
    assert.equal(itemPath(ds, ds.items[0].path), `${dir}/ann/1.pgm`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanDataset() filters by images per identity and renumbers labels", async () => {
  const dir = await tree(["a/1.jpg", "b/1.jpg", "b/2.jpg", "c/1.jpg", "c/2.jpg", "c/3.jpg"]);
  try {
    const ds = await scanDataset(dir, { minPerIdentity: 2, maxPerIdentity: 2 });
    assert.deepEqual(ds.identities, ["b", "c"]);
    assert.deepEqual(ds.items.map((i) => `${i.label}:${i.path}`), [
      "0:b/1.jpg",
      "0:b/2.jpg",
      "1:c/1.jpg",
      "1:c/2.jpg",
    ]);
    assert.deepEqual(groupByLabel(ds).map((g) => g.length), [2, 2]);
    assert.deepEqual(filterIdentities(ds, { identities: ["c"] }).items.map((i) => i.label), [0, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanDataset() names a missing root", async () => {
  await assert.rejects(
    scanDataset("/no/such/dataset"),
    /cannot read dataset root '\/no\/such\/dataset'/,
  );
});

const dev = devFacesDir();
Deno.test({
  name:
    "scanDataset() on the LFW dev subset finds the 1001 identities and 2333 images of its SOURCE.md",
  ignore: !dev,
  async fn() {
    const ds = await scanDataset(`${dev}lfw`);
    assert.equal(ds.identities.length, 1001);
    assert.equal(ds.items.length, 2333);
    assert.equal((await scanDataset(`${dev}lfw`, { minPerIdentity: 3 })).identities.length, 272);
    const knn = await scanDataset(`${dev}face_recognition-knn_examples`);
    assert.deepEqual(knn.identities, [
      "alex_lacamoire",
      "biden",
      "kit_harington",
      "obama",
      "rose_leslie",
    ]);
    assert.equal(knn.items.length, 12);
  },
});
if (!dev) console.warn("dataset_test: ../shared/faces/dev is absent; the LFW scan test is skipped");
