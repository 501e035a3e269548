import assert from "node:assert/strict";
import { type Embedder, evaluatePairs, verifyPairs } from "../../lib/eval/mod.ts";
import { createRng } from "../../lib/random/mod.ts";

/** An embedder that looks rows up by file name and counts calls. */
function lookupEmbedder(rows: Record<string, number[]>): Embedder & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: "lookup",
    inputSize: 8,
    calls,
    embed: () => {
      throw new Error("not used");
    },
    embedFile: (p: string) => {
      calls.push(p);
      return Promise.resolve(Float32Array.from(rows[p.split("/").pop()!]));
    },
  };
}

function toyPairs(seed: number, n: number) {
  const rng = createRng(seed);
  const rows: Record<string, number[]> = {};
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const same = i % 2 === 0;
    const base = [rng.normal() * 3, rng.normal() * 3];
    rows[`p${i}a`] = base;
    rows[`p${i}b`] = same
      ? base.map((v) => v + rng.normal() * 0.5)
      : [rng.normal() * 3, rng.normal() * 3];
    pairs.push({ a: `p${i}a`, b: `p${i}b`, same, fold: i % 5 });
  }
  return { rows, pairs };
}

Deno.test("evaluatePairs() embeds each distinct image once and verifies the pair distances", async () => {
  const { rows, pairs } = toyPairs(1, 60);
  pairs.push({ a: "p0a", b: "p2b", same: false, fold: 0 }); // repeats two images
  const embedder = lookupEmbedder(rows);
  const r = await evaluatePairs(embedder, pairs, { root: "/faces", folds: 5 });
  assert.equal(embedder.calls.length, 120, "each of the 120 distinct images once");
  assert.equal(r.paths.length, 120);
  assert.equal(r.folds, "file", "the pairs' own folds (5 of them) are used when --folds matches");
  const d0 = Math.hypot(rows.p0a[0] - rows.p2b[0], rows.p0a[1] - rows.p2b[1]);
  assert.ok(Math.abs(r.distances[60] - d0) < 1e-5);
  const direct = verifyPairs(r.distances, pairs.map((p) => p.same), {
    folds: 5,
    foldOf: pairs.map((p) => p.fold),
  });
  assert.deepEqual(r.verification, direct);
  assert.ok(r.verification.accuracy > 0.7, `accuracy ${r.verification.accuracy}`);
});

Deno.test("evaluatePairs() uses the file's folds by default and rejects a 'folds' that disagrees", async () => {
  const { rows, pairs } = toyPairs(2, 40);
  const own = await evaluatePairs(lookupEmbedder(rows), pairs);
  assert.equal(own.folds, "file");
  assert.equal(own.verification.folds, 5);
  await assert.rejects(
    () => evaluatePairs(lookupEmbedder(rows), pairs, { folds: 4 }),
    /the pairs define 5 folds but 'folds' is 4/,
  );
  const drawn = await evaluatePairs(lookupEmbedder(rows), pairs, {
    folds: 4,
    seed: 3,
    fileFolds: false,
  });
  assert.equal(drawn.folds, "stratified");
  assert.equal(drawn.verification.folds, 4);
});

Deno.test("evaluatePairs() names the pair whose embedding is not finite", async () => {
  const rows = { a: [0], b: [NaN], c: [1], d: [2] };
  const pairs = [
    { a: "a", b: "b", same: true },
    { a: "c", b: "d", same: true },
    { a: "a", b: "c", same: false },
    { a: "b", b: "d", same: false },
  ];
  await assert.rejects(
    () => evaluatePairs(lookupEmbedder(rows), pairs, { folds: 2 }),
    /lookup gave a non-finite distance \(NaN\) for pair 0 \('a', 'b'\)/,
  );
});
