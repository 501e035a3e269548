import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  type CollapseRow,
  collapseTable,
  DISTANCE_NAMES,
  formatCollapseTable,
  formatFloat,
} from "../../lib/losses/mod.ts";

await useTestBackend();

const table = await assertNoLeak(() => collapseTable(), "collapseTable()");
const row = (loss: string, distance: string): CollapseRow => {
  const r = table.losses.find((e) => e.loss === loss && e.distance === distance);
  assert.ok(r, `no row ${loss} × ${distance}`);
  return r;
};
const ROOT_EPS = Math.fround(Math.sqrt(Math.fround(1e-7)));

Deno.test("collapseTable() leaves no tensors behind", async () => {
  await assertNoLeak(() => collapseTable({ identities: 2, perIdentity: 2 }));
});

Deno.test("tripletLoss() equals the margin exactly at collapse (hinge, squaredHinge), 0 without hinge, ln 2 softplus", () => {
  for (const d of DISTANCE_NAMES) {
    assert.deepEqual(row("triplet/hinge", d).values, [Math.fround(0.2)], d);
    assert.deepEqual(row("triplet/squaredHinge", d).values, [Math.fround(0.2)], d);
    assert.deepEqual(row("triplet/nohinge", d).values, [0], d);
    assert.deepEqual(row("triplet/softplus", d).values, [Math.fround(Math.LN2)], d);
  }
});

Deno.test("euclidean gives NaN gradients at collapse for every triplet form and the contrastive loss", () => {
  for (
    const loss of [
      "triplet/hinge",
      "triplet/nohinge",
      "triplet/squaredHinge",
      "triplet/softplus",
      "contrastive",
    ]
  ) {
    const r = row(loss, "euclidean");
    assert.equal(r.distanceAtCollapse, 0);
    assert.equal(r.gradient, "NaN", loss);
  }
});

Deno.test("euclideanEps reads 3.1622776e-04 at collapse with gradients exactly zero", () => {
  for (
    const loss of [
      "triplet/hinge",
      "triplet/nohinge",
      "triplet/squaredHinge",
      "triplet/softplus",
      "contrastive",
    ]
  ) {
    const r = row(loss, "euclideanEps");
    assert.equal(r.distanceAtCollapse, ROOT_EPS);
    assert.equal(formatFloat(r.distanceAtCollapse), "3.1622776e-04");
    assert.equal(r.gradient, "zero", loss);
    assert.equal(r.gradientMaxAbs, 0);
  }
});

Deno.test("squaredEuclidean and euclideanPlusEps have zero gradient at collapse, cosine only rounding noise", () => {
  for (const loss of ["triplet/hinge", "triplet/softplus", "contrastive"]) {
    assert.equal(row(loss, "squaredEuclidean").gradient, "zero");
    assert.equal(row(loss, "euclideanPlusEps").gradient, "zero");
    assert.equal(row(loss, "euclideanPlusEps").distanceAtCollapse, ROOT_EPS);
    const c = row(loss, "cosine");
    assert.ok(
      c.gradient === "zero" || (c.gradient === "finite" && c.gradientMaxAbs < 1e-6),
      `${loss}: ${c.gradientMaxAbs}`,
    );
  }
});

Deno.test("contrastiveLoss() at collapse is 0 for same-label pairs and m² for different ones", () => {
  assert.deepEqual(row("contrastive", "euclidean").values, [0, 1]);
  const eps = row("contrastive", "euclideanEps").values;
  assert.equal(eps[0], Math.fround(ROOT_EPS * ROOT_EPS));
  assert.equal(eps[1], Math.fround(Math.fround(1 - ROOT_EPS) ** 2)); // float32 (1 − √ε)²
});

Deno.test("ArcFace and CosFace keep a finite, non-zero gradient at collapse", () => {
  for (const loss of ["arcface", "cosface"]) {
    const r = row(loss, "cos θ to class weights");
    assert.equal(r.gradient, "finite");
    assert.ok(r.gradientMaxAbs > 1e-3 && Number.isFinite(r.mean));
  }
});

Deno.test("miners at collapse: semi-hard finds none (falls back), batch-all takes all, batch-hard one per anchor", () => {
  const m = Object.fromEntries(table.miners.map((e) => [e.miner, e.triplets]));
  assert.deepEqual(m, {
    "random": 6,
    "semihard (fallback hardest)": 6,
    "semihard (fallback skip)": 0,
    "hardest": 6,
    "batchAll": 24,
  });
});

const DOC = new URL("../../docs/collapse_table.md", import.meta.url);
/** deno fmt re-wraps prose and pads table cells, so whitespace runs and rule dashes are collapsed. */
const squash = (text: string) => text.replace(/-{3,}/g, "---").replace(/\s+/g, " ").trim();
Deno.test({
  name: "docs/collapse_table.md is formatCollapseTable(collapseTable()) on wasm",
  ignore: tf.getBackend() !== "wasm",
  fn: async () => {
    const md = formatCollapseTable(table, tf.getBackend());
    if (Deno.env.get("UPDATE_DOCS") === "1") {
      await Deno.writeTextFile(DOC, md);
      await new Deno.Command(Deno.execPath(), { args: ["fmt", DOC.pathname] }).output();
    }
    const doc = await Deno.readTextFile(DOC);
    assert.equal(squash(doc), squash(md), "regenerate with UPDATE_DOCS=1 (see the file's header)");
  },
});
