import assert from "node:assert/strict";
import {
  createCollapseDetector,
  openMetricsLog,
  readMetrics,
} from "../../lib/train/metrics_log.ts";

Deno.test("openMetricsLog() appends JSON lines, writes NaN as a string, and drops lines past keepUpToStep", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.jsonl`;
  const log = await openMetricsLog(path);
  for (let step = 1; step <= 4; step++) {
    await log.write({ type: "step", step, loss: step === 4 ? NaN : step });
  }
  await log.write({ type: "event", event: "note" });
  let rows = await readMetrics(path);
  assert.equal(rows.length, 5);
  assert.equal(rows[3].loss, "NaN");
  await openMetricsLog(path, { keepUpToStep: 2 });
  rows = await readMetrics(path);
  assert.deepEqual(rows.map((r) => r.step), [1, 2, undefined]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("createCollapseDetector() marks the first step of a confirmed collapse and clears on recovery", () => {
  const d = createCollapseDetector({ patience: 3 });
  const seq = [false, true, true, false, true, true, true, true];
  const confirmed = seq.map((c, i) => d.update(i + 1, c));
  assert.deepEqual(confirmed, [false, false, false, false, false, false, true, false]);
  assert.equal(d.collapseStep, 5);
  const saved = d.state();
  d.update(9, false);
  assert.equal(d.collapseStep, undefined);
  assert.deepEqual(d.events, [{ step: 5, recovered: 9 }]);
  d.restore(saved);
  assert.equal(d.collapseStep, 5);
});
