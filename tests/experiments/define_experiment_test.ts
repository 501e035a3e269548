import assert from "node:assert/strict";
import {
  defineExperiment,
  deriveExperiment,
  formatSummary,
  presetFromEnv,
  resolveConfig,
  runExperiment,
} from "../../lib/experiment/mod.ts";

type DemoConfig = {
  seed: number;
  lr: number;
  margins: number[];
  miner: "random" | "semihard";
  bn: boolean;
};
const base: DemoConfig = { seed: 1, lr: 0.05, margins: [0.2, 1, 4], miner: "random", bn: false };

const demo = defineExperiment({
  name: "demo",
  describe: "a demo",
  base,
  presets: {
    ci: { lr: 0.1, margins: [0.2, 1] },
    small: {},
    paper: { margins: [0.2], miner: "semihard", bn: true },
  },
  choices: { miner: ["random", "semihard"] },
  async cell(config, ctx) {
    for (let step = 0; step < 3; step++) await ctx.log({ step, loss: config.lr * (3 - step) });
    return { finalLoss: config.lr };
  },
  analyse: (cells, config) => ({
    summary: { finalLoss: cells[0].result.finalLoss, margins: config.margins },
    notes: ["why"],
  }),
});

Deno.test("defineExperiment() resolves each preset as the base with its delta applied", () => {
  assert.deepEqual(demo.presets.small, base);
  assert.deepEqual(demo.presets.ci, { ...base, lr: 0.1, margins: [0.2, 1] });
  assert.deepEqual(demo.presets.paper, { ...base, margins: [0.2], miner: "semihard", bn: true });
  assert.deepEqual(demo.deltas.small, {});
});

Deno.test("resolveConfig() defaults to the small preset and coerces --set values by the base's types", () => {
  assert.equal(resolveConfig(demo).lr, 0.05);
  const c = resolveConfig(demo, {
    preset: "ci",
    set: ["lr=0.5", "margins=0.1,2", "miner=semihard", "bn=true"],
  });
  assert.deepEqual(c, { seed: 1, lr: 0.5, margins: [0.1, 2], miner: "semihard", bn: true });
  assert.equal(resolveConfig(demo, { preset: "ci", seed: 9 }).seed, 9);
  assert.equal(resolveConfig(demo, { preset: "ci", set: { lr: 0.2 } }).lr, 0.2);
});

Deno.test("resolveConfig() rejects an unknown key, a bad value and a value outside its choices", () => {
  assert.throws(
    () => resolveConfig(demo, { set: ["lerning_rate=0.1"] }),
    /unknown config key 'lerning_rate'; valid keys: seed, lr, margins, miner, bn/,
  );
  assert.throws(
    () => resolveConfig(demo, { set: ["lr=fast"] }),
    /--set lr=fast: expected a number/,
  );
  assert.throws(() => resolveConfig(demo, { set: ["bn=maybe"] }), /expected true or false/);
  assert.throws(() => resolveConfig(demo, { set: ["lr"] }), /expects key=value, got 'lr'/);
  assert.throws(
    () => resolveConfig(demo, { set: ["miner=foo"] }),
    /'miner' cannot be "foo"; valid choices: random, semihard/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => resolveConfig(demo, { preset: "huge" as any }), /unknown preset 'huge'/);
});

Deno.test("defineExperiment() rejects a delta with a key the base lacks, another kind, or a bad choice", () => {
  const parts = {
    name: "bad",
    describe: "",
    cell: () => Promise.resolve(0),
    analyse: () => ({ summary: {} }),
  };
  assert.throws(
    () =>
      defineExperiment({
        ...parts,
        base: { seed: 1, a: 1 },
        presets: { ci: { b: 2 } as never, small: {}, paper: {} },
      }),
    /preset 'ci' sets 'b', which the base does not have; base keys: seed, a/,
  );
  assert.throws(
    () =>
      defineExperiment({
        ...parts,
        base: { seed: 1, a: 1 },
        presets: { ci: {}, small: { a: "x" } as never, paper: {} },
      }),
    /'a' is string in preset 'small' but number in the base/,
  );
  assert.throws(
    () =>
      defineExperiment({
        ...parts,
        base: { seed: 1, m: "x" },
        presets: { ci: {}, small: {}, paper: { m: "y" } },
        choices: { m: ["x"] },
      }),
    /preset 'paper': 'm' cannot be "y"; valid choices: x/,
  );
  assert.throws(
    () => defineExperiment({ ...parts, name: "Bad Name", base, presets: demo.deltas }),
    /kebab-case/,
  );
});

Deno.test("runExperiment() writes the run folder, the summary and the report, and prints the summary", async () => {
  const outDir = await Deno.makeTempDir();
  const lines: string[] = [];
  try {
    const r = await runExperiment(demo, {
      preset: "ci",
      outDir,
      print: (l) => lines.push(l),
      progress: "silent",
    });
    for (
      const f of [
        "config.json",
        "provenance.json",
        "metrics.jsonl",
        "summary.json",
        "report.html",
        "cells.json",
      ]
    ) {
      assert.ok((await Deno.stat(`${r.dir}/${f}`)).isFile, f);
    }
    const summary = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.equal(summary.experiment, "demo");
    assert.equal(summary.preset, "ci");
    assert.equal(summary.finalLoss, 0.1);
    assert.equal(r.summary.finalLoss, 0.1); // typed: no cast
    assert.equal(r.history.length, 3);
    assert.ok(lines.some((l) => /finalLoss\s+0\.1/.test(l)), lines.join("\n"));
    assert.ok(lines.includes("note: why"));
    assert.equal(JSON.parse(await Deno.readTextFile(`${r.dir}/provenance.json`)).preset, "ci");
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("presetFromEnv() reads FACENET_PRESET and rejects an unknown preset", () => {
  const old = Deno.env.get("FACENET_PRESET");
  try {
    Deno.env.set("FACENET_PRESET", "ci");
    assert.equal(presetFromEnv(), "ci");
    Deno.env.set("FACENET_PRESET", "tiny");
    assert.throws(
      () => presetFromEnv(),
      /FACENET_PRESET must be one of ci, small, paper, got 'tiny'/,
    );
    Deno.env.delete("FACENET_PRESET");
    assert.equal(presetFromEnv("small"), "small");
  } finally {
    if (old === undefined) Deno.env.delete("FACENET_PRESET");
    else Deno.env.set("FACENET_PRESET", old);
  }
});

Deno.test("formatSummary() puts small flat objects on one line and indents nested ones", () => {
  assert.deepEqual(formatSummary({ a: 1, b: { c: true, d: 0.5 } }), [
    "  a  1",
    "  b  c true, d 0.5",
  ]);
  assert.deepEqual(formatSummary({ a: 1, b: { c: { d: 2 } } }), ["  a  1", "  b:", "    c  d 2"]);
});

Deno.test("deriveExperiment() is the parent with some fields changed in its base and every preset", () => {
  const adam = deriveExperiment(demo, {
    name: "demo-semihard",
    describe: "the demo with semi-hard mining",
    set: { miner: "semihard", margins: [0.5] },
  });
  for (const preset of ["ci", "small", "paper"] as const) {
    assert.deepEqual(adam.presets[preset], {
      ...demo.presets[preset],
      miner: "semihard",
      margins: [0.5],
    });
  }
  assert.equal(adam.analyse, demo.analyse);
  assert.throws(
    () => deriveExperiment(demo, { name: "x", describe: "", set: { nope: 1 } as never }),
    /'nope' is not a config key of demo/,
  );
  assert.throws(
    () => deriveExperiment(demo, { name: "x", describe: "", set: { miner: "foo" } as never }),
    /'miner' cannot be "foo"/,
  );
});
