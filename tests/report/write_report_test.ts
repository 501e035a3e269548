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
