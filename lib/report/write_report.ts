/**
 * A self-contained HTML report (plotly.js inlined, no network needed): title, summary table, notes,
 * figures, and the config/provenance for reference.
 * @module
 */
import { join } from "node:path";
import { type Figure, figureHtml, plotlyLibraryHtml } from "../plot/mod.ts";

/** Content of a report. */
export interface ReportContent {
  title: string;
  /** Key results; nested values are shown as JSON. */
  summary: Record<string, unknown>;
  figures?: Figure[];
  /** Paragraphs of explanation (plain text, escaped). */
  notes?: string[];
  /** Shown folded at the end. */
  config?: unknown;
  provenance?: unknown;
  /** File name inside `dir`. Default "report.html". */
  fileName?: string;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Formats a summary value for the table. */
export function formatValue(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    if (!Number.isFinite(value)) return String(value);
    const a = Math.abs(value);
    return a !== 0 && (a < 1e-3 || a >= 1e6)
      ? value.toExponential(4)
      : String(Number(value.toPrecision(5)));
  }
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * Renders the report's HTML text.
 *
 * @example
 * ```ts
 * import { renderReport } from "./write_report.ts";
 * const html = await renderReport({ title: "demo", summary: { loss: 1 }, figures: [] });
 * console.assert(html.includes("<h1>demo</h1>") && html.includes("window.Plotly"));
 * ```
 */
export async function renderReport(content: ReportContent): Promise<string> {
  const rows = Object.entries(content.summary).map(([k, v]) =>
    `<tr><th>${escapeHtml(k)}</th><td>${
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? `<pre>${escapeHtml(JSON.stringify(v, null, 1))}</pre>`
        : escapeHtml(formatValue(v))
    }</td></tr>`
  ).join("\n");
  const notes = (content.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join("\n");
  const figures = (content.figures ?? []).map((f, i) => figureHtml(f, { id: `figure-${i}` })).join(
    "\n",
  );
  const folded = (label: string, value: unknown) =>
    value === undefined
      ? ""
      : `<details><summary>${label}</summary><pre>${
        escapeHtml(JSON.stringify(value, null, 2))
      }</pre></details>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f4f4f4;font-weight:600}pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:24em;margin:0}
.facenet-figure{margin:1.5em 0}
</style>
${await plotlyLibraryHtml()}
</head><body>
<h1>${escapeHtml(content.title)}</h1>
<table class="summary">
${rows}
</table>
${notes}
${figures}
${folded("config", content.config)}
${folded("provenance", content.provenance)}
</body></html>
`;
}

/**
 * Writes `dir/report.html` (or `fileName`) and returns its path.
 *
 * @example
 * ```ts
 * import { writeReport } from "./write_report.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await writeReport(dir, { title: "t", summary: { ok: true } });
 * console.assert(path.endsWith("report.html"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReport(dir: string, content: ReportContent): Promise<string> {
  const path = join(dir, content.fileName ?? "report.html");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, await renderReport(content));
  return path;
}
