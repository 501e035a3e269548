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
 * @module
 */
import { parseArgs } from "@std/cli";
import { createProgress } from "../lib/cli/mod.ts";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import {
  generateSynth,
  makePairs,
  scanDataset,
  type SynthOptions,
  writePairsCsv,
} from "../lib/data/mod.ts";
import { type DownloadableDataset, downloadDataset } from "../lib/data/mod.ts";
import { measureLoader } from "../bench/measure_loader.ts";

const USAGE = `usage:
  deno task data synth --out DIR [--identities 100] [--per-identity 20] [--size 96] [--seed 0]
                       [--difficulty 1] [--format png|jpg] [--pairs N] [--concurrency 4]
  deno task data scan DIR [--min-per-identity 1]
  deno task data pairs DIR [--count 1000] [--seed 0] [--out DIR/pairs.csv]
  deno task data loader DIR [--size 96] [--batches 20] [--p 8] [--k 4] [--no-augment] [--backend auto]
  deno task data download lfw [--out data/lfw] [--from URL|DIR] [--files lfw-deepfunneled.tgz,pairs.txt]`;

function fail(message: string): never {
  console.error(`data: ${message}\n${USAGE}`);
  Deno.exit(2);
}

const flags = parseArgs(Deno.args, {
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
  unknown: (arg) => fail(`unknown flag ${arg}`),
});

function num(key: string): number | undefined {
  const v = flags[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${key} must be a number, got '${v}'`);
  return n;
}

const [command, target] = flags._.map(String);
if (flags.help || !command) {
  console.log(USAGE);
  Deno.exit(0);
}

switch (command) {
  case "synth": {
    const out = (flags.out as string | undefined) ?? target;
    if (!out) fail("synth needs --out DIR");
    const format = (flags.format as string | undefined) ?? "png";
    if (format !== "png" && format !== "jpg") fail(`--format must be png or jpg, got '${format}'`);
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
    const ctl = new AbortController();
    const onInt = () => ctl.abort(new Error("interrupted"));
    Deno.addSignalListener("SIGINT", onInt);
    try {
      const r = await generateSynth(out, {
        ...options,
        signal: ctl.signal,
        progress: (total, initial) =>
          createProgress(total, { label: "synth", unit: "img", initial }),
      });
      console.log(
        `synth: ${out}: ${r.dataset.identities.length} identities, ${r.dataset.items.length} images ` +
          `(${r.written} written, ${r.skipped} already there) in ${r.seconds.toFixed(1)} s, ` +
          `${r.imagesPerSecond.toFixed(1)} images/s`,
      );
    } catch (e) {
      if (ctl.signal.aborted) {
        console.error(`synth: interrupted; rerun the same command to resume`);
        Deno.exit(130);
      }
      fail((e as Error).message);
    } finally {
      Deno.removeSignalListener("SIGINT", onInt);
    }
    break;
  }
  case "scan": {
    if (!target) fail("scan needs DIR");
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
    break;
  }
  case "pairs": {
    if (!target) fail("pairs needs DIR");
    const ds = await scanDataset(target);
    const pairs = makePairs(ds, { count: num("count"), seed: num("seed") });
    const file = (flags.out as string | undefined) ?? `${target}/pairs.csv`;
    await writePairsCsv(file, pairs);
    console.log(`pairs: wrote ${pairs.length} pairs to ${file}`);
    break;
  }
  case "loader": {
    if (!target) fail("loader needs DIR");
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
    break;
  }
  case "download": {
    if (!target) fail("download needs a dataset name: lfw");
    const ctl = new AbortController();
    const onInt = () => ctl.abort(new Error("interrupted"));
    Deno.addSignalListener("SIGINT", onInt);
    try {
      const r = await downloadDataset(target as DownloadableDataset, {
        out: flags.out as string | undefined,
        from: flags.from as string | undefined,
        only: (flags.files as string | undefined)?.split(",").filter((f) => f !== ""),
        signal: ctl.signal,
        print: (line) => console.log(line),
        progress: (total, initial, label) => createProgress(total, { label, unit: "MB", initial }),
      });
      console.log(`download: ${r.files.length} files in ${r.out} (${r.seconds.toFixed(1)} s)`);
    } catch (e) {
      if (ctl.signal.aborted) {
        console.error(`download: interrupted; rerun the same command to resume`);
        Deno.exit(130);
      }
      console.error((e as Error).message);
      Deno.exit(1);
    } finally {
      Deno.removeSignalListener("SIGINT", onInt);
    }
    break;
  }
  default:
    fail(`unknown command '${command}'`);
}
