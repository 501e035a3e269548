import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  createModel,
  formatCount,
  renderSummary,
  summarizeModel,
  type SummaryRow,
} from "../../lib/model/mod.ts";

await useTestBackend();

/** Table 2 of Schroff et al. 2015 (FaceNet), as printed: type, output size, params, FLOPS. */
const PAPER: [string, string, string, string][] = [
  ["conv1 (7×7×3, 2)", "112×112×64", "9K", "119M"],
  ["max pool + norm", "56×56×64", "", ""],
  ["inception (2)", "56×56×192", "115K", "360M"],
  ["norm + max pool", "28×28×192", "", ""],
  ["inception (3a)", "28×28×256", "164K", "128M"],
  ["inception (3b)", "28×28×320", "228K", "179M"],
  ["inception (3c)", "14×14×640", "398K", "108M"],
  ["inception (4a)", "14×14×640", "545K", "107M"],
  ["inception (4b)", "14×14×640", "595K", "117M"],
  ["inception (4c)", "14×14×640", "654K", "128M"],
  ["inception (4d)", "14×14×640", "722K", "142M"],
  ["inception (4e)", "7×7×1024", "717K", "56M"],
  ["inception (5a)", "7×7×1024", "1.6M", "78M"],
  ["inception (5b)", "7×7×1024", "1.6M", "78M"],
  ["avg pool", "1×1×1024", "", ""],
  ["fully conn", "1×1×128", "131K", "0.1M"],
  ["L2 normalization", "1×1×128", "", ""],
];

/** "9K" → {value: 9000, halfUnit: 500}: the paper's figure and half its last printed digit. */
function paperValue(text: string): { value: number; halfUnit: number } {
  const m = /^([\d.]+)([KMB])$/.exec(text);
  if (!m) throw new Error(`bad paper figure ${text}`);
  const scale = { K: 1e3, M: 1e6, B: 1e9 }[m[2] as "K" | "M" | "B"];
  const decimals = m[1].split(".")[1]?.length ?? 0;
  return { value: Number(m[1]) * scale, halfUnit: 0.5 * 10 ** -decimals * scale };
}

/** Within 5% of the paper, or (for one-digit figures like 9K and 0.1M) within its rounding. */
function assertNearPaper(ours: number, text: string, what: string): void {
  const { value, halfUnit } = paperValue(text);
  const tolerance = Math.max(0.05 * value, halfUnit);
  assert.ok(
    Math.abs(ours - value) <= tolerance,
    `${what}: ours ${ours} vs paper ${text} (tolerance ${tolerance})`,
  );
}

const nn2 = createModel("nn2");
const summary = summarizeModel(nn2);
nn2.dispose();

Deno.test("summarizeModel(nn2) has Table 2's rows with the paper's output sizes", () => {
  assert.deepEqual(
    summary.rows.map((r) => [r.type, r.outputSize.join("×")]),
    PAPER.map(([type, size]) => [type, size]),
  );
});

Deno.test("nn2 has exactly 7,448,256 conv and fully connected kernel weights (Table 2's 7.5M)", () => {
  assert.equal(summary.total.weights, 7_448_256);
  assert.equal(summary.rows.reduce((a, r) => a + r.weights, 0), 7_448_256);
  assert.equal(formatCount(summary.total.params), "7.5M");
});

Deno.test("each nn2 row's params and FLOPS are within 5% of the paper's column", () => {
  PAPER.forEach(([type, , params, flops], i) => {
    const row: SummaryRow = summary.rows[i];
    if (params === "") {
      assert.equal(row.params, 0, `${type} has parameters`);
      assert.equal(row.flops, 0, `${type} has FLOPS`);
      return;
    }
    assertNearPaper(row.params, params, `${type} params`);
    assertNearPaper(row.weights, params, `${type} kernel weights`);
    assertNearPaper(row.flops, flops, `${type} FLOPS`);
  });
});

Deno.test("nn2's total FLOPS are within 5% of the paper's 1.6B", () => {
  assert.ok(Math.abs(summary.total.flops - 1.6e9) <= 0.05 * 1.6e9, `${summary.total.flops}`);
});

Deno.test("the nn2 Table 2 reproduction matches its snapshot", async () => {
  const url = new URL("./snapshots/nn2_table2.snap", import.meta.url);
  const text = renderSummary(summary, { format: "markdown" }) + "\n";
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") await Deno.writeTextFile(url, text);
  assert.equal(text, await Deno.readTextFile(url));
});

Deno.test("renderSummary() writes text, Markdown, HTML and JSON with every row", () => {
  const text = renderSummary(summary);
  const md = renderSummary(summary, { format: "markdown" });
  const html = renderSummary(summary, { format: "html" });
  const json = JSON.parse(renderSummary(summary, { format: "json" }));
  for (const [type] of PAPER) {
    assert.ok(text.includes(type), `text lacks ${type}`);
    assert.ok(md.includes(`| ${type} |`), `markdown lacks ${type}`);
    assert.ok(html.includes(`<td>${type}</td>`), `html lacks ${type}`);
  }
  assert.equal(json.rows.length, PAPER.length);
  assert.deepEqual(json.rows[0].outputSize, [112, 112, 64]);
  assert.equal(json.total.weights, 7_448_256);
  assert.match(text, /Total params: 7,456,304/);
});

Deno.test("nn4 has no 5×5 branches in 5a and 5b, and 3×3×896 at 96×96", async () => {
  await assertNoLeak(() => {
    const model = createModel("nn4");
    const s = summarizeModel(model);
    const r5a = s.rows.find((r) => r.type === "inception (5a)")!;
    assert.equal(r5a.n5x5, "");
    assert.deepEqual(r5a.outputSize, [3, 3, 896]);
    assert.ok(!model.layers.some((l) => /inception_5.*5x5/.test(l.name)));
    model.dispose();
  });
});

Deno.test("summaries follow the options: nn3 at 160, widthMultiplier, max instead of L2 pools", async () => {
  await assertNoLeak(() => {
    const nn3 = createModel("nn3");
    assert.deepEqual(summarizeModel(nn3).rows[0].outputSize, [80, 80, 64]);
    nn3.dispose();
    const half = createModel("nn2", { widthMultiplier: 0.5, l2Pooling: "max", norm: "batch" });
    const s = summarizeModel(half);
    const r3b = s.rows.find((r) => r.type === "inception (3b)")!;
    assert.deepEqual([r3b.n1x1, r3b.n3x3, r3b.poolProj], ["32", "64", "m, 32p"]);
    assert.equal(s.rows[1].type, "max pool");
    assert.ok(s.total.nonTrainableParams > 0, "batch norm statistics are non-trainable");
    half.dispose();
  });
});

Deno.test("summarizeModel() of a plain tfjs model lists layers Keras-style without Table 2 rows", async () => {
  await assertNoLeak(() => {
    const input = tf.input({ shape: [4], name: "x" });
    const out = tf.layers.dense({ units: 2, name: "d" }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const s = summarizeModel(model);
    assert.equal(s.rows.length, 0);
    assert.deepEqual(s.layers.map((l) => [l.name, l.params, l.flops, l.connectedTo]), [
      ["x", 0, 0, []],
      ["d", 10, 10, ["x[0][0]"]],
    ]);
    assert.match(renderSummary(s), /d \(Dense\)\s+\(None, 2\)\s+10\s+x\[0\]\[0\]/);
    model.dispose();
  });
});
