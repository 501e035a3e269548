import assert from "node:assert/strict";
import { emaSmooth, smallMultiplesFigure } from "../../lib/plot/mod.ts";

const panels = [
  {
    title: "loss",
    series: [
      { name: "a", y: [1, 0.5, 0.25], color: "#1f77b4" },
      { name: "b", y: [2, 2, 2], color: "#ff7f0e" },
    ],
  },
  {
    title: "accuracy",
    logY: true,
    series: [
      { name: "a", y: [0.1, 0.5, 0.9], color: "#1f77b4" },
      { name: "b", y: [0.5, 0.5, 0.5], color: "#ff7f0e" },
    ],
  },
  { title: "d_an", series: [{ name: "a", x: [0, 10, 20], y: [1, 2, 3], color: "#1f77b4" }] },
];

Deno.test("smallMultiplesFigure() draws raw values faint behind the EMA line, one legend entry per variant", () => {
  const fig = smallMultiplesFigure(panels, { columns: 2, smoothing: 0.5 });
  assert.deepEqual(fig.layout.grid, {
    rows: 2,
    columns: 2,
    pattern: "independent",
    xgap: 0.16,
    ygap: 0.35,
  });
  assert.equal(fig.data.length, 10); // 5 series × (raw + smoothed)
  const [raw, smooth] = fig.data;
  assert.deepEqual(raw.y, [1, 0.5, 0.25]);
  assert.equal((raw.line as { color: string }).color, "rgba(31,119,180,0.25)");
  assert.equal(raw.showlegend, false);
  assert.deepEqual(smooth.y, emaSmooth([1, 0.5, 0.25], { weight: 0.5, centered: true }));
  assert.equal((smooth.line as { color: string }).color, "#1f77b4");
  const legend = fig.data.filter((t) => t.showlegend).map((t) => t.name);
  assert.deepEqual(legend, ["a", "b"]);
  // The same variant has the same colour in every panel.
  for (const t of fig.data.filter((t) => t.name === "a" && !t.hoverinfo)) {
    assert.equal((t.line as { color: string }).color, "#1f77b4");
  }
  assert.equal(fig.data[4].yaxis, "y2");
  assert.equal((fig.layout.yaxis2 as { type: string }).type, "log");
  // On a log axis the average is taken over the logarithms.
  assert.deepEqual(
    fig.data[5].y,
    emaSmooth([0.1, 0.5, 0.9], { weight: 0.5, centered: true, log: true }),
  );
  assert.deepEqual(fig.data[8].x, [0, 10, 20]);
  const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(titles, ["<b>loss</b>", "<b>accuracy</b>", "<b>d_an</b>"]);
});

Deno.test("smallMultiplesFigure() with smoothing 0 draws the raw values only, and rejects no panels", () => {
  const fig = smallMultiplesFigure(panels.slice(0, 1), { smoothing: 0 });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[1].y, [2, 2, 2]);
  assert.throws(() => smallMultiplesFigure([]), /at least one panel/);
});
