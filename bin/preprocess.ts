/**
 * `deno task preprocess --in DIR --out DIR [--size 224] [--margin M] [--detector tiny|ssd]
 *  [--workers N] [--shard k/n] [--on-no-face center|skip] [--backend wasm] [--merge]`
 *
 * Detects, aligns and crops every face photo under --in into a mirror tree of JPEGs under --out,
 * with a JSONL manifest. Rerun the same command to resume; Ctrl-C stops cleanly (a second Ctrl-C
 * exits at once). With --shard k/n, N machines split the set; afterwards `--merge --out DIR`
 * joins their manifests into DIR/manifest.jsonl.
 *
 * Exit codes: 0 done, 1 runtime failure (missing --in folder, conflicting manifests), 2 usage
 * error, 130 interrupted (rerun to resume).
 * @module
 */
import { parseArgs } from "@std/cli";
import {
  createProgress,
  EXIT_CODES,
  listenForInterrupt,
  numberFlag,
  runMain,
  UsageError,
} from "../lib/cli/mod.ts";
import { mergeManifests, parseShard, preprocessDataset } from "../lib/data/mod.ts";
import { exists } from "../lib/fs/mod.ts";
import type { BackendPreference } from "../lib/backend/mod.ts";

const USAGE = `usage: deno task preprocess --in DIR --out DIR [--size 224] [--margin 0.15]
       [--detector tiny|ssd] [--min-confidence 0.5] [--workers N] [--shard k/n]
       [--on-no-face center|skip] [--quality 95] [--backend wasm|cpu|auto] [--limit N]
   or: deno task preprocess --merge --out DIR [more manifests or folders…]`;

function usage(message: string): never {
  throw new UsageError(`preprocess: ${message}`);
}

/**
 * Runs `deno task preprocess` with `args`; returns the exit code (0 done, 1 runtime failure, 2
 * usage error, 130 interrupted).
 *
 * @example
 * ```ts ignore
 * import { main } from "./preprocess.ts";
 * const code = await main(["--in", "photos", "--out", "data/crops", "--size", "96"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
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
      if (arg.startsWith("-")) usage(`unknown flag '${arg}'`);
      return true;
    },
  });
  if (flags.help) {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  const num = (key: string) => numberFlag(flags, key, { command: "preprocess" });

  const out = flags.out as string | undefined;
  if (flags.merge) {
    if (!out) usage("--merge needs --out DIR");
    const extra = flags._.map(String);
    const r = await mergeManifests([out, ...extra], { outFile: `${out}/manifest.jsonl` });
    console.log(
      `merged ${r.sources.length} manifest(s): ${r.count} entries, ${r.duplicates} duplicate(s), ` +
        `${r.conflicts.length} conflict(s) → ${out}/manifest.jsonl`,
    );
    return r.conflicts.length ? EXIT_CODES.failure : EXIT_CODES.ok;
  }

  const input = flags.in as string | undefined;
  if (!input || !out) usage("--in and --out are required");
  const detector = (flags.detector as string | undefined) ?? "tiny";
  if (detector !== "tiny" && detector !== "ssd") {
    usage(`--detector must be tiny or ssd, got '${detector}'`);
  }
  const onNoFace = (flags["on-no-face"] as string | undefined) ?? "center";
  if (onNoFace !== "center" && onNoFace !== "skip") {
    usage(`--on-no-face must be center or skip, got '${onNoFace}'`);
  }
  let shard;
  try {
    shard = flags.shard ? parseShard(flags.shard as string) : undefined;
  } catch (e) {
    usage(`--shard: ${(e as Error).message}`);
  }
  const options = {
    size: num("size"),
    margin: num("margin"),
    minConfidence: num("min-confidence"),
    workers: num("workers"),
    quality: num("quality"),
    limit: num("limit"),
  };
  if (!(await exists(input))) {
    console.error(`preprocess: --in '${input}' does not exist`);
    return EXIT_CODES.failure;
  }

  const interrupt = listenForInterrupt({
    onInterrupt: () =>
      console.error(
        "\npreprocess: stopping after the images in flight (Ctrl-C again to quit now)…",
      ),
  });
  try {
    let printedBackend = false;
    if (options.workers === 0) {
      const { initBackend } = await import("../lib/backend/mod.ts");
      console.error(
        (await initBackend((flags.backend as BackendPreference | undefined) ?? "wasm")).summary,
      );
      printedBackend = true;
    }
    const result = await preprocessDataset(input, out, {
      ...options,
      detector,
      shard,
      onNoFace,
      backend: (flags.backend as BackendPreference | undefined) ?? "wasm",
      signal: interrupt.signal,
      progress: flags.quiet
        ? undefined
        : (total, done) =>
          createProgress(total, { label: "preprocess", unit: "img", initial: done }),
      onWorkerReady: (summary) => {
        if (!printedBackend) console.error(summary);
        printedBackend = true;
      },
    });
    console.log(
      `${result.aborted ? "stopped" : "done"}: ${
        result.resumed + result.processed
      }/${result.total} ` +
        `(${result.resumed} resumed, ${result.processed} now: ${result.ok} ok, ${result.noFace} no face, ` +
        `${result.errors} errors) in ${result.seconds.toFixed(1)} s, ${
          result.imagesPerSecond.toFixed(1)
        } img/s; manifest ${result.manifest}`,
    );
    return interrupt.signal.aborted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
  } catch (e) {
    console.error(`preprocess: ${(e as Error).message}`);
    return interrupt.signal.aborted ? EXIT_CODES.interrupted : EXIT_CODES.failure;
  } finally {
    interrupt.dispose();
  }
}

if (import.meta.main) await runMain("preprocess", main, { usage: USAGE });
