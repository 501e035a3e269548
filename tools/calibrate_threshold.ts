/**
 * Calibrates an embedder's same-person threshold for `verify()` on a pairs file, with exactly the
 * preprocessing `verify()` uses (each image through lib/api's `embed`), and prints the
 * best-accuracy threshold, its accuracy on those pairs, and (for an estimate on unseen pairs) the
 * 10-fold cross-validated accuracy from lib/eval's `verifyPairs` (fewer folds when a class has
 * fewer than 10 pairs).
 *
 * ```sh
 * deno run -P=tools tools/calibrate_threshold.ts \
 *   [--data ../shared/faces/dev/lfw-deepfunneled] [--pairs DATA/pairs.csv] \
 *   [--embedder faceapi|RUN_DIR] [--crop face|centre] [--cache FILE] [--save] [--json]
 * ```
 *
 * Embeddings are cached in `--cache` (default `data/cache/calibrate/<embedder>-<data>.json`), so
 * an interrupted run resumes and a rerun only recomputes the threshold. `--save` writes
 * `threshold.json` beside a run folder's `model.json`, which `verify()` then uses by default. For
 * face-api, copy the printed threshold into `lib/api/faceapi_threshold.ts` with the printed line.
 * @module
 */
import { parseArgs } from "@std/cli";
import { readPairs } from "../lib/data/mod.ts";
import { verifyPairs } from "../lib/eval/mod.ts";
import { calibrateThreshold, embed, ensureBackend } from "../lib/api/mod.ts";

const USAGE = "usage: deno run -P=tools tools/calibrate_threshold.ts [--data DIR] " +
  "[--pairs FILE] [--embedder faceapi|RUN_DIR] [--crop face|centre] [--cache FILE] [--save] " +
  "[--json]";

function fail(message: string): never {
  console.error(`calibrate_threshold: ${message}\n${USAGE}`);
  Deno.exit(2);
}

const flags = parseArgs(Deno.args, {
  string: ["data", "pairs", "embedder", "crop", "cache"],
  boolean: ["save", "json", "help"],
  alias: { h: "help" },
  unknown: (arg) => fail(`unknown flag ${arg}`),
});
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const root = new URL("..", import.meta.url).pathname;
const data = String(flags.data ?? `${root}../shared/faces/dev/lfw-deepfunneled`).replace(
  /\/+$/,
  "",
);
const pairsFile = String(flags.pairs ?? `${data}/pairs.csv`);
const embedder = String(flags.embedder ?? "faceapi");
const crop = (flags.crop ?? "face") as "face" | "centre";
if (crop !== "face" && crop !== "centre") fail(`--crop must be face or centre, got '${crop}'`);
if (flags.save && embedder === "faceapi") {
  fail("--save writes a run folder's threshold.json; face-api's threshold is a constant in code");
}
const pairs = await readPairs(pairsFile).catch((e) => fail((e as Error).message));
if (pairs.length === 0) fail(`'${pairsFile}' holds no pairs`);

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^_+|_+$/g, "");
const cacheFile = String(
  flags.cache ??
    `${root}data/cache/calibrate/${slug(embedder)}-${crop}-${slug(data.split("/").pop()!)}.json`,
);
let cached: Record<string, number[]> = {};
try {
  cached = JSON.parse(await Deno.readTextFile(cacheFile));
} catch {
  // No cache yet.
}
await Deno.mkdir(cacheFile.slice(0, cacheFile.lastIndexOf("/")), { recursive: true });

const log = (line: string) => console.error(line);
log(`backend: ${await ensureBackend()}`);
const paths = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
const todo = paths.filter((p) => !cached[p]);
log(`${paths.length} images, ${todo.length} to embed (cache ${cacheFile})`);
const t0 = performance.now();
for (let i = 0; i < todo.length; i++) {
  const [row] = await embed(`${data}/${todo[i]}`, { embedder, crop });
  cached[todo[i]] = Array.from(row);
  if ((i + 1) % 50 === 0 || i + 1 === todo.length) {
    await Deno.writeTextFile(`${cacheFile}.tmp`, JSON.stringify(cached));
    await Deno.rename(`${cacheFile}.tmp`, cacheFile);
    const s = (performance.now() - t0) / 1000;
    log(`  ${i + 1}/${todo.length} embedded, ${(s / (i + 1)).toFixed(2)} s/image`);
  }
}

const distances = pairs.map((p) => {
  const a = cached[p.a], b = cached[p.b];
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return Math.sqrt(s);
});
const same = pairs.map((p) => p.same);
const best = calibrateThreshold(distances, same);
// 10 folds, fewer when a class has fewer pairs (every fold needs both kinds); none below 2.
const folds = Math.min(10, best.same, best.different);
const cv = folds >= 2
  ? verifyPairs(Float64Array.from(distances), same, { folds, seed: 0 })
  : undefined;
const date = new Date().toISOString().slice(0, 10);
const result = {
  embedder,
  crop,
  data,
  pairsFile,
  date,
  threshold: Number(best.threshold.toFixed(4)),
  accuracy: best.accuracy,
  pairs: best.pairs,
  same: best.same,
  different: best.different,
  folds: cv ? folds : 0,
  cvAccuracy: cv?.accuracy ?? null,
  cvAccuracyStd: cv?.accuracyStd ?? null,
  cvThreshold: cv?.threshold ?? null,
  cvThresholdStd: cv?.thresholdStd ?? null,
  auc: cv?.auc ?? null,
};
if (flags.save) {
  const dir = (await Deno.stat(`${embedder}/model.json`).then(() => true, () => false))
    ? embedder
    : `${embedder}/model`;
  await Deno.writeTextFile(`${dir}/threshold.json`, JSON.stringify(result, null, 2) + "\n");
  log(`wrote ${dir}/threshold.json`);
}
if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const crossValidated = cv
    ? `${folds}-fold cross-validated ${pct(cv.accuracy)} ± ${pct(cv.accuracyStd)}, AUC ${
      cv.auc.toFixed(4)
    }`
    : "too few pairs to cross-validate";
  console.log(
    `threshold ${result.threshold} (best accuracy over ${best.pairs} pairs: ${
      pct(best.accuracy)
    }; ${crossValidated}) — ${embedder}, ${data.split("/").pop()}, ${date}`,
  );
}
