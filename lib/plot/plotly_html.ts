/**
 * HTML for Plotly figures: the plotly.js library as an inline `<script>` (plotly.js's minified
 * cartesian bundle, npm:plotly.js-cartesian-dist-min: scatter, bar, histogram, heatmap, contour,
 * image, box, violin, pie; 1.5 MB instead of the full bundle's 10 MB; read once and cached), and a figure as a `<div>` plus a script that draws it as soon as `Plotly`
 * is defined. Works in JupyterLab, VS Code, classic Notebook (RequireJS is side-stepped), nbconvert's
 * HTML export and standalone report pages.
 * @module
 */
import type { Figure } from "./figure.ts";

let cached: Promise<string> | undefined;

/**
 * The plotly.js bundle's source text (npm:plotly.js-cartesian-dist-min, as pinned in deno.json).
 *
 * @example
 * ```ts
 * import { plotlySource } from "./plotly_html.ts";
 * const src = await plotlySource();
 * console.assert(src.length > 1_000_000 && src.length < 2_000_000);
 * ```
 */
export function plotlySource(): Promise<string> {
  cached ??= (async () => {
    const url = import.meta.resolve("plotly.js-cartesian-dist-min");
    if (!url.startsWith("file:")) {
      throw new Error(
        `plotlySource: plotly.js-cartesian-dist-min resolved to '${url}', not a local file; run with nodeModulesDir "auto" (deno.json)`,
      );
    }
    return await Deno.readTextFile(new URL(url));
  })();
  return cached;
}

/** Makes text safe inside an inline `<script>` element. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/**
 * A `<script>` element that defines `window.Plotly` unless it already exists. AMD loaders
 * (classic Notebook's RequireJS) are hidden while it runs so the UMD bundle sets the global.
 *
 * @example
 * ```ts
 * import { plotlyLibraryHtml } from "./plotly_html.ts";
 * const html = await plotlyLibraryHtml();
 * console.assert(html.startsWith("<script") && html.includes("window.Plotly"));
 * ```
 */
export async function plotlyLibraryHtml(): Promise<string> {
  const src = scriptSafe(await plotlySource());
  return `<script type="text/javascript">if (!window.Plotly) {(function(){` +
    `var _define = window.define; window.define = undefined;\ntry {\n${src}\n} finally { window.define = _define; }` +
    `}).call(window);}</script>`;
}

let cachedCompressed: Promise<string> | undefined;

/**
 * A `<script>` that defines `window.Plotly` from a gzip-compressed, base64 copy of plotly.js
 * (about 0.6 MB instead of 1.5 MB), decompressed in the browser with `DecompressionStream`. Used for
 * notebook outputs, where the Deno kernel has to send the library as one message.
 *
 * @example
 * ```ts
 * import { plotlyCompressedLibraryHtml } from "./plotly_html.ts";
 * const html = await plotlyCompressedLibraryHtml();
 * console.assert(html.includes("DecompressionStream") && html.length < 1_000_000);
 * ```
 */
export function plotlyCompressedLibraryHtml(): Promise<string> {
  cachedCompressed ??= (async () => {
    const src = await plotlySource();
    const gz = new Uint8Array(
      await new Response(new Blob([src]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer(),
    );
    let binary = "";
    for (let i = 0; i < gz.length; i += 0x8000) {
      binary += String.fromCharCode(...gz.subarray(i, i + 0x8000));
    }
    return `<script type="text/javascript">if (!window.Plotly && !window.__facenetPlotlyLoading) {` +
      `window.__facenetPlotlyLoading = true; (async function () {` +
      `var b = atob("${btoa(binary)}"); var u = new Uint8Array(b.length);` +
      `for (var i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);` +
      `var s = await new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text();` +
      `var _define = window.define; window.define = undefined;` +
      `try { (0, eval)(s); } finally { window.define = _define; window.__facenetPlotlyLoading = false; }` +
      `})(); }</script>`;
  })();
  return cachedCompressed;
}

let counter = 0;

/** Options of {@link figureHtml}. */
export interface FigureHtmlOptions {
  /** The div's id. Default: a fresh unique id. */
  id?: string;
  /**
   * A static image (base64 PNG) shown inside the div until Plotly draws there, so viewers that run
   * no scripts (GitHub's notebook viewer, PDF exports) still show the plot. Default none.
   */
  fallbackPng?: string;
  /** Text shown inside the div until Plotly draws, when there is no image. Default none. */
  fallbackText?: string;
}

/** JSON safe to embed in a script element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

/**
 * A `<div>` and a script drawing `fig` into it once `window.Plotly` exists (it waits up to 60 s,
 * so the library may arrive in an earlier or later element).
 *
 * @example
 * ```ts
 * import { figureHtml } from "./plotly_html.ts";
 * const html = figureHtml({ data: [{ type: "scatter", y: [1, 2] }], layout: {} }, { id: "f1" });
 * console.assert(html.includes('id="f1"') && html.includes("Plotly.newPlot"));
 * ```
 */
export function figureHtml(fig: Figure, options: FigureHtmlOptions = {}): string {
  const id = options.id ?? `facenet-fig-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 360;
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? "figure";
  const fallback = options.fallbackPng
    ? `<img src="data:image/png;base64,${options.fallbackPng}" alt="${
      escapeAttribute(title)
    }" style="max-width:100%">`
    : options.fallbackText
    ? `<p style="color:#777;font-style:italic">${escapeAttribute(options.fallbackText)}</p>`
    : "";
  return `<div id="${id}" class="facenet-figure" style="min-height:${height}px">${fallback}</div>` +
    `<script type="text/javascript">(function(){var spec=${
      jsonForScript({ data: fig.data, layout: fig.layout, config })
    };var tries=0;function draw(){var el=document.getElementById(${JSON.stringify(id)});` +
    `if(window.Plotly&&el){el.innerHTML="";window.Plotly.newPlot(el,spec.data,spec.layout,spec.config);}` +
    `else if(tries++<1200){setTimeout(draw,50);}}draw();})();</script>`;
}

/** Escapes text for an HTML attribute or text node. */
function escapeAttribute(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
