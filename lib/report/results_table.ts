/**
 * A results table: typed columns with units and number formats, rendered the same way in a report
 * (HTML) and a notebook or terminal (aligned text).
 * @module
 */
import { escapeHtml, formatValue } from "./format_value.ts";

/** How a column's numbers are shown. */
export type CellFormat = "number" | "percent" | "fixed" | "exponent" | "integer" | "text";

/** One column of a {@link ResultsTable}. */
export interface ResultColumn {
  /** The row field shown. */
  key: string;
  /** Header text. */
  label: string;
  /** Unit, shown in the header as "label (unit)"; "percent" columns default to "%". */
  unit?: string;
  /**
   * "number" (default): 5 significant digits, exponent form below 1e-3; "percent": a fraction
   * shown ×100; "fixed": `digits` decimals; "exponent": `digits` decimals in exponent form;
   * "integer"; "text": as given.
   */
  format?: CellFormat;
  /** Decimals for "percent" (default 1), "fixed" (default 3) and "exponent" (default 2). */
  digits?: number;
}

/** A results table: columns and rows of values keyed by column. */
export interface ResultsTable {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
  /** One sentence under the table saying what a row is. */
  caption?: string;
  /** Colour per value of the first column (the variant), drawn as a swatch beside it. */
  colors?: Record<string, string>;
}

/**
 * A cell's text. null, undefined and NaN show as "–"; booleans as "yes"/"no".
 *
 * @example
 * ```ts
 * import { formatCell } from "./results_table.ts";
 * console.assert(formatCell(0.9167, { key: "acc", label: "accuracy", format: "percent" }) === "91.7");
 * console.assert(formatCell(3.1622776e-4, { key: "d", label: "d" }) === "3.1623e-4");
 * ```
 */
export function formatCell(value: unknown, column: ResultColumn): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value !== "number") return typeof value === "string" ? value : JSON.stringify(value);
  if (Number.isNaN(value)) return "–";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  switch (column.format ?? "number") {
    case "percent":
      return (value * 100).toFixed(column.digits ?? 1);
    case "fixed":
      return value.toFixed(column.digits ?? 3);
    case "exponent":
      return value.toExponential(column.digits ?? 2).replace("e+", "e");
    case "integer":
      return String(Math.round(value));
    case "text":
      return String(value);
    case "number":
      return formatValue(value);
  }
}

/** A column's unit: its own, or "%" for percent columns. */
function columnUnit(column: ResultColumn): string | undefined {
  return column.unit ?? (column.format === "percent" ? "%" : undefined);
}

/** "label (unit)". */
export function columnHeader(column: ResultColumn): string {
  const unit = columnUnit(column);
  return unit ? `${column.label} (${unit})` : column.label;
}

/** Throws when the table cannot be shown: no columns, or a column found in no row. */
function checkTable(table: ResultsTable, where: string): void {
  if (table.columns.length === 0) throw new Error(`${where}: 'columns' is empty`);
  if (table.rows.length === 0) return;
  for (const c of table.columns) {
    if (!table.rows.some((r) => c.key in r)) {
      throw new Error(
        `${where}: column '${c.key}' is in no row (row keys: ${
          Object.keys(table.rows[0]).join(", ")
        })`,
      );
    }
  }
}

const isNumeric = (c: ResultColumn) => c.format !== "text";

/**
 * The table as HTML (numbers right-aligned, units in the headers).
 *
 * @example
 * ```ts
 * import { resultsTableHtml } from "./results_table.ts";
 * const html = resultsTableHtml({
 *   columns: [{ key: "miner", label: "miner", format: "text" }, { key: "acc", label: "accuracy", format: "percent" }],
 *   rows: [{ miner: "semihard", acc: 0.9 }],
 * });
 * console.assert(html.includes('<th>accuracy<br><span class="unit">(%)</span></th>'));
 * console.assert(html.includes(">90.0<"));
 * ```
 */
export function resultsTableHtml(table: ResultsTable): string {
  checkTable(table, "resultsTableHtml");
  // The unit goes on a line of its own, so that wide tables stay narrow.
  const head = table.columns.map((c) => {
    const unit = columnUnit(c);
    return `<th>${escapeHtml(c.label)}${
      unit ? `<br><span class="unit">(${escapeHtml(unit)})</span>` : ""
    }</th>`;
  }).join("");
  const body = table.rows.map((row) =>
    "<tr>" + table.columns.map((c, i) => {
      const text = escapeHtml(formatCell(row[c.key], c));
      const color = i === 0 ? table.colors?.[String(row[c.key])] : undefined;
      const swatch = color
        ? `<span class="swatch" style="display:inline-block;width:.8em;height:.8em;` +
          `margin-right:.45em;border-radius:2px;background:${escapeHtml(color)}"></span>`
        : "";
      return `<td${
        isNumeric(c)
          ? ' class="num" style="text-align:right;font-variant-numeric:tabular-nums"'
          : ""
      }>${swatch}${text}</td>`;
    }).join("") + "</tr>"
  ).join("\n");
  const caption = table.caption ? `<caption>${escapeHtml(table.caption)}</caption>` : "";
  return `<div class="table-wrap" style="overflow-x:auto"><table class="results">${caption}` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * The table as aligned plain text (for terminals and notebooks' text/plain).
 *
 * @example
 * ```ts
 * import { resultsTableText } from "./results_table.ts";
 * const text = resultsTableText({
 *   columns: [{ key: "m", label: "miner", format: "text" }, { key: "a", label: "acc", format: "percent" }],
 *   rows: [{ m: "semihard", a: 0.9 }, { m: "hardest", a: 0.5 }],
 * });
 * console.assert(text.split("\n")[0] === "miner     acc (%)" && text.includes("hardest      50.0"));
 * ```
 */
export function resultsTableText(table: ResultsTable): string {
  checkTable(table, "resultsTableText");
  const cells = [
    table.columns.map(columnHeader),
    ...table.rows.map((r) => table.columns.map((c) => formatCell(r[c.key], c))),
  ];
  const widths = table.columns.map((_, j) => Math.max(...cells.map((row) => row[j].length)));
  // Numbers and their headers to the right, text to the left.
  const lines = cells.map((row) =>
    row.map((cell, j) =>
      isNumeric(table.columns[j]) ? cell.padStart(widths[j]) : cell.padEnd(widths[j])
    ).join("  ").trimEnd()
  );
  return [...lines, ...(table.caption ? ["", table.caption] : [])].join("\n");
}
