/**
 * `deno task preprocess --in DIR --out DIR [--size 224] [--margin M] [--detector tiny|ssd]
 *  [--workers N] [--shard k/n] [--on-no-face center|skip] [--backend wasm] [--merge]`
 *
 * Detects, aligns and crops every face photo under --in into a mirror tree of JPEGs under --out,
 * with a JSONL manifest. Rerun the same command to resume; Ctrl-C stops cleanly (a second Ctrl-C
 * exits at once). With --shard k/n, N machines split the set; afterwards `--merge --out DIR`
 * joins their manifests into DIR/manifest.jsonl.
 * @module
 */
import { parseArgs } from "@std/cli";
import { createProgress } from "../lib/cli/mod.ts";
import { preprocessDataset } from "../lib/data/preprocess.ts";
import { mergeManifests } from "../lib/data/manifest.ts";
import { parseShard } from "../lib/data/preprocess_shard.ts";
import type { BackendPreference } from "../lib/backend/mod.ts";

const USAGE = `usage: deno task preprocess --in DIR --out DIR [--size 224] [--margin 0.15]
       [--detector tiny|ssd] [--min-confidence 0.5] [--workers N] [--shard k/n]
       [--on-no-face center|skip] [--quality 95] [--backend wasm|cpu|auto] [--limit N]
   or: deno task preprocess --merge --out DIR [more manifests or folders…]`;

const flags = parseArgs(Deno.args, {
  string: [
    "in",
    "out",
    "size",
    "margin",
    "detector",
    "workers",
    "shard",
    "on-no-face",
    "backend",
    "min-confidence",
    "quality",
    "limit",
  ],
  boolean: ["help", "merge", "quiet"],
  alias: { h: "help" },
  unknown: (arg) => {
    if (arg.startsWith("-")) {
      console.error(`preprocess: unknown flag '${arg}'\n${USAGE}`);
      Deno.exit(2);
    }
    return true;
  },
});

if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

function num(name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    console.error(`preprocess: --${name} must be a number, got '${v}'`);
    Deno.exit(2);
  }
  return n;
}

const out = flags.out as string | undefined;
if (flags.merge) {
  if (!out) {
    console.error(`preprocess: --merge needs --out DIR\n${USAGE}`);
    Deno.exit(2);
  }
  const extra = flags._.map(String);
  const r = await mergeManifests([out, ...extra], { outFile: `${out}/manifest.jsonl` });
  console.log(
    `merged ${r.sources.length} manifest(s): ${r.count} entries, ${r.duplicates} duplicate(s), ` +
      `${r.conflicts.length} conflict(s) → ${out}/manifest.jsonl`,
  );
  Deno.exit(r.conflicts.length ? 1 : 0);
}

const input = flags.in as string | undefined;
if (!input || !out) {
  console.error(`preprocess: --in and --out are required\n${USAGE}`);
  Deno.exit(2);
}
const detector = (flags.detector as string | undefined) ?? "tiny";
if (detector !== "tiny" && detector !== "ssd") {
  console.error(`preprocess: --detector must be tiny or ssd, got '${detector}'`);
  Deno.exit(2);
}
const onNoFace = (flags["on-no-face"] as string | undefined) ?? "center";
if (onNoFace !== "center" && onNoFace !== "skip") {
  console.error(`preprocess: --on-no-face must be center or skip, got '${onNoFace}'`);
  Deno.exit(2);
}
let shard;
try {
  shard = flags.shard ? parseShard(flags.shard as string) : undefined;
} catch (e) {
  console.error(`preprocess: --shard: ${(e as Error).message}`);
  Deno.exit(2);
}

const controller = new AbortController();
let interrupts = 0;
const onSigint = () => {
  interrupts++;
  if (interrupts === 1) {
    console.error("\npreprocess: stopping after the images in flight (Ctrl-C again to quit now)…");
    controller.abort();
  } else {
    Deno.exit(130);
  }
};
Deno.addSignalListener("SIGINT", onSigint);

let printedBackend = false;
if (num("workers") === 0) {
  const { initBackend } = await import("../lib/backend/mod.ts");
  console.error(
    (await initBackend((flags.backend as BackendPreference | undefined) ?? "wasm")).summary,
  );
  printedBackend = true;
}
const result = await preprocessDataset(input, out, {
  size: num("size"),
  margin: num("margin"),
  detector,
  minConfidence: num("min-confidence"),
  workers: num("workers"),
  shard,
  onNoFace,
  quality: num("quality"),
  limit: num("limit"),
  backend: (flags.backend as BackendPreference | undefined) ?? "wasm",
  signal: controller.signal,
  progress: flags.quiet
    ? undefined
    : (total, done) => createProgress(total, { label: "preprocess", unit: "img", initial: done }),
  onWorkerReady: (summary) => {
    if (!printedBackend) console.error(summary);
    printedBackend = true;
  },
});
Deno.removeSignalListener("SIGINT", onSigint);
console.log(
  `${result.aborted ? "stopped" : "done"}: ${result.resumed + result.processed}/${result.total} ` +
    `(${result.resumed} resumed, ${result.processed} now: ${result.ok} ok, ${result.noFace} no face, ` +
    `${result.errors} errors) in ${result.seconds.toFixed(1)} s, ${
      result.imagesPerSecond.toFixed(1)
    } img/s; manifest ${result.manifest}`,
);
if (controller.signal.aborted) Deno.exit(130);
