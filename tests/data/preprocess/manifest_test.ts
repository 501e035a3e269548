import assert from "node:assert/strict";
import {
  appendManifest,
  type ManifestEntry,
  mergeManifests,
  readManifest,
  streamManifest,
} from "../../../lib/data/preprocess/manifest.ts";
import { fnv1a32, parseShard, shardOf } from "../../../lib/data/preprocess/shard.ts";

const entry = (path: string, status: ManifestEntry["status"] = "ok"): ManifestEntry => ({
  path,
  identity: path.split("/")[0],
  status,
});

Deno.test("appendManifest() drops a partial last line left by a killed run, then appends", async () => {
  const file = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(
    file,
    JSON.stringify(entry("a/1.jpg")) + "\n" + '{"path":"a/2.jpg","ident',
  );
  const w = await appendManifest(file);
  assert.deepEqual([...w.finished], ["a/1.jpg"]);
  w.append(entry("a/2.jpg", "no-face"));
  w.close();
  const text = await Deno.readTextFile(file);
  assert.equal(text.split("\n").length, 3, "two whole lines, no fragment");
  assert.deepEqual((await readManifest(file)).map((e) => [e.path, e.status]), [["a/1.jpg", "ok"], [
    "a/2.jpg",
    "no-face",
  ]]);
  await Deno.remove(file);
});

Deno.test("streamManifest() reports byte ranges and flags an unterminated last line", async () => {
  const file = await Deno.makeTempFile();
  const first = JSON.stringify(entry("é/1.jpg")); // 2-byte characters: offsets count bytes
  const n = new TextEncoder().encode(first).length;
  assert.ok(n > first.length);
  await Deno.writeTextFile(file, `${first}\n\n${JSON.stringify(entry("x.jpg"))}`);
  const lines = [];
  for await (const l of streamManifest(file)) lines.push(l);
  assert.deepEqual(lines.map((l) => [l.offset, l.length, l.complete, l.entry?.path]), [
    [0, n, true, "é/1.jpg"],
    [n + 1, 0, true, undefined],
    [n + 2, JSON.stringify(entry("x.jpg")).length, false, undefined],
  ]);
  assert.deepEqual((await readManifest(file)).map((e) => e.path), ["é/1.jpg"]);
  await Deno.remove(file);
});

Deno.test("streamManifest() reads a manifest larger than its 1 MiB chunk", async () => {
  const file = await Deno.makeTempFile();
  const w = await appendManifest(file);
  const pad = "x".repeat(900);
  for (let i = 0; i < 3000; i++) w.append({ ...entry(`id/${i}.jpg`), detail: pad });
  w.close();
  assert.ok((await Deno.stat(file)).size > 2 << 20);
  const paths = (await readManifest(file)).map((e) => e.path);
  assert.equal(paths.length, 3000);
  assert.equal(paths[2999], "id/2999.jpg");
  await Deno.remove(file);
});

Deno.test("parseShard() accepts k/n with 1 ≤ k ≤ n and names bad input", () => {
  assert.deepEqual(parseShard("3/8"), { k: 3, n: 8 });
  for (const bad of ["0/4", "5/4", "1/0", "a/b", "2"]) {
    assert.throws(() => parseShard(bad), new RegExp(`got '${bad}'`));
  }
});

Deno.test("shardOf() partitions paths deterministically and roughly evenly", () => {
  assert.equal(fnv1a32("a"), 0xe40c292c); // FNV-1a reference value
  const paths = Array.from({ length: 4000 }, (_, i) => `id${i % 97}/img_${i}.jpg`);
  const counts = new Array(4).fill(0);
  for (const p of paths) {
    const k = shardOf(p, 4);
    assert.equal(k, shardOf(p, 4));
    counts[k - 1]++;
  }
  for (const c of counts) assert.ok(c > 900 && c < 1100, `shard sizes ${counts}`);
});

Deno.test("mergeManifests() joins shard manifests sorted by path and reports conflicts", async () => {
  const dir = await Deno.makeTempDir();
  const write = async (name: string, entries: ManifestEntry[]) => {
    const w = await appendManifest(`${dir}/${name}`);
    entries.forEach((e) => w.append(e));
    w.close();
  };
  await write("manifest.shard-1-of-2.jsonl", [entry("b/2.jpg"), entry("a/1.jpg")]);
  await write("manifest.shard-2-of-2.jsonl", [entry("a/0.jpg", "error")]);
  const m = await mergeManifests([dir], { outFile: `${dir}/manifest.jsonl` });
  assert.equal(m.count, 3);
  assert.equal(m.sources.length, 2);
  assert.equal(m.duplicates, 0);
  assert.deepEqual(m.conflicts, []);
  const merged = await readManifest(`${dir}/manifest.jsonl`);
  assert.deepEqual(merged.map((e) => e.path), ["a/0.jpg", "a/1.jpg", "b/2.jpg"]);
  assert.equal(merged[0].status, "error");
  // Merging again (the merged file is beside the shards) reads only the shards.
  assert.deepEqual((await mergeManifests([dir])).entries, merged);
  // The same entry twice is a duplicate, not a conflict.
  assert.equal((await mergeManifests([dir, `${dir}/manifest.shard-2-of-2.jsonl`])).duplicates, 1);
  // An overlapping, different entry is a conflict.
  await write("extra.jsonl", [entry("a/1.jpg", "no-face")]);
  const c = await mergeManifests([dir, `${dir}/extra.jsonl`]);
  assert.deepEqual(c.conflicts, ["a/1.jpg"]);
  await Deno.remove(dir, { recursive: true });
});
