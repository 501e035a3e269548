/**
 * Shows figures inline in a Deno-kernel notebook. The first figure of a kernel session carries the
 * plotly.js library (as `text/html`), later ones only their div; every output also carries
 * `application/vnd.plotly.v1+json` for frontends with a native Plotly renderer (JupyterLab with
 * jupyterlab-plotly, VS Code), and a static PNG rendered by headless Chromium (`image/png`, and as
 * an `<img>` inside the div until Plotly draws over it) so viewers that run no scripts — GitHub's
 * notebook viewer, PDF exports — show the plot too. Without Chromium the output says so in place
 * of the image. Outside Jupyter nothing is sent.
 * @module
 */
import { inJupyter } from "../cli/mod.ts";
import type { Figure } from "./figure.ts";
import { figureHtml, plotlyCompressedLibraryHtml } from "./plotly_html.ts";
import { renderStaticImages } from "./static_image.ts";

let libraryShown = false;

/** Forget that the library was sent (e.g. after clearing outputs); the next figure carries it again. */
export function resetPlotlyInjection(): void {
  libraryShown = false;
}

/** A Jupyter mime bundle for a figure. */
export type MimeBundle = Record<string, string | object>;

/** Options of {@link figureMimeBundle} and {@link display}. */
export interface DisplayFigureOptions {
  /** Include the plotly.js library in the HTML. Default: only the first time in this session. */
  includeLibrary?: boolean;
  /** Jupyter display id; displaying again with the same id updates that output in place. */
  displayId?: string;
  /** Update the output with `displayId` instead of adding a new one. Default false. */
  update?: boolean;
  /**
   * Attach a static PNG rendered by headless Chromium. Default true, except for in-place updates
   * (`update: true`) and when the environment sets FACENET_STATIC_IMAGES=0.
   */
  staticImage?: boolean;
  /** A PNG (base64) already rendered for this figure; used instead of rendering one. */
  png?: string;
  /** Why there is no static image (shown in its place); set by {@link display}. */
  staticError?: string;
}

/** Whether a static image is wanted under these options. */
function wantsStatic(options: DisplayFigureOptions): boolean {
  if (options.staticImage !== undefined) return options.staticImage;
  if (options.update) return false;
  try {
    return Deno.env.get("FACENET_STATIC_IMAGES") !== "0";
  } catch {
    return true;
  }
}

/** One-line text form of a figure. */
export function describeFigure(fig: Figure): string {
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  const kinds = [...new Set(fig.data.map((t) => t.type))].join(", ");
  return `[figure${title ? ` "${title}"` : ""}: ${fig.data.length} trace(s) (${kinds})]`;
}

/**
 * The mime bundle for a figure: text/html (the interactive plot, over the static image when there
 * is one), application/vnd.plotly.v1+json, image/png (when rendered) and text/plain.
 *
 * @example
 * ```ts
 * import { figureMimeBundle } from "./display.ts";
 * const fig = { data: [{ type: "scatter", y: [1] }], layout: {} };
 * const b = await figureMimeBundle(fig, { includeLibrary: false, staticImage: false });
 * console.assert(typeof b["text/html"] === "string" && "application/vnd.plotly.v1+json" in b);
 * ```
 */
export async function figureMimeBundle(
  fig: Figure,
  options: DisplayFigureOptions = {},
): Promise<MimeBundle> {
  let png = options.png, staticError = options.staticError;
  if (png === undefined && staticError === undefined && wantsStatic(options)) {
    const r = await renderStaticImages([fig]);
    png = r.png[0];
    staticError = r.error;
  }
  const withLibrary = options.includeLibrary ?? !libraryShown;
  const note = png === undefined && staticError !== undefined
    ? `static image not rendered (${staticError}); the plot needs a viewer that runs scripts`
    : undefined;
  const html = (withLibrary ? await plotlyCompressedLibraryHtml() : "") +
    figureHtml(fig, { fallbackPng: png, fallbackText: note });
  if (withLibrary) libraryShown = true;
  return {
    "text/html": html,
    "application/vnd.plotly.v1+json": {
      data: fig.data,
      layout: fig.layout,
      config: fig.config ?? {},
    },
    ...(png !== undefined ? { "image/png": png } : {}),
    "text/plain": describeFigure(fig) + (note ? ` (${note})` : ""),
  };
}

/**
 * Displays figures in the notebook (Deno kernel). Returns nothing (so a cell ending in
 * `await display(fig)` shows no extra value); outside Jupyter it sends nothing, so notebook code
 * also runs as a script. {@link figureMimeBundle} gives the bundle that would be sent.
 *
 * @example
 * ```ts
 * import { display } from "./display.ts";
 * await display({ data: [{ type: "scatter", y: [1, 2] }], layout: {} }); // no-op outside Jupyter
 * ```
 */
export async function display(
  figures: Figure | Figure[],
  options: DisplayFigureOptions = {},
): Promise<void> {
  if (!inJupyter()) return;
  const list = Array.isArray(figures) ? figures : [figures];
  // deno-lint-ignore no-explicit-any
  const jupyter = (Deno as any).jupyter;
  // One Chromium run renders every figure of the call.
  const rendered = options.png === undefined && wantsStatic(options)
    ? await renderStaticImages(list)
    : undefined;
  for (const [i, fig] of list.entries()) {
    const bundle = await figureMimeBundle(fig, {
      ...options,
      ...(rendered
        ? {
          png: rendered.png[i],
          staticError: rendered.png[i] ? undefined : rendered.error ?? "no image came back",
        }
        : { staticImage: false }),
    });
    await jupyter.display(bundle, {
      raw: true,
      ...(options.displayId
        ? { display_id: options.displayId, update: options.update ?? false }
        : {}),
    });
  }
}

/**
 * Displays a text or HTML block (e.g. a summary table) in the notebook; prints it outside Jupyter.
 *
 * @example
 * ```ts
 * import { displayText } from "./display.ts";
 * await displayText("collapsed: true", { print: () => {} });
 * ```
 */
export async function displayText(
  text: string,
  options: { html?: string; print?: (line: string) => void } = {},
): Promise<void> {
  if (!inJupyter()) {
    (options.print ?? console.log)(text);
    return;
  }
  // deno-lint-ignore no-explicit-any
  const jupyter = (Deno as any).jupyter;
  await jupyter.display({
    "text/plain": text,
    ...(options.html ? { "text/html": options.html } : {}),
  }, {
    raw: true,
  });
}
