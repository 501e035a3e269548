import assert from "node:assert/strict";
import { type SweepCell, sweepReport, type SweepReportOptions } from "../../lib/report/mod.ts";

const options: SweepReportOptions = {
  question: "Which margin trains best?",
  groupLabel: "miner",
  xLabel: "margin α",
  xSymbol: "α",
  xLog: true,
  headline: { key: "acc", label: "accuracy", format: "percent", chance: 0.5 },
  columns: [{ key: "loss", label: "final loss", format: "fixed", digits: 2 }],
  curves: [{ key: "loss", label: "loss" }, { key: "dAn", label: "d_an", logY: true }],
};

function cells(acc: Record<string, number[]>): SweepCell[] {
  const out: SweepCell[] = [];
  for (const [miner, values] of Object.entries(acc)) {
    [0.2, 1].forEach((x, i) => {
      out.push({
        group: miner,
        x,
        values: { acc: values[i], loss: x },
        collapseStep: values[i] <= 0.52 ? 7 : null,
        history: [{ step: 0, loss: 1, dAn: 1 }, { step: 1, loss: 0.5, dAn: 2 }],
      });
    });
  }
  return out;
}

Deno.test("sweepReport() writes its findings from the numbers: reversed numbers, reversed sentences", () => {
  const a = sweepReport(cells({ semihard: [0.9, 0.8], hardest: [0.5, 0.51] }), options);
  assert.deepEqual(a.findings, [
    "Highest accuracy: 90.0% (semihard, α=0.2); lowest: 50.0% (hardest, α=0.2).",
    "Mean accuracy over α = 0.2, 1, by miner: semihard 85.0%, hardest 50.5%.",
    "semihard: accuracy 80.0% to 90.0%; no collapse.",
    "hardest: accuracy 50.0% to 51.0%; collapsed at every α (at step 7).",
    "2 of 4 runs ended within 5 points of chance (50.0%): hardest, α=0.2; hardest, α=1.",
  ]);
  const b = sweepReport(cells({ semihard: [0.5, 0.51], hardest: [0.9, 0.8] }), options);
  assert.equal(
    b.findings![0],
    "Highest accuracy: 90.0% (hardest, α=0.2); lowest: 50.0% (semihard, α=0.2).",
  );
  assert.equal(
    b.findings![1],
    "Mean accuracy over α = 0.2, 1, by miner: hardest 85.0%, semihard 50.5%.",
  );
  assert.equal(
    b.findings![2],
    "semihard: accuracy 50.0% to 51.0%; collapsed at every α (at step 7).",
  );
});

Deno.test("sweepReport() says 'at every α' when a group's value does not change", () => {
  const r = sweepReport(cells({ hardest: [0.6, 0.6] }), options);
  assert.equal(r.findings![1], "hardest: accuracy 60.0% at every α; no collapse.");
});

Deno.test("sweepReport() colours each group the same in the headline, the table and the curves", () => {
  const r = sweepReport(cells({ semihard: [0.9, 0.8], hardest: [0.5, 0.51] }), options);
  const lineColor = (t: Record<string, unknown>) => (t.line as { color: string }).color;
  const colors: Record<string, string> = Object.fromEntries(
    r.headline!.data.map((t) => [t.name as string, lineColor(t)]),
  );
  assert.deepEqual(colors, r.table!.colors);
  // Percent values are plotted ×100, collapsed runs marked ×.
  assert.deepEqual(r.headline!.data[1].y, [50, 51]);
  assert.deepEqual((r.headline!.data[1].marker as { symbol: string[] }).symbol, ["x", "x"]);
  const smoothed = r.curves![0].data.filter((t) => !t.hoverinfo);
  assert.equal(smoothed.length, 8); // 2 α × 2 metrics × 2 miners
  for (const t of smoothed) assert.equal(lineColor(t), colors[t.name as string]);
  assert.equal(r.table!.rows.length, 4);
  assert.deepEqual(r.table!.rows[3], { group: "hardest", x: 1, acc: 0.51, loss: 1, collapse: "7" });
  assert.match(
    r.headlineCaption!,
    /× marks the 2 run\(s\) that collapsed; dotted: chance \(50\.0%\)/,
  );
});

Deno.test("sweepReport() splits the curves into figures of at most rowsPerFigure swept values", () => {
  const r = sweepReport(cells({ semihard: [0.9, 0.8] }), { ...options, rowsPerFigure: 1 });
  assert.equal(r.curves!.length, 2);
  assert.equal((r.curves![0].layout.annotations as unknown[]).length, 2);
});

Deno.test("sweepReport() rejects cells without the headline value", () => {
  assert.throws(
    () => sweepReport([{ group: "a", x: 1, values: {} }], options),
    /cell 0 \(a, x=1\) has no value 'acc'/,
  );
  assert.throws(() => sweepReport([], options), /'cells' is empty/);
});
