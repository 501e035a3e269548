import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { hardestPairs } from "../../lib/experiment/analysis/mod.ts";
import { caseStudy } from "../../experiments/case_study.ts";

Deno.test("case-study (ci) draws the hardest positive and negative pairs as grids, distances sorted", async () => {
  await useTestBackend();
  const outDir = await Deno.makeTempDir();
  try {
    const r = await assertNoLeak(() =>
      runExperiment(caseStudy, { preset: "ci", outDir, print: () => {}, progress: "silent" })
    );
    const { show } = caseStudy.presets.ci;
    const pos = r.summary.hardestPositiveDistances as number[];
    const neg = r.summary.hardestNegativeDistances as number[];
    assert.equal(pos.length, show);
    assert.equal(neg.length, show);
    for (let i = 1; i < show; i++) {
      assert.ok(pos[i] <= pos[i - 1], `positives by decreasing distance: ${pos}`);
      assert.ok(neg[i] >= neg[i - 1], `negatives by increasing distance: ${neg}`);
    }
    assert.ok(pos.every(Number.isFinite) && neg.every(Number.isFinite));
    // verification on pairs of the 4 held-out identities (never trained on), against chance
    const acc = r.summary.verificationAccuracy, ci = r.summary.heldOutCi;
    assert.ok(acc >= 0 && acc <= 1, `verification accuracy ${acc}`);
    assert.equal(r.summary.heldOutChance, 0.5);
    assert.ok(ci[0] <= acc && acc <= ci[1], `${acc} outside ${ci}`);
    assert.equal(r.summary.aboveChance, ci[0] > 0.5);
    assert.match(r.summary.heldOut, /over 120 pairs of 4 identities never trained on/);
    assert.equal(r.summary.pairs.positive + r.summary.pairs.negative, 120);
    const logged = (await Deno.readTextFile(`${r.dir}/metrics.jsonl`)).trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    const d = logged.find((l) => l.type === "data");
    const trained = new Set(d.trainIdentities as string[]);
    assert.equal(trained.size, 12);
    // the grids show only identities the model never saw
    for (const p of r.summary.hardestPositives.concat(r.summary.hardestNegatives)) {
      for (const path of p.split(": ")[0].split(" ~ ")) {
        assert.ok(!trained.has(path.split("/").slice(-2, -1)[0]), path);
      }
    }
    const [posGrid, negGrid, hist] = r.figures!;
    for (const grid of [posGrid, negGrid]) {
      // Two images per pair, each a PNG data URL with a caption; the second carries the distance.
      assert.equal(grid.data.length, 2 * show);
      assert.ok(
        grid.data.every((t) => t.type === "image" && /^data:image\/png/.test(t.source as string)),
      );
      const captions = (grid.layout.annotations as { text: string }[]).map((a) => a.text);
      assert.equal(captions.filter((c) => / d=\d/.test(c)).length, show);
    }
    assert.match(
      (negGrid.layout.annotations as { text: string }[])[1].text,
      new RegExp(`d=${neg[0].toFixed(3)}`),
    );
    assert.equal(hist.data.length, 2);
    assert.equal(r.figures!.length, 3);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("hardestPairs() ranks positives by largest and negatives by smallest distance and flags errors", () => {
  const pairs = [
    { a: "p1", b: "q1", same: true },
    { a: "p2", b: "q2", same: true },
    { a: "n1", b: "m1", same: false },
    { a: "n2", b: "m2", same: false },
    { a: "p3", b: "q3", same: true },
  ];
  const h = hardestPairs(pairs, [0.1, 0.9, 0.3, 1.2, 0.5], { count: 2, threshold: 0.6 });
  assert.deepEqual(h.positives.map((p) => [p.a, p.distance, p.misclassified]), [
    ["p2", 0.9, true],
    ["p3", 0.5, false],
  ]);
  assert.deepEqual(h.negatives.map((p) => [p.a, p.distance, p.misclassified]), [
    ["n1", 0.3, true],
    ["n2", 1.2, false],
  ]);
  assert.throws(
    () => hardestPairs(pairs, [1], { count: 1, threshold: 0 }),
    /1 distances for 5 pairs/,
  );
});
