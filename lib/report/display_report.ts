/**
 * Shows a report's leading sections in a notebook — the question, the findings, the headline figure,
 * the results table and the curves — the same ones report.html opens with. Outside Jupyter the text
 * parts are printed and figures skipped, so notebook code also runs as a script.
 * @module
 */
import { display, displayText } from "../plot/mod.ts";
import { escapeHtml } from "./format_value.ts";
import { resultsTableHtml, resultsTableText } from "./results_table.ts";
import { type ReportSections, reportSections } from "./write_report.ts";

/** Options of {@link displayReport}. */
export interface DisplayReportOptions {
  /** Show the curves too. Default true. */
  curves?: boolean;
  /** Where text goes outside Jupyter. Default console.log. */
  print?: (line: string) => void;
}

/**
 * Displays the question and findings, the headline figure (with its caption), the results table
 * and the curves of `source` (an experiment's result, or any object with those fields), skipping
 * those that are absent.
 *
 * @example
 * ```ts
 * import { displayReport } from "./display_report.ts";
 * const lines: string[] = [];
 * await displayReport({ question: "q?", findings: ["a."] }, { print: (l) => lines.push(l) });
 * console.assert(lines.join("\n").includes("Question. q?"));
 * ```
 */
export async function displayReport(
  source: ReportSections | object,
  options: DisplayReportOptions = {},
): Promise<void> {
  // Any object (e.g. an experiment's run) may be given; only its report sections are read.
  const sections = reportSections(source as ReportSections);
  const print = options.print;
  if (sections.question || sections.findings?.length) {
    const text = [
      sections.question ? `Question. ${sections.question}` : "",
      ...(sections.findings ?? []).map((f) => `- ${f}`),
    ].filter(Boolean).join("\n");
    const html =
      (sections.question ? `<p><b>Question.</b> ${escapeHtml(sections.question)}</p>` : "") +
      (sections.findings?.length
        ? `<p><b>Answer.</b></p><ul>${
          sections.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join("")
        }</ul>`
        : "");
    await displayText(text, { html, print });
  }
  if (sections.headline) await display(sections.headline);
  if (sections.headlineCaption) {
    await displayText(sections.headlineCaption, {
      html: `<p style="color:#5f6368;font-size:.9em">${escapeHtml(sections.headlineCaption)}</p>`,
      print,
    });
  }
  if (sections.table) {
    await displayText(resultsTableText(sections.table), {
      html: resultsTableHtml(sections.table),
      print,
    });
  }
  if ((options.curves ?? true) && sections.curves?.length) await display(sections.curves);
}
