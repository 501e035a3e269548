/**
 * Static images of figures, rendered by headless Chromium (Plotly's own `toImage` in a local page),
 * so notebook viewers that run no scripts (GitHub, nbconvert to PDF) still show the plots.
 * @module
 */
import { join } from "node:path";
import type { Figure } from "./figure.ts";
import { jsonForScript, plotlySource } from "./plotly_html.ts";

/** The flags every headless Chromium run of the toolkit uses (no network, no first-run work). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let found: Promise<string | undefined> | undefined;

/**
 * The Chromium executable: `$FACENET_CHROMIUM` when set, else the first of chromium,
 * chromium-browser, google-chrome that answers `--version`; undefined when none does (or the
 * process may not run programs).
 *
 * @example
 * ```ts
 * import { findChromium } from "./static_image.ts";
 * const path = await findChromium();
 * console.assert(path === undefined || path.length > 0);
 * ```
 */
export function findChromium(): Promise<string | undefined> {
  found ??= (async () => {
    let fromEnv: string | undefined;
    try {
      fromEnv = Deno.env.get("FACENET_CHROMIUM");
    } catch { /* no env permission */ }
    for (const cmd of fromEnv ? [fromEnv] : ["chromium", "chromium-browser", "google-chrome"]) {
      try {
        const out = await new Deno.Command(cmd, {
          args: ["--version"],
          stdout: "null",
          stderr: "null",
        }).output();
        if (out.success) return cmd;
      } catch { /* not installed or not allowed */ }
    }
    return undefined;
  })();
  return found;
}

/** Options of {@link renderStaticImages}. */
export interface StaticImageOptions {
  /** Chromium executable. Default: {@link findChromium}. */
  chromium?: string;
  /** Width in pixels of figures whose layout has none. Default 900. */
  width?: number;
  /** Pixel ratio of the PNG. Default 1. */
  scale?: number;
  /** Gives up after this long. Default 60 000 ms. */
  timeoutMs?: number;
}

/** What {@link renderStaticImages} made. */
export interface StaticImages {
  /** Base64 PNG per figure (no `data:` prefix), or undefined where it could not be made. */
  png: (string | undefined)[];
  /** Why images are missing, when some are. */
  error?: string;
}

const MARK = "FACENET_STATIC:";

/** The page that draws each figure and writes their PNGs into the DOM. */
async function staticPage(figures: Figure[], width: number, scale: number): Promise<string> {
  const specs = figures.map((f) => ({
    data: f.data,
    layout: f.layout,
    width: typeof f.layout.width === "number" ? f.layout.width : width,
    height: typeof f.layout.height === "number" ? f.layout.height : 360,
  }));
  const src = (await plotlySource()).replace(/<\/(script)/gi, "<\\/$1");
  return `<!doctype html><html><head><meta charset="utf-8"><script>${src}</script></head><body>
<pre id="out"></pre><script>
(async function () {
  var specs = ${jsonForScript(specs)}, out = [];
  for (var i = 0; i < specs.length; i++) {
    var s = specs[i], el = document.createElement("div");
    el.style.width = s.width + "px"; el.style.height = s.height + "px";
    document.body.appendChild(el);
    try {
      var layout = Object.assign({}, s.layout, { width: s.width, height: s.height });
      await Plotly.newPlot(el, s.data, layout, { staticPlot: true });
      var url = await Plotly.toImage(el, { format: "png", width: s.width, height: s.height, scale: ${scale} });
      out.push({ png: url.replace(/^data:image\\/png;base64,/, "") });
    } catch (e) { out.push({ error: String(e && e.message || e) }); }
    Plotly.purge(el); el.remove();
  }
  document.getElementById("out").textContent = "${MARK}" + encodeURIComponent(JSON.stringify(out));
})();
</script></body></html>`;
}

/**
 * Renders figures to PNG in one headless Chromium run. Never throws for a missing browser or
 * permission: the images are then undefined and `error` says why.
 *
 * @example
 * ```ts ignore
 * import { renderStaticImages } from "./static_image.ts";
 * const { png, error } = await renderStaticImages([{ data: [{ type: "scatter", y: [1, 2] }], layout: {} }]);
 * console.log(png[0] ? `${png[0].length} base64 characters` : error);
 * ```
 */
export async function renderStaticImages(
  figures: Figure[],
  options: StaticImageOptions = {},
): Promise<StaticImages> {
  const none = (error: string): StaticImages => ({ png: figures.map(() => undefined), error });
  if (figures.length === 0) return { png: [] };
  const chromium = options.chromium ?? (await findChromium());
  if (!chromium) return none("no Chromium found (install chromium or set FACENET_CHROMIUM)");
  let dir: string;
  try {
    dir = await Deno.makeTempDir({ prefix: "facenet-static-" });
  } catch (e) {
    return none(`cannot make a temporary folder: ${e instanceof Error ? e.message : e}`);
  }
  try {
    const page = join(dir, "figures.html");
    await Deno.writeTextFile(
      page,
      await staticPage(figures, options.width ?? 900, options.scale ?? 1),
    );
    const out = await new Deno.Command(chromium, {
      args: [
        ...CHROMIUM_FLAGS,
        `--user-data-dir=${join(dir, "profile")}`,
        "--virtual-time-budget=30000",
        "--dump-dom",
        `file://${page}`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const at = dom.indexOf(MARK);
    if (at < 0) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-2).join(" ");
      return none(`Chromium drew no images (exit ${out.code}${err ? `: ${err}` : ""})`);
    }
    const encoded = dom.slice(at + MARK.length).split("<")[0].trim();
    const results = JSON.parse(decodeURIComponent(encoded)) as { png?: string; error?: string }[];
    const errors = results.map((r, i) => (r.error ? `figure ${i}: ${r.error}` : "")).filter(
      Boolean,
    );
    return {
      png: results.map((r) => r.png),
      ...(errors.length ? { error: errors.join("; ") } : {}),
    };
  } catch (e) {
    return none(`Chromium failed: ${e instanceof Error ? e.message : e}`);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
