import assert from "node:assert/strict";
import sharp from "sharp";
import {
  ensureSynth,
  generateSynth,
  renderSynthImage,
  synthCacheDir,
} from "../../../lib/data/synth/synth.ts";
import { scanDataset } from "../../../lib/data/dataset/dataset.ts";
import { readPairs } from "../../../lib/data/dataset/pairs.ts";

/** sha-256 of every file under dir (relative path → hex), hidden files included. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(`${dir}/${rel}`)) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(p);
      else {
        const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(`${dir}/${p}`));
        out.set(
          p,
          Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
        );
      }
    }
  };
  await walk("");
  return new Map([...out].sort());
}

const OPTS = { identities: 5, perIdentity: 4, size: 48, seed: 11 } as const;

Deno.test("generateSynth() writes byte-identical trees for the same seed, whatever the concurrency", async () => {
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir(), c = await Deno.makeTempDir();
  try {
    await generateSynth(a, { ...OPTS, concurrency: 1 });
    await generateSynth(b, { ...OPTS, concurrency: 7 });
    await generateSynth(c, { ...OPTS, seed: 12 });
    const ha = await hashTree(a), hb = await hashTree(b), hc = await hashTree(c);
    assert.equal(ha.size, 5 * 4 + 2); // images + pairs.csv + synth.json
    assert.deepEqual(ha, hb);
    const imgs = [...ha.keys()].filter((k) => k.endsWith(".png"));
    assert.ok(imgs.every((k) => ha.get(k) !== hc.get(k)), "another seed gives other images");
  } finally {
    for (const d of [a, b, c]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("generateSynth() writes the identity-per-folder layout, pairs.csv and synth.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await generateSynth(dir, { ...OPTS, format: "jpg", pairs: 10 });
    assert.equal(r.written, 20);
    const ds = await scanDataset(dir);
    assert.deepEqual(ds.identities, ["id_00000", "id_00001", "id_00002", "id_00003", "id_00004"]);
    assert.deepEqual(ds.items.slice(0, 4).map((i) => i.path), [
      "id_00000/0000.jpg",
      "id_00000/0001.jpg",
      "id_00000/0002.jpg",
      "id_00000/0003.jpg",
    ]);
    assert.deepEqual(ds.items, r.dataset.items.map((it) => ({ ...it })));
    const meta = await sharp(`${dir}/id_00003/0002.jpg`).metadata();
    assert.equal(meta.format, "jpeg");
    assert.equal(meta.width, 48);
    assert.equal(meta.height, 48);
    assert.equal(meta.channels, 3);
    const pairs = await readPairs(`${dir}/pairs.csv`);
    assert.equal(pairs.length, 10);
    assert.equal(pairs.filter((p) => p.same).length, 5);
    for (const p of pairs) {
      assert.equal(p.a.split("/")[0] === p.b.split("/")[0], p.same, `${p.a} ${p.b}`);
      await Deno.stat(`${dir}/${p.a}`);
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/synth.json`));
    assert.equal(json.complete, true);
    assert.equal(json.identities, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generateSynth() resumes: a rerun writes only the missing files and the tree matches", async () => {
  const full = await Deno.makeTempDir(), part = await Deno.makeTempDir();
  try {
    await generateSynth(full, OPTS);
    await generateSynth(part, OPTS);
    await Deno.remove(`${part}/id_00001/0002.png`);
    await Deno.remove(`${part}/id_00004`, { recursive: true });
    const r = await generateSynth(part, OPTS);
    assert.equal(r.written, 5);
    assert.equal(r.skipped, 15);
    assert.deepEqual(await hashTree(part), await hashTree(full));
  } finally {
    for (const d of [full, part]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("generateSynth() stops on abort, leaves no partial file, and a rerun completes the same tree", async () => {
  const full = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  try {
    await generateSynth(full, OPTS);
    const ctl = new AbortController();
    let ticks = 0;
    const progress = {
      tick() {
        if (++ticks === 6) ctl.abort(new Error("stop here"));
      },
      fail() {},
      done() {},
      count: 0,
      failures: 0,
    };
    await assert.rejects(
      generateSynth(cut, { ...OPTS, concurrency: 2, signal: ctl.signal, progress }),
      /stop here/,
    );
    const partial = await hashTree(cut);
    assert.ok(partial.size < 20, `stopped early (${partial.size} files)`);
    assert.ok(![...partial.keys()].some((k) => k.includes("/.")), "no temporary file is left");
    assert.equal(JSON.parse(await Deno.readTextFile(`${cut}/synth.json`)).complete, false);
    const fullHashes = await hashTree(full);
    for (const [k, h] of partial) if (k !== "synth.json") assert.equal(h, fullHashes.get(k), k);
    await generateSynth(cut, OPTS);
    assert.deepEqual(await hashTree(cut), await hashTree(full));
  } finally {
    for (const d of [full, cut]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("ensureSynth() generates once, then reuses; other options start the folder afresh", async () => {
  const base = await Deno.makeTempDir();
  try {
    const dir = synthCacheDir(base, OPTS);
    assert.equal((await ensureSynth(dir, OPTS)).written, 20);
    const again = await ensureSynth(dir, OPTS);
    assert.equal(again.written, 0);
    assert.equal(again.dataset.items.length, 20);
    const other = await ensureSynth(dir, { ...OPTS, perIdentity: 2 });
    assert.equal(other.written, 10);
    assert.equal((await scanDataset(dir)).items.length, 10);
    assert.notEqual(synthCacheDir(base, OPTS), synthCacheDir(base, { ...OPTS, difficulty: 2 }));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

async function pixels(
  seed: number,
  id: number,
  img: number,
  difficulty: number,
): Promise<Uint8Array> {
  const png = await renderSynthImage(seed, id, img, { size: 48, difficulty });
  return new Uint8Array(await sharp(png).raw().toBuffer());
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

Deno.test("difficulty 0 renders every image of an identity the same, and differs between identities", async () => {
  const a0 = await pixels(3, 0, 0, 0), a1 = await pixels(3, 0, 1, 0), b0 = await pixels(3, 1, 0, 0);
  assert.deepEqual(a0, a1);
  assert.ok(meanAbsDiff(a0, b0) > 5);
});

Deno.test("the within-identity change grows with difficulty", async () => {
  const within = async (d: number) => {
    let s = 0, n = 0;
    for (let id = 0; id < 4; id++) {
      const first = await pixels(5, id, 0, d);
      for (let j = 1; j < 4; j++) (s += meanAbsDiff(first, await pixels(5, id, j, d))), n++;
    }
    return s / n;
  };
  const [w03, w1, w2] = [await within(0.3), await within(1), await within(2)];
  assert.ok(w03 < w1 && w1 < w2, `within-identity mean |Δ|: d0.3 ${w03}, d1 ${w1}, d2 ${w2}`);
});

Deno.test("generateSynth() names the bad option", async () => {
  await assert.rejects(
    generateSynth("/nonexistent-never", { identities: 0 }),
    /'identities' must be an integer ≥ 1, got 0/,
  );
  await assert.rejects(
    generateSynth("/nonexistent-never", { difficulty: -1 }),
    /'difficulty' must be ≥ 0, got -1/,
  );
  await assert.rejects(
    generateSynth("/nonexistent-never", { identities: 1, pairs: 5 }),
    /pairs need/,
  );
});

Deno.test("generateSynth() refuses to resume into a folder made with other options", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await generateSynth(dir, { ...OPTS, perIdentity: 1, pairs: 0 });
    await assert.rejects(
      generateSynth(dir, { ...OPTS, perIdentity: 1, pairs: 0, difficulty: 2 }),
      /holds a synthetic set made with other options \(difficulty 1 there, 2 asked\)/,
    );
    const r = await generateSynth(dir, { ...OPTS, perIdentity: 1, pairs: 0 });
    assert.equal(r.written, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
