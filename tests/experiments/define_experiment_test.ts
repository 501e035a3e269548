import assert from "node:assert/strict";
import {
  defineExperiment,
  formatSummary,
  presetFromEnv,
  resolveConfig,
  runExperiment,
} from "../../experiments/define_experiment.ts";

const demo = defineExperiment({
  name: "demo",
  describe: "a demo",
  presets: {
    ci: { seed: 1, lr: 0.1, margins: [0.2, 1], miner: "random", bn: false },
    small: { seed: 1, lr: 0.05, margins: [0.2, 1, 4], miner: "random", bn: false },
    paper: { seed: 1, lr: 0.05, margins: [0.2], miner: "semihard", bn: true },
  },
  async run(config, ctx) {
    for (let step = 0; step < 3; step++) await ctx.log({ step, loss: config.lr * (3 - step) });
    return { summary: { finalLoss: config.lr, margins: config.margins }, notes: ["why"] };
  },
});

Deno.test("resolveConfig() defaults to the small preset and coerces --set values by the preset's types", () => {
  assert.equal(resolveConfig(demo).lr, 0.05);
  const c = resolveConfig(demo, {
    preset: "ci",
    set: ["lr=0.5", "margins=0.1,2", "miner=semihard", "bn=true"],
  });
  assert.deepEqual(c, { seed: 1, lr: 0.5, margins: [0.1, 2], miner: "semihard", bn: true });
  assert.equal(resolveConfig(demo, { preset: "ci", seed: 9 }).seed, 9);
  assert.equal(resolveConfig(demo, { preset: "ci", set: { lr: 0.2 } }).lr, 0.2);
});

Deno.test("resolveConfig() rejects an unknown key, naming it and the valid keys", () => {
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
  // deno-lint-ignore no-explicit-any
  assert.throws(() => resolveConfig(demo, { preset: "huge" as any }), /unknown preset 'huge'/);
});

Deno.test("defineExperiment() rejects presets with different keys or types", () => {
  const run = () => Promise.resolve({ summary: {} });
  assert.throws(
    () =>
      defineExperiment({
        name: "bad",
        describe: "",
        presets: { ci: { seed: 1, a: 1 }, small: { seed: 1 }, paper: { seed: 1, a: 1 } } as never,
        run,
      }),
    /preset 'small' has keys \[seed\], preset 'ci' has \[a,seed\]/,
  );
  assert.throws(
    () =>
      defineExperiment({
        name: "bad",
        describe: "",
        presets: {
          ci: { seed: 1, a: 1 },
          small: { seed: 1, a: "x" },
          paper: { seed: 1, a: 1 },
        } as never,
        run,
      }),
    /'a' is string in preset 'small' but number in 'ci'/,
  );
  assert.throws(() => defineExperiment({ ...demo, name: "Bad Name" }), /kebab-case/);
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
      const f of ["config.json", "provenance.json", "metrics.jsonl", "summary.json", "report.html"]
    ) {
      assert.ok((await Deno.stat(`${r.dir}/${f}`)).isFile, f);
    }
    const summary = JSON.parse(await Deno.readTextFile(`${r.dir}/summary.json`));
    assert.equal(summary.experiment, "demo");
    assert.equal(summary.preset, "ci");
    assert.equal(summary.finalLoss, 0.1);
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
