/**
 * Renders a {@link ModelSummary} as text, Markdown, HTML or JSON: the Table 2 layout for models
 * built by createModel, Keras' "Layer (type) / Output Shape / Param # / Connected to" otherwise.
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { summarizeModel } from "./summarize_model.ts";
 * import { renderSummary } from "./render_summary.ts";
 * const text = renderSummary(summarizeModel(createModel("tiny")), { format: "markdown" });
 * console.assert(text.startsWith("| type |"));
 * ```
 * @module
 */
import type { ModelSummary } from "./summarize_model.ts";

/** Output formats. */
export type SummaryFormat = "text" | "markdown" | "html" | "json";

/** Options of {@link renderSummary}. */
export interface RenderSummaryOptions {
  /** Default "text". */
  format?: SummaryFormat;
  /** "table" (Table 2 rows) or "layers" (Keras style). Default: "table" when there are rows. */
  style?: "table" | "layers";
}

/**
 * A count the way the paper prints it: 9K, 115K, 1.6M, 119M, 0.1M, 1.6B.
 *
 * @example
 * ```ts
 * import { formatCount } from "./render_summary.ts";
 * console.assert(formatCount(1587200) === "1.6M" && formatCount(9472) === "9K");
 * console.assert(formatCount(131200, { smallest: "M" }) === "0.1M");
 * ```
 */
export function formatCount(n: number, options: { smallest?: "K" | "M" } = {}): string {
  if (n === 0) return "0";
  const units: [number, string][] = [[1e9, "B"], [1e6, "M"], [1e3, "K"]];
  for (const [u, s] of units) {
    const last = s === (options.smallest ?? "K");
    if (n >= u || last) {
      const v = n / u;
      // Thousands as integers (9K, 115K); millions and billions with one decimal below 10;
      // below one of the smallest unit, one significant digit (0.1M).
      const shown = v < 1
        ? Number(v.toPrecision(1))
        : v < 10 && s !== "K"
        ? Number(v.toFixed(1))
        : Math.round(v);
      return `${shown}${s}`;
    }
  }
  return String(n);
}

const TABLE_HEAD = [
  "type",
  "output size",
  "depth",
  "#1×1",
  "#3×3 reduce",
  "#3×3",
  "#5×5 reduce",
  "#5×5",
  "pool proj (p)",
  "params",
  "FLOPS",
];
const LAYER_HEAD = ["Layer (type)", "Output Shape", "Param #", "Connected to"];

function tableCells(s: ModelSummary): { head: string[]; body: string[][]; foot: string[] } {
  const body = s.rows.map((r) => [
    r.type,
    r.outputSize.join("×"),
    String(r.depth),
    r.n1x1,
    r.n3x3reduce,
    r.n3x3,
    r.n5x5reduce,
    r.n5x5,
    r.poolProj,
    r.params ? formatCount(r.params) : "",
    r.flops ? formatCount(r.flops, { smallest: "M" }) : "",
  ]);
  const foot = [
    "total",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    formatCount(s.total.params),
    formatCount(s.total.flops, { smallest: "M" }),
  ];
  return { head: TABLE_HEAD, body, foot };
}

const shapeText = (shape: unknown): string => {
  const one = (s: (number | null)[]) => `(${s.map((d) => (d == null ? "None" : d)).join(", ")})`;
  const sh = shape as (number | null)[] | (number | null)[][];
  return Array.isArray(sh[0])
    ? (sh as (number | null)[][]).map(one).join(", ")
    : one(sh as (number | null)[]);
};

function layerCells(s: ModelSummary): { head: string[]; body: string[][]; foot: string[] } {
  const body = s.layers.map((l) => [
    `${l.name} (${l.className === "Functional" ? "Model" : l.className})`,
    shapeText(l.outputShape),
    String(l.params),
    l.connectedTo.join(" "),
  ]);
  return { head: LAYER_HEAD, body, foot: [] };
}

function footerLines(s: ModelSummary, style: "table" | "layers"): string[] {
  const t = s.total;
  const fmt = (n: number) => n.toLocaleString("en-US");
  const lines = [
    `Total params: ${fmt(t.params)}`,
    `Trainable params: ${fmt(t.trainableParams)}`,
    `Non-trainable params: ${fmt(t.nonTrainableParams)}`,
  ];
  if (style === "table") {
    lines.push(`Conv + fully connected kernel weights: ${fmt(t.weights)}`);
  }
  lines.push(`Multiply-adds per example: ${fmt(t.flops)}`);
  return lines;
}

const escapeHtml = (v: string) =>
  v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Renders a summary.
 *
 * @example
 * ```ts
 * import { createModel } from "./create_model.ts";
 * import { summarizeModel } from "./summarize_model.ts";
 * import { renderSummary } from "./render_summary.ts";
 * const html = renderSummary(summarizeModel(createModel("tiny")), { format: "html" });
 * console.assert(html.includes("<table"));
 * ```
 */
export function renderSummary(summary: ModelSummary, options: RenderSummaryOptions = {}): string {
  const format = options.format ?? "text";
  const style = options.style ?? (summary.rows.length > 0 ? "table" : "layers");
  if (format === "json") {
    return JSON.stringify(
      {
        model: summary.model,
        buildOptions: summary.buildOptions,
        rows: style === "table" ? summary.rows : undefined,
        layers: style === "layers" ? summary.layers : undefined,
        total: summary.total,
      },
      null,
      2,
    );
  }
  const { head, body, foot } = style === "table" ? tableCells(summary) : layerCells(summary);
  const all = foot.length ? [...body, foot] : body;
  const footer = footerLines(summary, style);
  switch (format) {
    case "text": {
      const widths = head.map((h, i) => Math.max(h.length, ...all.map((r) => r[i].length)));
      const line = (cells: string[]) =>
        cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
      const rule = "-".repeat(widths.reduce((a, w) => a + w + 2, -2));
      const out = [line(head), rule, ...body.map(line)];
      if (foot.length) out.push(rule, line(foot));
      return [...out, rule, ...footer].join("\n");
    }
    case "markdown": {
      const row = (cells: string[]) =>
        `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
      const out = [row(head), row(head.map(() => "---")), ...all.map(row)];
      return [...out, "", ...footer.map((l) => `${l}  `)].join("\n");
    }
    case "html": {
      const tr = (cells: string[], tag: string) =>
        `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join("")}</tr>`;
      return [
        `<table class="model-summary">`,
        `<thead>${tr(head, "th")}</thead>`,
        `<tbody>`,
        ...body.map((r) => tr(r, "td")),
        `</tbody>`,
        ...(foot.length ? [`<tfoot>${tr(foot, "td")}</tfoot>`] : []),
        `</table>`,
        `<p>${footer.map(escapeHtml).join("<br>")}</p>`,
      ].join("\n");
    }
    default: {
      const never: never = format;
      throw new Error(
        `renderSummary: unknown format '${never}'; expected text, markdown, html or json`,
      );
    }
  }
}
