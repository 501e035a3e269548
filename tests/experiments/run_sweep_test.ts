import assert from "node:assert/strict";
import {
  cellKey,
  decodeJson,
  defineExperiment,
  encodeJson,
  runExperiment,
  runSweep,
  shardCells,
} from "../../lib/experiment/mod.ts";

/** A sweep over learning rates whose cells count their executions (per name) in `ran`. */
function counting(ran: string[], failAt?: string) {
  return defineExperiment({
    name: "lr-sweep",
    describe: "a counting sweep",
    base: { seed: 1, lrs: [0.1, 0.2, 0.3, 0.4, 0.5], optimizer: "sgd" },
    presets: { ci: {}, small: {}, paper: {} },
    choices: { optimizer: ["sgd", "adam"] },
    sweep: (c) => c.lrs.map((lr) => ({ name: `lr=${lr}`, set: { lrs: [lr] } })),
    async cell(c, ctx) {
      if (ctx.cell === failAt) throw new Error(`killed at ${ctx.cell}`);
      ran.push(ctx.cell);
      await ctx.log({ cell: ctx.cell, loss: c.lrs[0] });
      return { loss: 1 - c.lrs[0], nan: NaN };
    },
    analyse: (cells) => ({
      summary: { losses: cells.map((c) => c.result.loss), nan: cells[0].result.nan },
    }),
  });
}

const quiet = { preset: "ci" as const, print: () => {}, progress: "silent" as const };

Deno.test("a second run reads every cell back from the cache and gives the same summary and metrics", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const ran: string[] = [];
    const first = await runExperiment(counting(ran), { ...quiet, outDir });
    const second = await runExperiment(counting(ran), { ...quiet, outDir });
    assert.equal(ran.length, 5);
    assert.equal(first.cellsRun, 5);
    assert.equal(second.cellsCached, 5);
    assert.deepEqual(second.summary.losses, first.summary.losses);
    assert.ok(Number.isNaN(second.summary.nan), "NaN survives the cache");
    assert.deepEqual(second.history, first.history); // the cells' records are replayed
    // Changing one cell's config re-runs only the cells whose resolved config changed.
    await runExperiment(counting(ran), { ...quiet, outDir, set: ["lrs=0.1,0.9"] });
    assert.deepEqual(ran.slice(5), ["lr=0.9"]);
    // --fresh (cache: false) runs them again.
    await runExperiment(counting(ran), { ...quiet, outDir, set: ["lrs=0.1"], cache: false });
    assert.deepEqual(ran.slice(6), ["lr=0.1"]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a cell cached by other code runs again, unless reuseStale (re-analysis), which is counted", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const ran: string[] = [];
    const first = await runExperiment(counting(ran), { ...quiet, outDir });
    assert.equal(first.cellsRun, 5);
    // Pretend two cells were computed by an earlier version of lib/: another code fingerprint.
    const dir = `${outDir}/lr-sweep/cells`;
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".json"))
      .sort();
    assert.equal(files.length, 5);
    for (const f of files.slice(0, 2)) {
      const cell = JSON.parse(Deno.readTextFileSync(`${dir}/${f}`));
      assert.match(cell.code, /^[0-9a-f]{16}$/, "each cell stores the code fingerprint");
      assert.equal(typeof cell.backend, "string");
      Deno.writeTextFileSync(`${dir}/${f}`, JSON.stringify({ ...cell, code: "0000000000000000" }));
    }
    const lines: string[] = [];
    const reused = await runExperiment(counting(ran), {
      ...quiet,
      outDir,
      reuseStale: true,
      print: (l) => lines.push(l),
    });
    assert.equal(ran.length, 5, "reuseStale runs nothing");
    assert.equal(reused.summary.staleCells, 2);
    assert.ok(lines.some((l) => /2 of 5 cells were computed by an earlier version/.test(l)));
    const again = await runExperiment(counting(ran), { ...quiet, outDir });
    assert.equal(ran.length, 7, "without reuseStale the two stale cells run again");
    assert.equal(again.cellsCached, 3);
    assert.equal(again.summary.staleCells, undefined);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a sweep killed half-way resumes from the cells it finished", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const ran: string[] = [];
    await assert.rejects(
      () => runExperiment(counting(ran, "lr=0.3"), { ...quiet, outDir }),
      /killed at lr=0.3/,
    );
    assert.deepEqual(ran, ["lr=0.1", "lr=0.2"]);
    const r = await runExperiment(counting(ran), { ...quiet, outDir });
    assert.deepEqual(ran.slice(2), ["lr=0.3", "lr=0.4", "lr=0.5"]);
    assert.equal(r.cellsCached, 2);
    assert.deepEqual(r.summary.losses, [0.9, 0.8, 0.7, 0.6, 0.5]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("shards k/n split the cells round-robin; --merge needs them all and runs none", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const ran: string[] = [];
    const s1 = await runSweep(counting(ran), { ...quiet, outDir, shard: "1/2" });
    assert.deepEqual(s1.cells.map((c) => c.name), ["lr=0.1", "lr=0.3", "lr=0.5"]);
    await assert.rejects(
      () => runExperiment(counting(ran), { ...quiet, outDir, cachedOnly: true }),
      /cannot merge: 2 of 5 cells are not in .*'lr=0.2' \(cell 2\), 'lr=0.4' \(cell 4\)/,
    );
    const s2 = await runSweep(counting(ran), { ...quiet, outDir, shard: "2/2" });
    assert.deepEqual(s2.cells.map((c) => c.name), ["lr=0.2", "lr=0.4"]);
    const merged = await runExperiment(counting(ran), { ...quiet, outDir, cachedOnly: true });
    assert.equal(ran.length, 5, "each cell ran once, in its shard");
    assert.equal(merged.cellsCached, 5);
    assert.deepEqual(merged.summary.losses, [0.9, 0.8, 0.7, 0.6, 0.5]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a bad --set choice or shard fails before any cell runs", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const ran: string[] = [];
    await assert.rejects(
      () => runExperiment(counting(ran), { ...quiet, outDir, set: ["optimizer=foo"] }),
      /'optimizer' cannot be "foo"; valid choices: sgd, adam/,
    );
    await assert.rejects(
      () => runSweep(counting(ran), { ...quiet, outDir, shard: "3/2" }),
      /expected 'k\/n' with 1 ≤ k ≤ n/,
    );
    assert.deepEqual(ran, []);
    // No run folder was opened either.
    assert.deepEqual([...Deno.readDirSync(outDir)], []);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("shardCells() partitions a list; cellKey() ignores key order and changes with the config", async () => {
  const cells = ["a", "b", "c", "d", "e", "f", "g"];
  const parts = [1, 2, 3].map((k) => shardCells(cells, { k, n: 3 }));
  assert.deepEqual(parts.flat().sort(), cells);
  assert.deepEqual(parts.map((p) => p.length), [3, 2, 2]);
  const k1 = await cellKey("x", 1, "c", { a: 1, b: [2] });
  assert.equal(await cellKey("x", 1, "c", { b: [2], a: 1 }), k1);
  assert.notEqual(await cellKey("x", 1, "c", { a: 2, b: [2] }), k1);
  assert.notEqual(await cellKey("x", 2, "c", { a: 1, b: [2] }), k1, "the version is in the key");
  const back = decodeJson(
    encodeJson({ n: [NaN, Infinity, -Infinity, 1], t: new Float32Array([1]) }),
  );
  assert.deepEqual(back, { n: [NaN, Infinity, -Infinity, 1], t: [1] });
});
