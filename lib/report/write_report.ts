/**
 * A self-contained HTML report laid out like a paper's figure page: the question and the answer
 * (findings generated from the data) beside one headline figure, a results table with units, notes,
 * then training curves as small multiples and any further figures, and last, folded, every summary
 * value, the config and the provenance. plotly.js (its minified cartesian bundle, 1.5 MB) is
 * inlined, so the page needs no network; it prints to PDF (A4 landscape): the page is at most 1040
 * px wide, so plots drawn on screen fit the printed page.
 *
 * Older callers that pass only `{ title, summary, figures, notes }` get the summary as a table at
 * the top instead of the question and answer.
 * @module
 */
import { join } from "node:path";
import { type Figure, figureHtml, plotlyLibraryHtml } from "../plot/mod.ts";
import { escapeHtml, formatValue } from "./format_value.ts";
import { type ResultsTable, resultsTableHtml } from "./results_table.ts";

/** The parts of a report that answer its question; experiments return them with their summary. */
export interface ReportSections {
  /** The question the run answers, one sentence. */
  question?: string;
  /** The answer: sentences generated from the measured values (never fixed prose). */
  findings?: string[];
  /** The one figure that answers the question, shown beside the findings. */
  headline?: Figure;
  /** A sentence under the headline figure. */
  headlineCaption?: string;
  /** The results, one row per variant, numbers formatted with units. */
  table?: ResultsTable;
  /** Training curves (small multiples), after the table. */
  curves?: Figure[];
  /** A sentence under the curves' heading (what a panel, a colour and the smoothing are). */
  curvesCaption?: string;
}

/** Content of a report. */
export interface ReportContent extends ReportSections {
  title: string;
  /** Every key result; shown folded at the end when findings or a table lead the page. */
  summary: Record<string, unknown>;
  /** Further figures, after the curves. */
  figures?: Figure[];
  /** Paragraphs of explanation (plain text, escaped). */
  notes?: string[];
  /** Shown folded at the end. */
  config?: unknown;
  provenance?: unknown;
  /** File name inside `dir`. Default "report.html". */
  fileName?: string;
}

/**
 * The {@link ReportSections} fields of an object (e.g. an experiment's result), others dropped.
 *
 * @example
 * ```ts
 * import { reportSections } from "./write_report.ts";
 * const s = reportSections({ summary: {}, question: "q?", findings: ["a"] });
 * console.assert(s.question === "q?" && !("summary" in s));
 * ```
 */
export function reportSections<T extends ReportSections>(source: T): ReportSections {
  const out: ReportSections = {};
  if (source.question !== undefined) out.question = source.question;
  if (source.findings !== undefined) out.findings = source.findings;
  if (source.headline !== undefined) out.headline = source.headline;
  if (source.headlineCaption !== undefined) out.headlineCaption = source.headlineCaption;
  if (source.table !== undefined) out.table = source.table;
  if (source.curves !== undefined) out.curves = source.curves;
  if (source.curvesCaption !== undefined) out.curvesCaption = source.curvesCaption;
  return out;
}

/** A key/value table of a (nested) record; keys never wrap, nested records nest. */
function recordTable(record: Record<string, unknown>, depth = 0): string {
  const rows = Object.entries(record).map(([k, v]) => {
    let cell: string;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 3) {
      cell = recordTable(v as Record<string, unknown>, depth + 1);
    } else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")) {
      cell = escapeHtml(v.map((x) => formatValue(x)).join(", ") || "(none)");
    } else if (v !== null && typeof v === "object") {
      cell = `<pre>${escapeHtml(JSON.stringify(v, null, 1))}</pre>`;
    } else {
      cell = escapeHtml(formatValue(v));
    }
    return `<tr><th>${escapeHtml(k)}</th><td>${cell}</td></tr>`;
  }).join("\n");
  return `<table class="kv">\n${rows}\n</table>`;
}

/** One line of where the run came from, from the provenance fields that are present. */
function provenanceLine(provenance: unknown): string {
  if (provenance === null || typeof provenance !== "object") return "";
  const p = provenance as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof p.time === "string") parts.push(p.time.replace("T", " ").replace(/\.\d+Z$/, " UTC"));
  if (typeof p.preset === "string") parts.push(`preset ${p.preset}`);
  if (typeof p.backend === "string") parts.push(`backend ${p.backend}`);
  if (typeof p.gitRevision === "string") {
    parts.push(
      `git ${p.gitRevision.slice(0, 10)}${p.gitDirty === true ? " (uncommitted changes)" : ""}`,
    );
  }
  return parts.length ? `<p class="meta">${escapeHtml(parts.join(" · "))}</p>` : "";
}

const STYLE = `
:root{--fg:#1d1d1f;--muted:#5f6368;--rule:#d9d9de}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1040px;margin:1.2em auto;padding:0 1.2em;color:var(--fg)}
h1{font-size:1.5em;margin:0 0 .1em}h2{font-size:1.1em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--rule)}
.meta{color:var(--muted);font-size:.85em;margin:0 0 1em}
.lead{display:grid;grid-template-columns:minmax(260px,2fr) 3fr;gap:1.5em;align-items:start}
.lead.single{grid-template-columns:1fr}
.question{font-size:1.05em;margin:0 0 .6em}.answer ul{margin:.3em 0;padding-left:1.2em}.answer li{margin:.3em 0}
figure{margin:0}figcaption{color:var(--muted);font-size:.85em;margin-top:.3em}
table{border-collapse:collapse;font-size:.9em}
table.results{margin:.5em 0;width:auto}
table.results th,table.results td{padding:3px 10px;border-bottom:1px solid var(--rule);text-align:left;white-space:nowrap}
table.results thead th{border-bottom:2px solid var(--fg);font-weight:600;white-space:normal;vertical-align:bottom;max-width:11em}
table.results th .unit{font-weight:400;color:var(--muted)}
table.results td.num{text-align:right;font-variant-numeric:tabular-nums}
table.results caption{caption-side:bottom;text-align:left;color:var(--muted);font-size:.9em;padding-top:.4em}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.45em;vertical-align:-.05em}
table.kv th,table.kv td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
table.kv th{white-space:nowrap;font-weight:600;color:#333}
table.kv td{overflow-wrap:anywhere}
table.kv table.kv{font-size:1em}
pre{background:#f7f7f8;padding:.5em;overflow:auto;max-height:28em;margin:0;font-size:.85em}
details{margin:.6em 0;border:1px solid var(--rule);border-radius:4px;padding:.3em .8em}
summary{cursor:pointer;font-weight:600}
.facenet-figure{margin:.4em 0 1em}
@page{size:A4 landscape;margin:12mm}
@media screen and (max-width:900px){.lead{grid-template-columns:1fr}}
@media print{
 body{margin:0;padding:0;font-size:12px}
 h2{break-after:avoid}
 .lead,figure,.facenet-figure,table.results tr{break-inside:avoid}
 .modebar-container{display:none!important}
 details{border:none;padding:0}
 details>summary{list-style:none}
 pre{max-height:none;white-space:pre-wrap}
}`;

/**
 * Renders the report's HTML text.
 *
 * @example
 * ```ts
 * import { renderReport } from "./write_report.ts";
 * const html = await renderReport({
 *   title: "demo",
 *   question: "Does it learn?",
 *   findings: ["Accuracy rose from 50.0% to 90.0%."],
 *   summary: { accuracy: 0.9 },
 * });
 * console.assert(html.includes("<h1>demo</h1>") && html.includes("window.Plotly"));
 * console.assert(html.indexOf("Does it learn?") < html.indexOf("<details"));
 * ```
 */
export async function renderReport(content: ReportContent): Promise<string> {
  const hasLead = content.question !== undefined || (content.findings?.length ?? 0) > 0 ||
    content.headline !== undefined;
  const hasResults = hasLead || content.table !== undefined;
  const fig = (f: Figure, id: string) => figureHtml(f, { id });
  const section = (title: string, body: string) => body ? `<h2>${title}</h2>\n${body}` : "";

  const answer = [
    content.question
      ? `<p class="question"><b>Question.</b> ${escapeHtml(content.question)}</p>`
      : "",
    content.findings?.length
      ? `<p><b>Answer.</b></p><ul class="findings">${
        content.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join("")
      }</ul>`
      : "",
  ].join("\n");
  const headline = content.headline
    ? `<figure class="headline">${fig(content.headline, "headline")}${
      content.headlineCaption
        ? `<figcaption>${escapeHtml(content.headlineCaption)}</figcaption>`
        : ""
    }</figure>`
    : "";
  const lead = hasLead
    ? `<section class="lead${headline && answer.trim() ? "" : " single"}">` +
      `<div class="answer">${answer}</div>${headline}</section>`
    : "";
  const table = content.table ? section("Results", resultsTableHtml(content.table)) : "";
  // Without findings or a table, the summary is the result and leads the page.
  const summaryTop = hasResults ? "" : section("Summary", recordTable(content.summary));
  const notes = section(
    "Notes",
    (content.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join("\n"),
  );
  const curves = section(
    "Training curves",
    (content.curvesCaption && content.curves?.length
      ? `<p class="meta">${escapeHtml(content.curvesCaption)}</p>\n`
      : "") +
      (content.curves ?? []).map((f, i) => fig(f, `curves-${i}`)).join("\n"),
  );
  const figures = section(
    content.curves?.length ? "More figures" : "Figures",
    (content.figures ?? []).map((f, i) => fig(f, `figure-${i}`)).join("\n"),
  );
  const folded = (label: string, body: string, printOpen = true) =>
    `<details${
      printOpen ? " data-print-open" : ""
    }><summary>${label}</summary>\n${body}\n</details>`;
  const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  const tail = [
    hasResults ? folded("All summary values", recordTable(content.summary), false) : "",
    content.config !== undefined
      ? folded(
        "Config",
        content.config !== null && typeof content.config === "object" &&
          !Array.isArray(content.config)
          ? recordTable(content.config as Record<string, unknown>)
          : json(content.config),
      )
      : "",
    content.provenance !== undefined ? folded("Provenance", json(content.provenance)) : "",
  ].filter(Boolean).join("\n");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
${await plotlyLibraryHtml()}
</head><body>
<header><h1>${escapeHtml(content.title)}</h1>
${provenanceLine(content.provenance)}</header>
${lead}
${summaryTop}
${table}
${notes}
${curves}
${figures}
${tail ? `<h2>Config and provenance</h2>\n${tail}` : ""}
<script>
// Open the config and provenance when printing, so the PDF holds them (every summary value is in
// summary.json beside the report, and the results table already shows the main ones).
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details[data-print-open]").forEach(function (d) { d.open = true; });
});
</script>
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
  for (const [i, f] of (content.findings ?? []).entries()) {
    if (typeof f !== "string" || f.trim() === "") {
      throw new Error(
        `writeReport: findings[${i}] must be a non-empty sentence, got ${JSON.stringify(f)}`,
      );
    }
  }
  const path = join(dir, content.fileName ?? "report.html");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, await renderReport(content));
  return path;
}
