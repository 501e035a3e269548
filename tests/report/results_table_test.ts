import assert from "node:assert/strict";
import {
  columnHeader,
  formatCell,
  type ResultsTable,
  resultsTableHtml,
  resultsTableText,
} from "../../lib/report/mod.ts";

const table: ResultsTable = {
  columns: [
    { key: "miner", label: "miner", format: "text" },
    { key: "acc", label: "accuracy", format: "percent" },
    { key: "d", label: "d_ap", unit: "squared distance", format: "exponent", digits: 1 },
    { key: "s", label: "time", unit: "s", format: "fixed", digits: 1 },
  ],
  rows: [
    { miner: "semihard", acc: 0.91666, d: 3.1622776e-4, s: 12.34 },
    { miner: "hardest <b>", acc: NaN, d: null, s: 3 },
  ],
  caption: "One row per miner.",
  colors: { semihard: "#1f77b4" },
};

Deno.test("formatCell() formats by column: percent, fixed, exponent, integer; NaN and null as a dash", () => {
  assert.equal(formatCell(0.91666, table.columns[1]), "91.7");
  assert.equal(formatCell(12.34, table.columns[3]), "12.3");
  assert.equal(formatCell(3.1622776e-4, table.columns[2]), "3.2e-4");
  assert.equal(formatCell(2.6, { key: "n", label: "n", format: "integer" }), "3");
  assert.equal(formatCell(NaN, table.columns[1]), "–");
  assert.equal(formatCell(null, table.columns[1]), "–");
  assert.equal(formatCell(true, table.columns[0]), "yes");
  assert.equal(formatCell(-Infinity, table.columns[3]), "−∞");
  assert.equal(columnHeader(table.columns[1]), "accuracy (%)");
  assert.equal(columnHeader(table.columns[2]), "d_ap (squared distance)");
});

Deno.test("resultsTableHtml() escapes cells, right-aligns numbers and puts a colour swatch by the variant", () => {
  const html = resultsTableHtml(table);
  assert.ok(html.includes('<th>accuracy<br><span class="unit">(%)</span></th>'));
  assert.ok(html.includes('<th>d_ap<br><span class="unit">(squared distance)</span></th>'));
  assert.ok(html.startsWith('<div class="table-wrap" style="overflow-x:auto">'));
  assert.ok(html.includes("hardest &lt;b&gt;"));
  assert.match(html, /<td class="num"[^>]*>91\.7<\/td>/);
  assert.match(html, /background:#1f77b4"><\/span>semihard/);
  assert.ok(html.includes("<caption>One row per miner.</caption>"));
});

Deno.test("resultsTableText() aligns columns, numbers to the right", () => {
  const lines = resultsTableText(table).split("\n");
  assert.equal(lines[0], "miner        accuracy (%)  d_ap (squared distance)  time (s)");
  assert.equal(lines[1], "semihard             91.7                   3.2e-4      12.3");
  assert.equal(lines[2], "hardest <b>             –                        –       3.0");
  assert.equal(lines.at(-1), "One row per miner.");
});

Deno.test("a table naming a column that no row has is rejected with the key", () => {
  assert.throws(
    () => resultsTableHtml({ columns: [{ key: "acc", label: "a" }], rows: [{ accuracy: 1 }] }),
    /column 'acc' is in no row \(row keys: accuracy\)/,
  );
  assert.throws(() => resultsTableText({ columns: [], rows: [] }), /'columns' is empty/);
});
