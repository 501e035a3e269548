/**
 * `deno task data <command> [flags]`: the toolkit's datasets from the command line.
 *
 * - `synth --out DIR [--identities N] [--per-identity K] [--size S] [--seed X] [--difficulty D]
 *   [--format png|jpg] [--pairs P] [--concurrency C]`: writes the synthetic identities
 *   (`DIR/id_00000/0000.png`, `DIR/pairs.csv`, `DIR/synth.json`). Resumable: rerun the same
 *   command after Ctrl-C and only the missing files are written.
 * - `scan DIR [--min-per-identity M]`: counts identities and images (hidden and `_` entries skipped).
 * - `pairs DIR [--count N] [--seed X] [--out FILE]`: writes balanced verification pairs as CSV
 *   (default DIR/pairs.csv).
 * - `loader DIR [--size S] [--batches B] [--p P] [--k K] [--no-augment] [--backend NAME]`:
 *   measures the PK loader's images/s.
 * - `download lfw [--out DIR] [--from URL|DIR] [--files a,b]`: LFW's official files into
 *   `data/lfw`, each checked against its published hashes, resumable, archives unpacked.
 *
 * Exit codes: 0 done, 1 runtime failure (e.g. a missing folder), 2 usage error, 130 interrupted
 * (rerun the same command to resume).
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
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import {
  generateSynth,
  makePairs,
  scanDataset,
  type SynthOptions,
  writePairsCsv,
} from "../lib/data/mod.ts";
import { type DownloadableDataset, downloadDataset } from "../lib/data/mod.ts";
import { exists } from "../lib/fs/mod.ts";
import { measureLoader } from "../bench/measure_loader.ts";

const USAGE = `usage:
  deno task data synth --out DIR [--identities 100] [--per-identity 20] [--size 96] [--seed 0]
                       [--difficulty 1] [--format png|jpg] [--pairs N] [--concurrency 4]
  deno task data scan DIR [--min-per-identity 1]
  deno task data pairs DIR [--count 1000] [--seed 0] [--out DIR/pairs.csv]
  deno task data loader DIR [--size 96] [--batches 20] [--p 8] [--k 4] [--no-augment] [--backend auto]
  deno task data download lfw [--out data/lfw] [--from URL|DIR] [--files lfw-deepfunneled.tgz,pairs.txt]`;

function usage(message: string): never {
  throw new UsageError(`data: ${message}`);
}

/** A runtime failure (exit 1), e.g. a missing folder. */
class Failure extends Error {}

async function mustExist(path: string): Promise<void> {
  if (!(await exists(path))) throw new Failure(`'${path}' does not exist`);
}

/**
 * Runs `deno task data` with `args`; returns the exit code (0 done, 1 runtime failure, 2 usage
 * error, 130 interrupted).
 *
 * @example
 * ```ts ignore
 * import { main } from "./data.ts";
 * const code = await main(["scan", "data/synth"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: [
      "out",
      "identities",
      "per-identity",
      "size",
      "seed",
      "difficulty",
      "format",
      "pairs",
      "concurrency",
      "min-per-identity",
      "count",
      "batches",
      "p",
      "k",
      "backend",
      "from",
      "files",
    ],
    boolean: ["help", "augment"],
    negatable: ["augment"],
    alias: { h: "help" },
    default: { augment: true, backend: "auto" },
    unknown: (arg) => usage(`unknown flag ${arg}`),
  });
  const [command, target] = flags._.map(String);
  if (flags.help || !command) {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  const num = (key: string) => numberFlag(flags, key, { command: "data" });
  const interrupt = listenForInterrupt();
  const signal = interrupt.signal;
  try {
    const code = await run();
    return signal.aborted ? EXIT_CODES.interrupted : code;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (signal.aborted) {
      console.error(`data ${command}: interrupted; rerun the same command to resume`);
      return EXIT_CODES.interrupted;
    }
    console.error(`data ${command}: ${(e as Error).message}`);
    return EXIT_CODES.failure;
  } finally {
    interrupt.dispose();
  }

  async function run(): Promise<number> {
    switch (command) {
      case "synth": {
        const out = (flags.out as string | undefined) ?? target;
        if (!out) usage("synth needs --out DIR");
        const format = (flags.format as string | undefined) ?? "png";
        if (format !== "png" && format !== "jpg") {
          usage(`--format must be png or jpg, got '${format}'`);
        }
        const options: SynthOptions = {
          identities: num("identities"),
          perIdentity: num("per-identity"),
          size: num("size"),
          seed: num("seed"),
          difficulty: num("difficulty"),
          format,
          pairs: num("pairs"),
          concurrency: num("concurrency"),
        };
        const r = await generateSynth(out, {
          ...options,
          signal,
          progress: (total, initial) =>
            createProgress(total, { label: "synth", unit: "img", initial }),
        });
        console.log(
          `synth: ${out}: ${r.dataset.identities.length} identities, ${r.dataset.items.length} images ` +
            `(${r.written} written, ${r.skipped} already there) in ${r.seconds.toFixed(1)} s, ` +
            `${r.imagesPerSecond.toFixed(1)} images/s`,
        );
        return EXIT_CODES.ok;
      }
      case "scan": {
        if (!target) usage("scan needs DIR");
        await mustExist(target);
        const ds = await scanDataset(target, { minPerIdentity: num("min-per-identity") });
        const counts = new Map<number, number>();
        const per = new Array(ds.identities.length).fill(0);
        for (const it of ds.items) per[it.label]++;
        for (const c of per) counts.set(c, (counts.get(c) ?? 0) + 1);
        console.log(`${target}: ${ds.identities.length} identities, ${ds.items.length} images`);
        console.log(
          "images per identity → identities: " +
            [...counts].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}→${n}`).join(", "),
        );
        return EXIT_CODES.ok;
      }
      case "pairs": {
        if (!target) usage("pairs needs DIR");
        await mustExist(target);
        const ds = await scanDataset(target);
        const pairs = makePairs(ds, { count: num("count"), seed: num("seed") });
        const file = (flags.out as string | undefined) ?? `${target}/pairs.csv`;
        await writePairsCsv(file, pairs);
        console.log(`pairs: wrote ${pairs.length} pairs to ${file}`);
        return EXIT_CODES.ok;
      }
      case "loader": {
        if (!target) usage("loader needs DIR");
        await mustExist(target);
        const choice = await initBackend(flags.backend as BackendPreference);
        console.log(choice.summary);
        const ds = await scanDataset(target);
        const m = await measureLoader(ds, {
          size: num("size"),
          batches: num("batches"),
          p: num("p"),
          k: num("k"),
          augment: flags.augment as boolean,
        });
        console.log(
          `loader: ${m.imagesPerSecond.toFixed(1)} images/s at ${m.size}×${m.size} ` +
            `(${m.images} images in ${m.seconds.toFixed(2)} s, batches of ${m.batchSize})`,
        );
        return EXIT_CODES.ok;
      }
      case "download": {
        if (!target) usage("download needs a dataset name: lfw");
        const r = await downloadDataset(target as DownloadableDataset, {
          out: flags.out as string | undefined,
          from: flags.from as string | undefined,
          only: (flags.files as string | undefined)?.split(",").filter((f) => f !== ""),
          signal,
          print: (line) => console.log(line),
          progress: (total, initial, label) =>
            createProgress(total, { label, unit: "MB", initial }),
        });
        console.log(`download: ${r.files.length} files in ${r.out} (${r.seconds.toFixed(1)} s)`);
        return EXIT_CODES.ok;
      }
      default:
        usage(`unknown command '${command}'`);
    }
  }
}

if (import.meta.main) await runMain("data", main, { usage: USAGE });
