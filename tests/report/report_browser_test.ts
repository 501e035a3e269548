/**
 * Browser check of report.html: a sweep report (synthetic numbers, deterministic) is written,
 * opened in headless Chromium at 1280×900, screenshotted and printed to PDF. Asserts: ≤ 3 MB,
 * the plots drawn, the headline figure wholly above the fold and beside the findings, nothing
 * wider than the page when printed. The screenshot and PDF are kept under runs/report-browser-test/
 * (the test prints their paths) so a person can look at them. Skips with a message without Chromium.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Figure, findChromium, lineFigure } from "../../lib/plot/mod.ts";
import { type SweepCell, sweepReport, writeReport } from "../../lib/report/mod.ts";
import { runExperiment } from "../../lib/experiment/mod.ts";
import { slowTests, useTestBackend } from "../_helpers/leak.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OUT = join(ROOT, "runs", "report-browser-test");
const chromium = await findChromium();
if (!chromium) {
  console.warn("report browser test skipped: no Chromium (apt-get install chromium)");
}

/** Deterministic sweep cells: three miners × four margins, 40 steps of noisy curves. */
function syntheticCells(): SweepCell[] {
  const cells: SweepCell[] = [];
  const miners = ["semihard", "random", "hardest"];
  const margins = [0.05, 0.2, 1, 4];
  let state = 7;
  const noise = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  for (const [mi, miner] of miners.entries()) {
    for (const [ai, margin] of margins.entries()) {
      const collapses = miner === "hardest" || (miner === "semihard" && margin === 4);
      const acc = collapses ? 0.5 + 0.01 * ai : 0.92 - 0.08 * mi - 0.03 * ai;
      const history = Array.from({ length: 40 }, (_, step) => ({
        step,
        loss: (collapses ? margin : margin * Math.exp(-step / 12)) * (1 + 0.3 * noise()),
        accuracy: Math.min(1, (collapses ? 0.5 : 0.5 + step / 60) + 0.1 * noise()),
        dAn: (collapses ? 1e-3 : 0.5 + step / 40) * (1 + 0.2 * noise()),
      }));
      cells.push({
        group: miner,
        x: margin,
        values: { acc, loss: history[39].loss },
        collapseStep: collapses ? 10 + ai : null,
        history,
      });
    }
  }
  return cells;
}

/** A copy of the page that, once its plots are drawn, writes where things are into the DOM. */
function withLayoutProbe(html: string): string {
  const probe = `<script>window.addEventListener("load", function () {
  setTimeout(function () {
    function box(el) { if (!el) return null; var r = el.getBoundingClientRect();
      return { top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right }; }
    var info = {
      headline: box(document.querySelector("#headline .main-svg")),
      findings: box(document.querySelector(".findings")),
      table: box(document.querySelector("table.results")),
      svgs: document.querySelectorAll(".main-svg").length,
      maxPlotWidth: Math.max.apply(null, Array.from(document.querySelectorAll(".main-svg"))
        .map(function (e) { return e.getBoundingClientRect().width; })),
      pageWidth: document.documentElement.scrollWidth,
      viewport: { width: innerWidth, height: innerHeight },
    };
    var pre = document.createElement("pre"); pre.id = "layout-probe";
    pre.textContent = JSON.stringify(info); document.body.appendChild(pre);
  }, 500);
});</script>`;
  return html.replace("</body>", `${probe}</body>`);
}

async function runChromium(args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "facenet-chromium-" });
  try {
    const out = await new Deno.Command(chromium!, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--window-size=1280,900",
        "--virtual-time-budget=10000",
        ...args,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(90_000),
    }).output();
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Opens `path` in Chromium at 1280×900: ≤ 3 MB, a screenshot kept in `outDir`, the headline figure
 * wholly above the fold beside the findings, no sideways scrolling, plots that fit a printed page.
 */
async function checkInBrowser(path: string, outDir: string): Promise<void> {
  const size = (await Deno.stat(path)).size;
  assert.ok(size <= 3 * 1024 * 1024, `report.html is ${(size / 1e6).toFixed(2)} MB, over 3 MB`);

  const screenshot = join(outDir, "report_1280x900.png");
  await Deno.remove(screenshot).catch(() => {});
  await runChromium([`--screenshot=${screenshot}`, `file://${path}`]);
  assert.ok((await Deno.stat(screenshot)).size > 20_000, "the screenshot is nearly empty");
  console.log(`screenshot: ${screenshot}`);

  const probePath = join(outDir, "report_probe.html");
  await Deno.writeTextFile(probePath, withLayoutProbe(await Deno.readTextFile(path)));
  const dom = await runChromium(["--dump-dom", `file://${probePath}`]);
  const json = dom.match(/<pre id="layout-probe">([^<]*)<\/pre>/)?.[1];
  assert.ok(json, "the page wrote no layout information (did it load?)");
  const info = JSON.parse(json.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  assert.ok(info.headline, "no headline figure was drawn");
  assert.ok(
    info.headline.bottom <= info.viewport.height,
    `headline figure spans ${info.headline.top}–${info.headline.bottom} px, past the ${info.viewport.height} px fold`,
  );
  // The answer sits beside (or above) the headline, and the table follows both.
  assert.ok(info.findings.top < info.headline.bottom);
  assert.ok(info.table.top >= info.headline.bottom);
  // headline + curves + the extra figure
  assert.ok(info.svgs >= 3, `expected ≥ 3 drawn plots, found ${info.svgs}`);
  assert.ok(info.pageWidth <= info.viewport.width, `page scrolls sideways: ${info.pageWidth} px`);
  // A4 landscape less 12 mm margins is 273 mm = 1031 CSS px: plots drawn on screen fit when printed.
  assert.ok(
    info.maxPlotWidth <= 1031,
    `a plot is ${info.maxPlotWidth} px wide, wider than A4 landscape`,
  );
}

Deno.test({
  name:
    "report.html is ≤ 3 MB and, in Chromium at 1280×900, shows its headline figure above the fold",
  ignore: !chromium,
  async fn() {
    await Deno.mkdir(OUT, { recursive: true });
    const sections = sweepReport(syntheticCells(), {
      question: "Which margin α trains best, per miner?",
      groupLabel: "miner",
      xLabel: "margin α",
      xSymbol: "α",
      xLog: true,
      headline: {
        key: "acc",
        label: "verification accuracy",
        format: "percent",
        chance: 0.5,
      },
      // As many columns as margin-sweep's table, so a page too wide for the window shows here.
      columns: [
        { key: "acc", label: "VAL@FAR=0.01", format: "percent" },
        { key: "acc", label: "triplet accuracy", format: "percent" },
        { key: "loss", label: "final loss", format: "fixed", digits: 3 },
        { key: "loss", label: "d_ap", unit: "squared distance", format: "exponent" },
        { key: "loss", label: "d_an", unit: "squared distance", format: "exponent" },
      ],
      curves: [
        { key: "loss", label: "loss" },
        { key: "accuracy", label: "triplet accuracy" },
        { key: "dAn", label: "mean d_an", logY: true },
      ],
    });
    const extra: Figure[] = [lineFigure([{ name: "x", y: [1, 2, 3] }], { title: "more" })];
    const path = await writeReport(OUT, {
      title: "margin-sweep (synthetic numbers)",
      ...sections,
      summary: { bestVerificationAccuracy: 0.92, nested: { a: 1, b: [1, 2] } },
      figures: extra,
      notes: ["A note that explains the mechanism."],
      config: { seed: 1, margins: [0.05, 0.2, 1, 4] },
      provenance: {
        time: "2026-01-01T00:00:00.000Z",
        gitRevision: "0123456789abcdef",
        backend: "wasm",
      },
    });
    await checkInBrowser(path, OUT);

    const pdf = join(OUT, "report.pdf");
    await Deno.remove(pdf).catch(() => {});
    await runChromium([`--print-to-pdf=${pdf}`, "--no-pdf-header-footer", `file://${path}`]);
    const bytes = await Deno.readFile(pdf);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), "%PDF-");
    const pages = new TextDecoder("latin1").decode(bytes).match(/\/Type\s*\/Page[^s]/g)?.length ??
      0;
    assert.ok(pages >= 2 && pages <= 12, `the PDF has ${pages} pages`);
    console.log(`pdf: ${pdf} (${pages} pages)`);
  },
});

Deno.test({
  name:
    "margin-sweep --preset ci writes a report.html ≤ 3 MB whose headline figure is above the fold (SLOW=1)",
  ignore: !chromium || !slowTests,
  async fn() {
    await useTestBackend();
    // Loaded here, so the fast test above does not load the experiment and its training code.
    const module = "../../experiments/margin_sweep.ts";
    const { marginSweep } = await import(module) as {
      marginSweep: Parameters<typeof runExperiment>[0];
    };
    const out = join(ROOT, "runs", "report-browser-test", "margin-sweep-ci");
    await Deno.remove(out, { recursive: true }).catch(() => {});
    const r = await runExperiment(marginSweep, {
      preset: "ci",
      outDir: out,
      print: () => {},
      progress: "silent",
    });
    assert.ok(r.findings && r.findings.length > 0 && r.headline && r.table);
    await checkInBrowser(r.report, r.dir);
  },
});
