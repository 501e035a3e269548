import assert from "node:assert/strict";
import { escapeHtml, formatValue, renderReport, writeReport } from "../../lib/report/mod.ts";
import { plotlySource } from "../../lib/plot/mod.ts";

Deno.test("renderReport() is self-contained: plotly inlined, no external script or stylesheet", async () => {
  const html = await renderReport({
    title: "t <b>",
    summary: { loss: 1, nested: { a: 1 } },
    figures: [{ data: [{ type: "scatter", y: [1, 2] }], layout: {} }],
    notes: ["because <x>"],
    config: { lr: 0.1 },
  });
  assert.ok(html.includes("<h1>t &lt;b&gt;</h1>"));
  assert.ok(html.includes("<p>because &lt;x&gt;</p>"));
  assert.ok(html.includes("<tr><th>loss</th><td>1</td></tr>"));
  assert.ok(html.includes('id="figure-0"'));
  assert.ok(html.length > (await plotlySource()).length);
  assert.doesNotMatch(html, /<script[^>]+src=/);
  assert.doesNotMatch(html, /<link[^>]+href=/);
});

Deno.test("writeReport() writes report.html into the folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeReport(dir, { title: "x", summary: {} });
    assert.ok((await Deno.readTextFile(path)).startsWith("<!doctype html>"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formatValue() shows tiny numbers in exponent form and escapeHtml() escapes quotes", () => {
  assert.equal(formatValue(3.1622776e-4), "3.1623e-4");
  assert.equal(formatValue(0.25), "0.25");
  assert.equal(formatValue(7), "7");
  assert.equal(formatValue([1, 2]), "[1,2]");
  assert.equal(escapeHtml(`"'&`), "&quot;&#39;&amp;");
});

Deno.test("renderReport() leads with the question, findings and headline; curves next; config and provenance last, folded", async () => {
  const line = { data: [{ type: "scatter", y: [1, 2] }], layout: {} };
  const html = await renderReport({
    title: "sweep",
    question: "Which α?",
    findings: ["α=0.2 gave 90.0%."],
    headline: line,
    headlineCaption: "accuracy against α",
    table: {
      columns: [{ key: "acc", label: "accuracy", format: "percent" }],
      rows: [{ acc: 0.9 }],
    },
    curves: [line],
    curvesCaption: "EMA-smoothed",
    figures: [line],
    notes: ["why"],
    summary: { acc: 0.9 },
    config: { seed: 1 },
    provenance: { gitRevision: "abcdef0123456789", time: "2026-01-01T00:00:00.000Z" },
  });
  const order = [
    "Which α?",
    "α=0.2 gave 90.0%.",
    'id="headline"',
    "accuracy against α",
    "<h2>Results</h2>",
    "<h2>Notes</h2>",
    "<h2>Training curves</h2>",
    'id="curves-0"',
    "<h2>More figures</h2>",
    'id="figure-0"',
    "<summary>All summary values</summary>",
    "<summary>Config</summary>",
    "<summary>Provenance</summary>",
  ].map((s) => {
    const at = html.indexOf(s);
    assert.ok(at >= 0, `missing ${s}`);
    return at;
  });
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.match(html, /<p class="meta">2026-01-01 00:00:00 UTC · git abcdef0123<\/p>/);
  assert.match(html, /@media print/);
  assert.ok(html.length < 3 * 1024 * 1024, `${html.length} characters`);
});

Deno.test("renderReport() for an older caller shows the summary as a key/value table at the top, not JSON", async () => {
  const html = await renderReport({
    title: "old",
    summary: { experiment: "x", nested: { a: 0.000123456, b: [1, 2] } },
    figures: [],
  });
  assert.ok(html.indexOf("<h2>Summary</h2>") < html.indexOf("</body>"));
  assert.ok(html.includes("<tr><th>a</th><td>1.2346e-4</td></tr>"));
  assert.ok(html.includes("<tr><th>b</th><td>1, 2</td></tr>"));
  assert.ok(!html.includes("<details"), "nothing to fold without config or provenance");
});

Deno.test("writeReport() rejects an empty finding, naming its index", async () => {
  await assert.rejects(
    () => writeReport("/nonexistent", { title: "t", summary: {}, findings: ["ok.", " "] }),
    /findings\[1\] must be a non-empty sentence/,
  );
});

Deno.test("formatValue() shows undefined as — and the report's tables render it (no throw)", async () => {
  assert.equal(formatValue(undefined), "—");
  assert.equal(formatValue(12n), "12");
  assert.equal(formatValue(Symbol("s")), "Symbol(s)");
  assert.equal(formatValue(null), "null");
  const html = await renderReport({
    title: "t",
    summary: { missing: undefined, list: [1, undefined], nested: { gone: undefined } },
    config: { lr: undefined },
  });
  assert.ok(html.includes("<tr><th>missing</th><td>—</td></tr>"), "top-level undefined");
  assert.ok(html.includes("<tr><th>list</th><td>1, —</td></tr>"), "undefined in a list");
  assert.ok(html.includes("<tr><th>gone</th><td>—</td></tr>"), "nested undefined");
  assert.ok(html.includes("<tr><th>lr</th><td>—</td></tr>"), "config undefined");
});
