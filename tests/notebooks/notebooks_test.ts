/**
 * Notebook CI: committed notebooks carry no outputs; their cells type-check; each runs on the Deno
 * kernel under the `ci` preset (tools/run_notebook.py, which keeps listening after idle) with its key
 * outputs asserted; and one executed notebook (exported with nbconvert) and one report.html draw
 * their plots in headless Chromium.
 *
 * Needs /usr/bin/python3 with jupyter_client + nbformat, the Deno kernelspec (`deno jupyter
 * --install`), jupyter-nbconvert and chromium (.ci/run installs them); each test says what is missing
 * and skips otherwise. Executed notebooks, HTML and screenshots go to .test-out/notebooks/.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkNotebooks } from "../../tools/check_notebooks.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NOTEBOOKS = join(ROOT, "notebooks");
const OUT = join(ROOT, ".test-out", "notebooks");
const PYTHON = "/usr/bin/python3";

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync().success;
  } catch {
    return false;
  }
}

function missingForNotebooks(): string | undefined {
  if (!commandWorks(PYTHON, ["-c", "import jupyter_client, nbformat"])) {
    return `${PYTHON} cannot import jupyter_client and nbformat (apt-get install jupyter-client python3-nbformat)`;
  }
  try {
    const out = new Deno.Command(PYTHON, {
      args: [
        "-c",
        "from jupyter_client.kernelspec import KernelSpecManager as K; print(' '.join(K().find_kernel_specs()))",
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    if (!new TextDecoder().decode(out.stdout).split(/\s+/).includes("deno")) {
      return "the Deno Jupyter kernel is not installed (deno jupyter --install)";
    }
  } catch (e) {
    return `cannot list kernelspecs: ${e}`;
  }
  return undefined;
}

const missing = missingForNotebooks();
if (missing) console.warn(`notebook tests skipped: ${missing}`);

/** Notebooks that train on the real photos beside the checkout (../shared/faces). */
const NEEDS_FACES = new Set(["17_lfw_scratch.ipynb", "18_fine_tune.ipynb"]);
const facesMissing = (() => {
  for (const dir of ["../shared/faces/dev", "../shared/faces/train/lfw-devtrain"]) {
    try {
      if (Deno.statSync(join(ROOT, dir)).isDirectory) continue;
    } catch { /* missing */ }
    return `${dir} is missing beside the checkout`;
  }
  return undefined;
})();
if (facesMissing) console.warn(`real-face notebook tests skipped: ${facesMissing}`);
const chromiumMissing = missing ??
  (commandWorks("chromium", ["--version"])
    ? undefined
    : "chromium is not installed (apt-get install chromium)") ??
  (commandWorks("jupyter-nbconvert", ["--version"])
    ? undefined
    : "jupyter-nbconvert is not installed");
if (chromiumMissing && !missing) console.warn(`browser check skipped: ${chromiumMissing}`);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
}

const join1 = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

function notebookFiles(): string[] {
  return [...Deno.readDirSync(NOTEBOOKS)].filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((
    e,
  ) => e.name)
    .sort();
}

async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path));
}

/** Text of every stream output and text/plain result, and the display outputs. */
function outputsOf(nb: Notebook) {
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const text = outputs.map((o) =>
    o.output_type === "stream"
      ? join1(o.text)
      : join1(o.data?.["text/plain"] as string | string[] | undefined)
  ).join("\n");
  const displays = outputs.filter((o) => o.output_type === "display_data");
  const plots = displays.filter((o) => o.data?.["application/vnd.plotly.v1+json"]);
  const withLibrary = displays.filter((o) =>
    join1(o.data?.["text/html"] as string).includes("DecompressionStream")
  );
  return { outputs, text, displays, plots, withLibrary };
}

/** summary.json of the run whose folder the notebook printed ("run folder: …"). */
function runSummary(text: string): Record<string, unknown> {
  const dir = text.match(/run folder: (\S+)/)?.[1];
  assert.ok(dir, "the notebook printed its run folder");
  return JSON.parse(Deno.readTextFileSync(join(dir, "summary.json")));
}

/** Key outputs per notebook (asserted on the executed notebook). */
const EXPECTATIONS: Record<string, (o: ReturnType<typeof outputsOf>) => void> = {
  "00_quick_start.ipynb": (o) => {
    assert.match(o.text, /distance-eps/);
    assert.match(o.text, /nanGradientAtZeroSeparation\s+\["euclidean"\]/);
    assert.match(o.text, /euclideanEpsValueAtCollapse\s+3\.1623e-4/);
    assert.equal(o.plots.length, 3);
  },
  "01_preprocessing.ipynb": (o) => {
    assert.match(o.text, /sample1\.jpg: 1920×1280, [1-9]\d* face\(s\)/);
    const faces = Number(o.text.match(/faces: (\d+)/)?.[1]);
    assert.ok(faces >= 2, `expected at least 2 aligned crops, got ${faces}`);
    assert.equal(o.plots.length, 3);
  },
  "03_margin_sweep.ipynb": (o) => {
    assert.match(o.text, /margin-sweep \(ci\)/);
    assert.match(o.text, /semihard α=4:/);
    assert.match(o.text, /bestVerificationAccuracy\s+0\.\d+/);
    assert.match(o.text, /hardest: collapse from α=/);
    assert.match(o.text, /semihard: no collapse at any α/);
    // The report's question and findings, headline and table, then the curves (2 figures of small
    // multiples for the ci preset's 4 margins) and VAL@FAR.
    assert.match(o.text, /Question\. At one training budget, which triplet margin α/);
    assert.match(o.text, /- Highest verification accuracy: \d+\.\d% \(\w+, α=[\d.]+\)/);
    assert.match(o.text, /miner\s+α\s+verification accuracy \(%\)/);
    assert.equal(o.plots.length, 4);
  },
  "04_distance_eps.ipynb": (o) => {
    assert.match(o.text, /euclideanEpsValueAtCollapse\s+3\.1623e-4/);
    assert.match(o.text, /√max\(·,ε\) fixes the NaN but clamps/);
    assert.equal(o.plots.length, 3);
  },
  "10_problem1_margin1.ipynb": (o) => {
    assert.match(o.text, /problem1-margin1 \(ci\)/);
    // the findings count the seeds that collapsed (NN2 family, lr ≤ 1: issue 12)
    assert.match(o.text, /problem 1: (none|\d+) of \d+ seeds? collapsed/);
    assert.match(o.text, /mechanism: \S+: /);
    assert.equal(o.plots.length, 5);
  },
  "11_problem2_margin4.ipynb": (o) => {
    assert.match(o.text, /problem2-margin4 \(ci\)/);
    // margin 4 > 2: every triplet is active whatever the run does
    assert.match(o.text, /\n\s+activeFraction\s+1\n/);
    assert.match(o.text, /problem 2: (none|\d+) of \d+ seeds? collapsed/);
    assert.match(o.text, /squared distances: d_ap² \S+, d_an² \S+/);
    assert.ok(o.plots.length >= 5);
  },
  "12_loss_zoo.ipynb": (o) => {
    const s = runSummary(o.text);
    assert.equal(s.preset, "ci");
    const results = s.results as Record<
      string,
      { finalLoss: number; verificationAccuracy: number }
    >;
    assert.deepEqual(Object.keys(results), [
      "triplet-hinge",
      "triplet-nohinge",
      "triplet-squaredHinge",
      "triplet-softplus",
      "contrastive",
      "arcface",
      "cosface",
    ]);
    for (const [loss, r] of Object.entries(results)) {
      assert.ok(Number.isFinite(r.finalLoss), `${loss}: finalLoss ${r.finalLoss}`);
      assert.ok(r.verificationAccuracy >= 0.4 && r.verificationAccuracy <= 1, loss);
    }
    assert.match(o.text, /note: triplet-hinge vs triplet-nohinge: /);
    assert.equal(o.plots.length, 4);
  },
  "13_mining.ipynb": (o) => {
    const s = runSummary(o.text);
    const collapses = s.collapses as Record<string, string>;
    assert.deepEqual(Object.keys(collapses), ["random", "semihard", "hardest", "batchAll"]);
    for (const v of Object.values(collapses)) assert.match(v, /^\d+\/2$/);
    assert.match(o.text, /spreadChange\s+embedding spread, last step \/ first step/);
    assert.equal(o.plots.length, 3);
  },
  "14_epoch_time.ipynb": (o) => {
    const s = runSummary(o.text);
    // initBackend("auto") picks the best backend installed; the summary names the one used.
    assert.equal(s.backend, o.text.match(/backend: (\S+?)[,\s]/)?.[1]);
    const p = s.projections as Record<string, { epochSec: number; epochRatioVsMonograph: number }>;
    assert.equal(Object.keys(p).length, 2);
    for (const v of Object.values(p)) assert.ok(v.epochSec > 0 && v.epochRatioVsMonograph > 0);
    assert.match(o.text, /forward\+backward dominates: \d+% of a trunk step/);
    assert.equal(o.plots.length, 2);
  },
  "15_case_study.ipynb": (o) => {
    const s = runSummary(o.text);
    const acc = s.verificationAccuracy as number;
    assert.ok(acc >= 0.4 && acc <= 1, `verificationAccuracy ${acc}`);
    const pos = s.hardestPositiveDistances as number[],
      neg = s.hardestNegativeDistances as number[];
    assert.equal(pos.length, 4);
    assert.deepEqual(pos, [...pos].sort((a, b) => b - a));
    assert.deepEqual(neg, [...neg].sort((a, b) => a - b));
    assert.match(o.text, /hardest negatives \(different identities, smallest distance/);
    assert.equal(o.plots.length, 3);
  },
  "16_collapse_atlas.ipynb": (o) => {
    const s = runSummary(o.text);
    assert.equal(s.preset, "ci");
    const cells = s.cells as { label: string; collapsed: number; seeds: number[] }[];
    assert.ok(cells.length >= 2);
    for (const c of cells) assert.ok(o.text.includes(`${c.label}: `), `no finding for ${c.label}`);
    assert.ok(o.plots.length >= 2);
  },
  "17_lfw_scratch.ipynb": (o) => {
    const s = runSummary(o.text);
    assert.equal(s.preset, "ci");
    assert.equal(s.chosen, "base");
    const acc = s.devAccuracy as number;
    assert.ok(acc >= 0 && acc <= 1, `devAccuracy ${acc}`);
    const faceapi = s.faceapi as { accuracy: number; pairs: number };
    assert.ok(faceapi.accuracy > 0.5, `face-api accuracy ${faceapi.accuracy}`);
  },
  "18_fine_tune.ipynb": (o) => {
    const s = runSummary(o.text);
    assert.equal(s.preset, "ci");
    const modes = s.modes as Record<string, { degraded: number; clean: number }>;
    assert.deepEqual(Object.keys(modes).sort(), ["fine-tuned (full)", "fine-tuned (trunk)"]);
    assert.ok(Number.isFinite(s.dropPoints as number), `dropPoints ${s.dropPoints}`);
    for (const m of Object.values(modes)) assert.ok(m.degraded >= 0 && m.clean <= 1);
  },
  "02_nn2_table.ipynb": (o) => {
    assert.match(o.text, /inception \(3a\)/);
    assert.match(o.text, /total parameters: 7,456,304/);
    assert.equal(o.plots.length, 2);
  },
};

Deno.test("committed notebooks have no outputs and no execution counts", async () => {
  const files = notebookFiles();
  assert.ok(files.length >= 3, `expected notebooks in ${NOTEBOOKS}`);
  for (const f of files) {
    const nb = await readNotebook(join(NOTEBOOKS, f));
    for (const [i, c] of nb.cells.entries()) {
      if (c.cell_type !== "code") continue;
      assert.deepEqual(c.outputs, [], `${f} cell ${i} has outputs; strip them before committing`);
      assert.equal(c.execution_count ?? null, null, `${f} cell ${i} has an execution count`);
    }
    assert.equal(
      (nb.metadata.kernelspec as { name?: string })?.name,
      "deno",
      `${f}: kernel must be deno`,
    );
  }
});

Deno.test('no notebook names a fixed backend: each calls initBackend("auto")', async () => {
  for (const f of notebookFiles()) {
    const nb = await readNotebook(join(NOTEBOOKS, f));
    const code = nb.cells.filter((c) => c.cell_type === "code").map((c) => join1(c.source)).join(
      "\n",
    );
    const calls = [...code.matchAll(/initBackend\(([^)]*)\)/g)].map((m) => m[1].trim());
    for (const arg of calls) assert.equal(arg, '"auto"', `${f}: initBackend(${arg})`);
  }
});

Deno.test("every notebook has key-output expectations in this test", () => {
  assert.deepEqual(notebookFiles().filter((f) => !(f in EXPECTATIONS)), []);
});

Deno.test("notebook cells type-check with deno check", async () => {
  const r = await checkNotebooks(NOTEBOOKS);
  assert.ok(r.notebooks.length >= 3);
  assert.ok(r.ok, r.output);
});

const executed = new Map<string, string>();

async function execute(
  name: string,
): Promise<{ path: string; report: { status: number; seconds: number; droppedMessages: number } }> {
  await Deno.mkdir(OUT, { recursive: true });
  const path = join(OUT, name);
  const out = await new Deno.Command(PYTHON, {
    args: [
      join(ROOT, "tools", "run_notebook.py"),
      join(NOTEBOOKS, name),
      "--out",
      path,
      "--env",
      "FACENET_PRESET=ci",
      "--env",
      `FACENET_RUNS_DIR=${join(OUT, "runs")}`,
      "--timeout",
      // per cell: the ci presets take about 2 min on an idle 2-core machine; leave room for a busy one
      "300",
      "--settle",
      "1",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout),
    stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${name} failed:\n${stderr}`);
  executed.set(name, path);
  return { path, report: JSON.parse(stdout.trim().split("\n").pop()!) };
}

for (const name of notebookFiles()) {
  Deno.test({
    name: `notebook ${name} runs under the ci preset and shows its key outputs`,
    ignore: missing !== undefined || (NEEDS_FACES.has(name) && facesMissing !== undefined),
    async fn() {
      const { path, report } = await execute(name);
      assert.equal(report.droppedMessages, 0, "IOPub messages failed their signature check");
      const nb = await readNotebook(path);
      const o = outputsOf(nb);
      assert.deepEqual(
        o.outputs.filter((x) => x.output_type === "error").map((x) => `${x.ename}: ${x.evalue}`),
        [],
      );
      if (o.plots.length > 0) {
        assert.equal(o.withLibrary.length, 1, "plotly.js must be injected exactly once");
      }
      // Every figure carries a static PNG (for viewers that run no scripts) where Chromium exists.
      if (!chromiumMissing) {
        const withoutPng = o.plots.filter((p) => typeof p.data?.["image/png"] !== "string");
        assert.equal(withoutPng.length, 0, `${withoutPng.length} figure(s) without image/png`);
      }
      EXPECTATIONS[name]?.(o);
      console.log(`${name}: ${report.seconds} s`);
    },
  });
}

Deno.test({
  name: "run_notebook.py keeps an output the kernel sends after it reported idle, in its own cell",
  ignore: missing !== undefined,
  async fn() {
    await Deno.mkdir(OUT, { recursive: true });
    const path = join(OUT, "late_output.ipynb");
    const out = await new Deno.Command(PYTHON, {
      args: [
        join(ROOT, "tools", "run_notebook.py"),
        join(ROOT, "tests", "notebooks", "fixtures", "late_output.ipynb"),
        "--out",
        path,
        "--settle",
        "1.5",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const nb = await readNotebook(path);
    const [first, second] = nb.cells.map((c) => outputsOf({ cells: [c], metadata: {} }).text);
    assert.match(first, /late output after idle/);
    assert.match(first, /returned/);
    assert.doesNotMatch(second, /late output/);
    assert.match(second, /second cell/);
  },
});

async function chromium(url: string, screenshot?: string): Promise<string> {
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--virtual-time-budget=8000",
  ];
  const dom = await new Deno.Command("chromium", {
    args: [...flags, "--dump-dom", url],
    stdout: "piped",
    stderr: "null",
  })
    .output();
  if (screenshot) {
    await new Deno.Command("chromium", {
      args: [...flags, "--window-size=1200,4000", `--screenshot=${screenshot}`, url],
      stdout: "null",
      stderr: "null",
    }).output();
  }
  return new TextDecoder().decode(dom.stdout);
}

function assertPlotsDrawn(dom: string, atLeast: number, what: string) {
  const plots = dom.match(/class="main-svg"/g)?.length ?? 0;
  const traces = dom.match(/class="trace (scatter|bars|heatmap|image)?[^"]*"/g)?.length ?? 0;
  assert.ok(
    plots >= atLeast,
    `${what}: expected ≥ ${atLeast} Plotly SVGs in the DOM, found ${plots}`,
  );
  assert.ok(traces >= atLeast, `${what}: expected drawn traces, found ${traces}`);
}

Deno.test({
  name:
    "an executed notebook exported to HTML and a report.html draw their plots in headless Chromium",
  ignore: chromiumMissing !== undefined,
  async fn() {
    // Reuses the notebook executed by the test above when it ran in this process.
    const path = executed.get("00_quick_start.ipynb") ??
      (await execute("00_quick_start.ipynb")).path;
    const conv = await new Deno.Command("jupyter-nbconvert", {
      args: ["--to", "html", path, "--output-dir", OUT],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(conv.success, new TextDecoder().decode(conv.stderr));
    const html = join(OUT, "00_quick_start.html");
    const dom = await chromium(`file://${html}`, join(OUT, "00_quick_start.png"));
    assertPlotsDrawn(dom, 3, "nbconvert HTML");
    assert.ok((await Deno.stat(join(OUT, "00_quick_start.png"))).size > 10_000);

    // The report of the run the notebook made (its path is printed in the notebook).
    const nb = await readNotebook(path);
    const report = outputsOf(nb).text.match(/report: (\S+report\.html)/)?.[1];
    assert.ok(report, "the notebook printed its report path");
    const rdom = await chromium(`file://${report}`);
    assertPlotsDrawn(rdom, 3, "report.html");
  },
});
