/**
 * Behaviour unchanged by the lib/experiment redesign: every experiment's ci summary is compared
 * with the values recorded before it (fixtures/behaviour_baseline.json, commit ebcdfde), except
 * those whose values changed deliberately (the fixture's `superseded`, each with its reason: issue
 * 12's rebuild of problem1/2, and its item 6, training that excludes held-out identities). The
 * comparisons run inside each experiment's own test (which already runs its ci preset, so nothing
 * is trained twice); this file checks that every experiment has recorded values and that the
 * comparison can fail, and with SLOW=1 runs every ci preset once more here.
 */
import assert from "node:assert/strict";
import { experiments, registry } from "../../experiments/registry.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { assertNoLeak, slowTests, useTestBackend } from "../_helpers/leak.ts";
import { assertBehaviourUnchanged, baselineDifferences, readBaseline } from "./_behaviour.ts";

Deno.test("every experiment recorded at ebcdfde is still registered and has recorded numbers", () => {
  const baseline = readBaseline();
  const recorded = Object.keys(baseline.experiments).sort();
  // Experiments added later (collapse-atlas, …) have nothing recorded to compare with.
  assert.deepEqual(recorded.filter((name) => !(name in registry)), []);
  assert.equal(recorded.length, 8);
  // A deliberate change names its reason (only issue 12's rebuilds and its held-out verification,
  // item 6, supersede); the others are compared in their own tests.
  for (const [name, why] of Object.entries(baseline.superseded)) {
    assert.ok(name in baseline.experiments && why.length > 20, name);
    assert.match(why, /issue 12/i, `${name}: superseded for a reason other than issue 12`);
  }
  const compared = recorded.filter((name) => !(name in baseline.superseded));
  // the two experiments that train no embedding on synthetic identities are still compared
  assert.deepEqual(compared, ["distance-eps", "epoch-time"]);
  for (const name of recorded) {
    const values = baseline.experiments[name];
    assert.ok(values.some(([, v]) => typeof v === "number"), `${name} records numbers`);
  }
});

Deno.test("baselineDifferences() accepts the recorded values and names a changed one", () => {
  const tolerance = { relative: 1e-6, absolute: 1e-12 };
  const recorded: [string[], number | string | boolean | null][] = [
    [["a"], 1],
    [["b", "c"], "NaN"],
    [["d"], true],
  ];
  assert.deepEqual(
    baselineDifferences({ a: 1 + 1e-9, b: { c: NaN }, d: true }, recorded, tolerance),
    [],
  );
  assert.deepEqual(baselineDifferences({ a: 1.001, b: { c: 0 }, d: true }, recorded, tolerance), [
    "a: 1 → 1.001",
    'b › c: "NaN" → 0',
  ]);
  assert.deepEqual(baselineDifferences({}, [[["x"], 2]], tolerance), ["x: 2 → undefined"]);
});

Deno.test({
  name: "every experiment's ci preset reproduces the values recorded before the redesign (SLOW=1)",
  ignore: !slowTests,
  async fn() {
    await useTestBackend();
    const outDir = await Deno.makeTempDir();
    try {
      const baseline = readBaseline();
      for (const name of Object.keys(baseline.experiments)) {
        if (name in baseline.superseded) continue;
        const r = await assertNoLeak(() =>
          runExperiment(experiments[name], {
            preset: "ci",
            outDir,
            print: () => {},
            progress: "silent",
          })
        );
        assertBehaviourUnchanged(name, r.summary);
      }
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
