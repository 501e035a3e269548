import assert from "node:assert/strict";
import { itemPath, scanDataset } from "../../../lib/data/dataset/dataset.ts";
import { detectLayout, parseListFile } from "../../../lib/data/dataset/layout.ts";

/** A tree of one-byte files (contents never read by a scan). */
async function tree(files: string[], text: Record<string, string> = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "layout_test_" });
  for (const f of files) {
    await Deno.mkdir(`${dir}/${f.slice(0, f.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeFile(`${dir}/${f}`, new Uint8Array([1]));
  }
  for (const [f, t] of Object.entries(text)) await Deno.writeTextFile(`${dir}/${f}`, t);
  return dir;
}

const VGG = [
  "train/n000002/0001_01.jpg",
  "train/n000002/0002_01.jpg",
  "train/n000002/0003_02.jpg",
  "train/n000003/0001_01.jpg",
  "test/n000001/0001_01.jpg",
  "test/n000001/0002_01.jpg",
];

Deno.test("scanDataset() reads a VGGFace2 root through its list files, train by default", async () => {
  const dir = await tree(VGG, {
    // Out of order, and 0003_02 left out: the list decides, the result is sorted.
    "train_list.txt": "n000003/0001_01.jpg\nn000002/0002_01.jpg\nn000002/0001_01.jpg\n",
    "test_list.txt": "n000001/0001_01.jpg\r\nn000001/0002_01.jpg\r\n",
  });
  try {
    assert.deepEqual(await detectLayout(dir), { kind: "vggface2", splits: ["train", "test"] });
    const train = await scanDataset(dir);
    assert.equal(train.root, `${dir}/train`);
    assert.deepEqual(train.identities, ["n000002", "n000003"]);
    assert.deepEqual(train.items.map((i) => `${i.label}:${i.path}`), [
      "0:n000002/0001_01.jpg",
      "0:n000002/0002_01.jpg",
      "1:n000003/0001_01.jpg",
    ]);
    assert.equal(itemPath(train, train.items[0].path), `${dir}/train/n000002/0001_01.jpg`);
    const test = await scanDataset(dir, { split: "test" });
    assert.deepEqual(test.identities, ["n000001"]);
    assert.equal(test.items.length, 2);
    // The split folder on its own is the plain identity-per-folder layout: all three files.
    const folder = await scanDataset(`${dir}/train`);
    assert.deepEqual(folder.items.map((i) => i.path), [
      "n000002/0001_01.jpg",
      "n000002/0002_01.jpg",
      "n000002/0003_02.jpg",
      "n000003/0001_01.jpg",
    ]);
    assert.equal((await scanDataset(dir, { minPerIdentity: 2 })).identities.join(), "n000002");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanDataset() names the list file and line of an image that is not there", async () => {
  const dir = await tree(VGG, {
    "train_list.txt": "n000002/0001_01.jpg\nn000002/0009_01.jpg\n",
  });
  try {
    await assert.rejects(
      scanDataset(dir),
      /train_list\.txt:2: 'n000002\/0009_01\.jpg' is not in '.*\/train'/,
    );
    await assert.rejects(
      scanDataset(dir, { split: "test" }),
      /VGGFace2 root without test_list\.txt \(it has train_list\.txt\)/,
    );
    await assert.rejects(
      scanDataset(`${dir}/train`, { split: "train" }),
      /'split' needs a VGGFace2 root/,
    );
    await assert.rejects(
      scanDataset(dir, { split: "val" as "train" }),
      /'split' must be "train" or "test", got 'val'/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanDataset() reads a CASIA-WebFace tree as identity folders, in code-point order", async () => {
  const dir = await tree([
    "0000099/001.jpg",
    "0000045/002.jpg",
    "0000045/001.jpg",
    "0000045/010.jpg",
    "0000107/001.jpg",
  ]);
  try {
    assert.deepEqual(await detectLayout(dir), { kind: "folders" });
    const ds = await scanDataset(dir);
    assert.deepEqual(ds.identities, ["0000045", "0000099", "0000107"]);
    assert.deepEqual(ds.items.map((i) => `${i.label}:${i.path}`), [
      "0:0000045/001.jpg",
      "0:0000045/002.jpg",
      "0:0000045/010.jpg",
      "1:0000099/001.jpg",
      "2:0000107/001.jpg",
    ]);
    // Its cleaned-list format (Windows separators, a label column) through `list`.
    await Deno.writeTextFile(`${dir}/cleaned_list.txt`, "0000045\\001.jpg 0\n0000107\\001.jpg 1\n");
    const listed = await scanDataset(dir, { list: `${dir}/cleaned_list.txt` });
    assert.deepEqual(listed.items.map((i) => i.path), ["0000045/001.jpg", "0000107/001.jpg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseListFile() refuses paths outside identity folders and duplicates, naming the line", () => {
  assert.throws(
    () => parseListFile("a/1.jpg\n/abs/1.jpg\n", "l.txt"),
    /l\.txt:2: expected a relative/,
  );
  assert.throws(() => parseListFile("../x/1.jpg\n", "l.txt"), /l\.txt:1: expected/);
  assert.throws(() => parseListFile("a/b/1.jpg\n", "l.txt"), /l\.txt:1: expected/);
  assert.throws(
    () => parseListFile("a/1.jpg\n\n# c\na/1.jpg\n", "l.txt"),
    /l\.txt:4: 'a\/1\.jpg' is listed twice/,
  );
  assert.deepEqual(parseListFile("# header\n\nn1/1.jpg\n", "l.txt"), [
    { identity: "n1", file: "1.jpg", line: 3 },
  ]);
});
