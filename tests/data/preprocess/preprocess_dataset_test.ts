import assert from "node:assert/strict";
import sharp from "sharp";
import { assertNoLeak, useTestBackend } from "../../_helpers/leak.ts";
import { preprocessDataset } from "../../../lib/data/preprocess/preprocess_dataset.ts";
import {
  type ManifestEntry,
  mergeManifests,
  readManifest,
} from "../../../lib/data/preprocess/manifest.ts";
import { preloadFaceApi } from "../../../lib/data/face/face_api.ts";
import { encodeNetpbm } from "../../../lib/data/decode/netpbm.ts";
import { encodeBmp } from "../../../lib/data/decode/bmp.ts";
import { shardOf } from "../../../lib/data/preprocess/shard.ts";
import {
  bytesOf,
  facePhoto,
  hugePngHeader,
  sharpOf,
  treeBytes,
  writeFaceSet,
} from "../face/_face_fixture.ts";
import { TASK_PERMISSIONS } from "../../../lib/cli/mod.ts";
import { symlink } from "../_symlink.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

async function ready(): Promise<void> {
  await useTestBackend();
  await preloadFaceApi({ detector: "tiny" });
}

const byPath = (entries: ManifestEntry[]) =>
  [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

Deno.test("preprocessDataset() handles the whole format corpus and records each broken file", async () => {
  await ready();
  const dir = await Deno.makeTempDir({ prefix: "corpus-" });
  const inDir = `${dir}/in`, outDir = `${dir}/out`;
  const face = await facePhoto(160);
  const s = () => sharpOf(face);
  const rgba = await sharpOf(face).ensureAlpha(1).raw().toBuffer();
  for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) rgba[4 * (y * 160 + x) + 3] = 0; // clear corner
  // Stored sideways (160 wide × 128 high upright), tagged "rotate 90° clockwise to display".
  const exif = await bytesOf(
    s().extract({ left: 0, top: 0, width: 160, height: 128 }).rotate(-90).jpeg({ quality: 92 })
      .withMetadata({ orientation: 6 }),
  );
  const goodJpeg = await bytesOf(s().jpeg({ quality: 92 }));
  const files: Record<string, Uint8Array> = {
    "formats/jpeg_baseline.jpg": goodJpeg,
    "formats/jpeg_progressive.JPG": await bytesOf(s().jpeg({ quality: 92, progressive: true })),
    "formats/jpeg_cmyk.jpeg": await bytesOf(s().toColourspace("cmyk").jpeg({ quality: 92 })),
    "formats/jpeg_exif6.jpg": exif,
    "formats/png8.png": await bytesOf(s().png()),
    "formats/png16.png": await bytesOf(s().toColourspace("rgb16").png()),
    "formats/png_grey.png": await bytesOf(s().greyscale().png()),
    "formats/png_alpha.png": await bytesOf(
      sharp(rgba, { raw: { width: 160, height: 160, channels: 4 } }).png(),
    ),
    "formats/webp.webp": await bytesOf(s().webp({ quality: 90 })),
    "formats/gif.gif": await bytesOf(s().gif()),
    "formats/tiff.tif": await bytesOf(s().tiff({ compression: "lzw" })),
    "formats/bmp24.bmp": encodeBmp(face),
    "formats/bmp32.bmp": encodeBmp(face, { bitsPerPixel: 32, topDown: true }),
    "formats/pgm_p5.pgm": encodeNetpbm(face, { kind: "P5" }),
    "formats/pgm_p5_16bit.pgm": encodeNetpbm(face, { kind: "P5", maxval: 65535 }),
    "formats/pgm_p2.pgm": encodeNetpbm(face, { kind: "P2" }),
    "formats/ppm_p6.ppm": encodeNetpbm(face, { kind: "P6" }),
    "formats/ppm_p6_16bit.ppm": encodeNetpbm(face, { kind: "P6", maxval: 65535 }),
    "formats/ppm_p3.ppm": encodeNetpbm(face, { kind: "P3" }),
    "broken/empty.jpg": new Uint8Array(0),
    "broken/truncated.jpg": goodJpeg.slice(0, Math.floor(goodJpeg.length / 2)),
    "broken/not_an_image.jpg": new TextEncoder().encode("<html>404 not found</html>"),
    "broken/huge.png": hugePngHeader(60_000, 60_000),
    "broken/tiny_8x8.png": await bytesOf(
      sharp({ create: { width: 8, height: 8, channels: 3, background: "#777" } }).png(),
    ),
    "noface/flat.png": await bytesOf(
      sharp({ create: { width: 120, height: 90, channels: 3, background: "#8a8a8a" } }).png(),
    ),
    // Not images, hidden, or in an "_" folder: never listed.
    "formats/notes.txt": new TextEncoder().encode("not listed"),
    ".hidden/x.jpg": goodJpeg,
    "_private/x.jpg": goodJpeg,
  };
  for (const [rel, bytes] of Object.entries(files)) {
    await Deno.mkdir(`${inDir}/${rel.slice(0, rel.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeFile(`${inDir}/${rel}`, bytes);
  }
  await symlink(`${inDir}/broken/missing.jpg`, `${inDir}/broken/dangling.jpg`);
  const expected: Record<string, [string, string?]> = {
    "broken/empty.jpg": ["error", "empty"],
    "broken/truncated.jpg": ["error", "truncated"],
    "broken/not_an_image.jpg": ["error", "not-an-image"],
    "broken/huge.png": ["error", "too-large"],
    "broken/tiny_8x8.png": ["error", "too-small"],
    "broken/dangling.jpg": ["error", "unreadable"],
    "noface/flat.png": ["no-face"],
  };
  // Root reads every file whatever its mode, so an unreadable-permission file is only testable
  // for other users; the dangling link above covers "unreadable" everywhere.
  if (Deno.uid() !== 0) {
    await Deno.writeFile(`${inDir}/broken/no_permission.jpg`, goodJpeg);
    await Deno.chmod(`${inDir}/broken/no_permission.jpg`, 0o000);
    expected["broken/no_permission.jpg"] = ["error", "unreadable"];
  }
  for (const rel of Object.keys(files)) {
    if (rel.startsWith("formats/") && !rel.endsWith(".txt")) expected[rel] = ["ok"];
  }

  const result = await assertNoLeak(() =>
    preprocessDataset(inDir, outDir, { workers: 0, size: 112 })
  );
  const entries = await readManifest(result.manifest);
  assert.deepEqual(entries.map((e) => e.path).sort(), Object.keys(expected).sort());
  for (const e of entries) {
    const [status, reason] = expected[e.path];
    assert.equal(e.status, status, `${e.path}: ${e.status} (${e.reason}: ${e.detail ?? ""})`);
    if (reason) assert.equal(e.reason, reason, `${e.path}: ${e.detail}`);
    if (status === "ok") {
      assert.equal(e.identity, "formats");
      assert.equal(e.landmarks?.length, 68);
      assert.ok(e.box && e.score! >= 0.5);
      assert.equal(e.output, e.path.replace(/\.[^.]+$/, ".jpg"));
      const meta = await sharp(`${outDir}/${e.output}`).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ["jpeg", 112, 112], e.path);
    }
  }
  const exifEntry = entries.find((e) => e.path === "formats/jpeg_exif6.jpg")!;
  assert.deepEqual([exifEntry.width, exifEntry.height], [160, 128], "EXIF orientation applied");
  const noFace = entries.find((e) => e.path === "noface/flat.png")!;
  assert.equal(noFace.output, "noface/flat.jpg"); // --on-no-face center writes the whole image
  assert.match(noFace.reason!, /no face/);
  assert.equal(result.errors, Object.values(expected).filter(([s]) => s === "error").length);
  assert.equal(result.aborted, false);
  // No temporary files are left, and nothing was written for the broken files.
  const tree = await treeBytes(outDir);
  assert.ok(![...tree.keys()].some((k) => k.includes("tmp")), [...tree.keys()].join());
  assert.ok(![...tree.keys()].some((k) => k.startsWith("broken/")));
  // A rerun finds everything done and changes nothing.
  const again = await preprocessDataset(inDir, outDir, { workers: 0, size: 112 });
  assert.equal(again.processed, 0);
  assert.equal(again.resumed, entries.length);
  assert.deepEqual(await readManifest(result.manifest), entries);
  // --on-no-face skip writes nothing for a face-less image.
  const skipped = await preprocessDataset(`${inDir}/noface`, `${dir}/skip`, {
    workers: 0,
    onNoFace: "skip",
  });
  assert.equal(skipped.noFace, 1);
  const [skipEntry] = await readManifest(skipped.manifest);
  assert.equal(skipEntry.output, undefined);
  assert.deepEqual([...(await treeBytes(`${dir}/skip`)).keys()], ["manifest.jsonl"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("preprocessDataset() shards partition the set and their merged manifest equals one run's", async () => {
  await ready();
  const dir = await Deno.makeTempDir({ prefix: "shards-" });
  const paths = await writeFaceSet(`${dir}/in`, 18);
  const whole = await preprocessDataset(`${dir}/in`, `${dir}/whole`, { workers: 0, size: 64 });
  assert.equal(whole.total, 18);
  const seen = new Set<string>();
  for (let k = 1; k <= 3; k++) {
    const r = await preprocessDataset(`${dir}/in`, `${dir}/sharded`, {
      workers: 0,
      size: 64,
      shard: `${k}/3`,
    });
    assert.ok(r.manifest.endsWith(`manifest.shard-${k}-of-3.jsonl`));
    for (const e of await readManifest(r.manifest)) {
      assert.equal(shardOf(e.path, 3), k);
      assert.ok(!seen.has(e.path), `${e.path} in two shards`);
      seen.add(e.path);
    }
  }
  assert.deepEqual([...seen].sort(), [...paths].sort());
  const merged = await mergeManifests([`${dir}/sharded`], {
    outFile: `${dir}/sharded/manifest.jsonl`,
  });
  assert.deepEqual(merged.conflicts, []);
  assert.equal(merged.duplicates, 0);
  assert.equal(merged.count, 18);
  // Byte-identical to the single run's manifest once that is sorted by path.
  const wholeSorted = byPath(await readManifest(whole.manifest)).map((e) =>
    JSON.stringify(e) + "\n"
  );
  assert.equal(await Deno.readTextFile(`${dir}/sharded/manifest.jsonl`), wholeSorted.join(""));
  // The sharded tree holds the same crops, byte for byte.
  const a = await treeBytes(`${dir}/whole`), b = await treeBytes(`${dir}/sharded`);
  for (const p of paths) {
    assert.ok(a.get(p), `${p} written`);
    assert.deepEqual(b.get(p), a.get(p), p);
  }
  await Deno.remove(dir, { recursive: true });
});

async function manifestLines(file: string): Promise<number> {
  try {
    return (await Deno.readTextFile(file)).split("\n").length - 1;
  } catch {
    return 0;
  }
}

function spawnPreprocess(inDir: string, outDir: string, workers: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...TASK_PERMISSIONS,
      `--config=${ROOT}deno.json`,
      `${ROOT}bin/preprocess.ts`,
      "--in",
      inDir,
      "--out",
      outDir,
      "--workers",
      String(workers),
      "--size",
      "96",
      "--quiet",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits until the manifest has at least `n` lines, or the process ends. */
async function waitForLines(child: Deno.ChildProcess, file: string, n: number): Promise<number> {
  let exited = false;
  child.status.then(() => (exited = true));
  for (;;) {
    const lines = await manifestLines(file);
    if (lines >= n || exited) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("a preprocess run killed mid-way, then Ctrl-C'd, then rerun equals an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "resume-" });
  const total = 48;
  await writeFaceSet(`${dir}/in`, total);
  const ref = spawnPreprocess(`${dir}/in`, `${dir}/ref`, 1);
  const refOut = await ref.output();
  assert.equal(refOut.code, 0, new TextDecoder().decode(refOut.stderr));

  const manifest = `${dir}/out/manifest.jsonl`;
  // 1. SIGKILL after a few images: no chance to clean up.
  const first = spawnPreprocess(`${dir}/in`, `${dir}/out`, 2);
  const atKill = await waitForLines(first, manifest, 6);
  first.kill("SIGKILL");
  await first.output();
  assert.ok(atKill >= 6 && atKill < total, `killed mid-run (${atKill} of ${total} done)`);
  // 2. SIGINT (Ctrl-C) a bit later: stops cleanly after the images in flight, exit code 130.
  const second = spawnPreprocess(`${dir}/in`, `${dir}/out`, 2);
  const before = await waitForLines(second, manifest, atKill + 6);
  second.kill("SIGINT");
  const secondOut = await second.output();
  const afterInt = await manifestLines(manifest);
  assert.ok(before < total && afterInt < total, `interrupted mid-run (${afterInt} of ${total})`);
  assert.equal(secondOut.code, 130, new TextDecoder().decode(secondOut.stderr));
  assert.ok((await Deno.readTextFile(manifest)).endsWith("\n"), "Ctrl-C leaves whole lines");
  // 3. Rerun to the end.
  const third = spawnPreprocess(`${dir}/in`, `${dir}/out`, 2);
  const thirdOut = await third.output();
  assert.equal(thirdOut.code, 0, new TextDecoder().decode(thirdOut.stderr));
  assert.match(
    new TextDecoder().decode(thirdOut.stdout),
    new RegExp(`${total}/${total} \\(${afterInt} resumed`),
  );

  const refEntries = byPath(await readManifest(`${dir}/ref/manifest.jsonl`));
  const outEntries = byPath(await readManifest(manifest));
  assert.equal(outEntries.length, total);
  assert.deepEqual(outEntries, refEntries);
  const a = await treeBytes(`${dir}/ref`), b = await treeBytes(`${dir}/out`);
  a.delete("manifest.jsonl");
  b.delete("manifest.jsonl");
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [k, v] of a) assert.deepEqual(b.get(k), v, k);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("preprocessDataset() with 'paths' crops only those images, and names a path that is not there before any work", async () => {
  await ready();
  const dir = await Deno.makeTempDir({ prefix: "paths-" });
  const paths = await writeFaceSet(`${dir}/in`, 6);
  const subset = [paths[4], paths[1]];
  await assert.rejects(
    () =>
      preprocessDataset(`${dir}/in`, `${dir}/out`, {
        workers: 0,
        size: 64,
        paths: [paths[0], "id9/missing.jpg"],
      }),
    /requested paths are not images of .*'id9\/missing\.jpg'/,
  );
  assert.deepEqual(
    [...Deno.readDirSync(`${dir}/out`)].filter((e) => e.name.endsWith(".jsonl")),
    [],
    "no manifest is written when a path is missing",
  );
  const r = await preprocessDataset(`${dir}/in`, `${dir}/out`, {
    workers: 0,
    size: 64,
    paths: subset,
  });
  assert.deepEqual(byPath(await readManifest(r.manifest)).map((e) => e.path), [...subset].sort());
  await Deno.remove(dir, { recursive: true });
});
