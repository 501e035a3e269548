/**
 * `deno task eval --embedder DIR|faceapi --pairs FILE --data DIR [--json]`
 *
 * LFW-protocol verification of an embedder on a pairs file: k-fold accuracy (threshold chosen on
 * the other folds), AUC, EER and VAL@FAR, each with its std across folds.
 *
 * - `--embedder DIR`: a model saved by lib/model's `saveModel` (DIR/model.json, or DIR/model/); the
 *   images are fed at the model's input size, in inference mode.
 * - `--embedder faceapi`: face-api's pretrained 128-d FaceRecognitionNet on each file: face-api's
 *   detection and 68 landmarks (SSD, then Tiny, then SSD at score 0.1), the largest most central
 *   face, then (`--faceapi-align ensemble`, default) the mean of its descriptors in face-api's own
 *   landmark box and in that box rotated so the eyes are level; (`--faceapi-align box`) face-api's
 *   box alone; (`--faceapi-align toolkit`) lib/data's alignFace crop; (`--faceapi-align faceapi`)
 *   face-api's own detectSingleFace pipeline (highest-scoring face). `--faceapi-flip` also
 *   describes each crop mirrored left–right and averages it in (not with `faceapi`).
 * - `--flip` (test-time flip): a model embedder also embeds each image mirrored left–right and
 *   uses the L2-normalised sum of the two embeddings; with `--embedder faceapi` it is `--faceapi-flip`.
 * - `--data DIR` holds the images the pairs name: raw photos or face crops. `--input auto` (default)
 *   treats DIR as crops when it is a preprocessing output (manifest.jsonl) or a synthetic set
 *   (synth.json), else as photos. For a model embedder, photos are first preprocessed with lib/data's
 *   pipeline (detect, align, crop, resize to the model's input size) into a cache under
 *   data/cache/eval/ (resumable; reused by later runs). face-api always reads the files as they are.
 *
 * Folds: a pairs file that defines them (LFW View 2 `pairs.txt`, header `10 300`: 10 folds of 300
 * same + 300 different pairs; or a pairs.csv with a `fold` column) is evaluated on its own folds;
 * otherwise `--folds 10` folds are drawn (`--split stratified|contiguous`, `--seed 0`).
 * `--degrade NAME[:strength]` (lib/eval/degrade.ts: `lowres[:N]`, `grey`, `lowres-grey[:N]`)
 * degrades every face image before the embedder, the same function training applies.
 *
 * Other flags: `--far 1e-3`, `--distance euclidean|squaredEuclidean|cosine`, `--limit N`
 * (the first N/2 same and N/2 different pairs), `--batch-size 32`, `--cache DIR`, `--out FILE`
 * (full result with ROC and per-fold numbers as JSON), `--embeddings FILE` (the embeddings as JSON
 * `{paths, embeddings}`, for plots or identification), `--backend auto|wasm|cpu|…`.
 *
 * With `--json`, stdout is one JSON object: `{embedder, data, pairs, same, different, folds,
 * accuracy, accuracyStd, threshold, thresholdStd, auc, aucStd, eer, eerStd, valAtFar: {val, valStd,
 * far, farAchieved, reached, resolution, threshold}, distance, images, identification: {rank1,
 * recallAtK, queries} (leave-one-out among the embedded images, identity = first folder), seconds,
 * backend, …}`;
 * progress and the backend line go to stderr.
 *
 * Exit codes: 0 done, 1 runtime failure (missing data or pairs file, unloadable model), 2 usage
 * error, 130 interrupted.
 * @module
 */
import { fnv1aHex } from "../lib/fs/mod.ts";
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import {
  createProgress,
  EXIT_CODES,
  listenForInterrupt,
  runMain,
  UsageError,
} from "../lib/cli/mod.ts";
import { preprocessDataset, readManifest, readPairs } from "../lib/data/mod.ts";
import {
  degradedEmbedder,
  degradeLabel,
  type DegradeSpec,
  type Embedder,
  type EvalPair,
  evaluatePairs,
  faceApiEmbedder,
  type FoldSplit,
  identify,
  modelEmbedder,
  parseDegrade,
  type RetrievalDistance,
} from "../lib/eval/mod.ts";
import { exists } from "../lib/fs/mod.ts";
import { loadModel } from "../lib/model/mod.ts";

const USAGE = "usage: deno task eval --embedder DIR|faceapi --pairs FILE --data DIR [--json] " +
  "[--folds 10 (unless the pairs file defines its folds)] [--far 1e-3] [--seed 0] " +
  "[--split stratified|contiguous] [--distance euclidean|squaredEuclidean|cosine] " +
  "[--degrade lowres[:N]|grey|lowres-grey[:N]] [--input auto|photos|crops] [--limit N] " +
  "[--batch-size 32] [--cache DIR] [--out FILE] [--embeddings FILE] " +
  "[--faceapi-align ensemble|box|toolkit|faceapi] [--faceapi-flip] [--flip] [--backend auto|wasm|cpu]";

/** A runtime failure: printed as `eval: message`, exit code 1. */
class Failure extends Error {}

function numberFlag(flags: Record<string, unknown>, key: string, fallback: number): number {
  const v = flags[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`eval: --${key} must be a number, got '${v}'`);
  return n;
}

/**
 * Runs `deno task eval` with `args`; returns the exit code (0 done, 1 runtime failure, 2 usage
 * error, 130 interrupted).
 *
 * @example
 * ```ts ignore
 * import { main } from "./eval.ts";
 * const code = await main(["--embedder", "faceapi", "--pairs", "pairs.txt", "--data", "lfw", "--json"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: [
      "embedder",
      "pairs",
      "data",
      "folds",
      "far",
      "seed",
      "split",
      "distance",
      "degrade",
      "input",
      "limit",
      "batch-size",
      "cache",
      "out",
      "embeddings",
      "faceapi-align",
      "backend",
    ],
    boolean: ["json", "help", "faceapi-flip", "flip"],
    alias: { h: "help" },
    default: { backend: "auto", input: "auto" },
    unknown: (arg) => {
      throw new UsageError(`eval: unknown flag ${arg}`);
    },
  });
  if (flags.help) {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  if (flags._.length > 0) throw new UsageError(`eval: unexpected argument '${flags._[0]}'`);
  const embedderArg = flags.embedder as string | undefined;
  const pairsFile = flags.pairs as string | undefined;
  const dataDir = (flags.data as string | undefined)?.replace(/\/+$/, "");
  if (!embedderArg) {
    throw new UsageError("eval: --embedder is required (a saved model directory or 'faceapi')");
  }
  if (!pairsFile) throw new UsageError("eval: --pairs is required");
  if (!dataDir) throw new UsageError("eval: --data is required");
  const folds = flags.folds === undefined ? undefined : numberFlag(flags, "folds", 10);
  const far = numberFlag(flags, "far", 1e-3);
  const seed = numberFlag(flags, "seed", 0);
  const batchSize = numberFlag(flags, "batch-size", 32);
  const limit = flags.limit === undefined ? undefined : numberFlag(flags, "limit", 0);
  const split = (flags.split ?? "stratified") as FoldSplit;
  if (split !== "stratified" && split !== "contiguous") {
    throw new UsageError(`eval: --split must be stratified or contiguous, got '${split}'`);
  }
  const distance = (flags.distance ?? "euclidean") as RetrievalDistance;
  if (!["euclidean", "squaredEuclidean", "cosine"].includes(distance)) {
    throw new UsageError(
      `eval: --distance must be euclidean, squaredEuclidean or cosine, got '${distance}'`,
    );
  }
  const inputMode = String(flags.input);
  if (!["auto", "photos", "crops"].includes(inputMode)) {
    throw new UsageError(`eval: --input must be auto, photos or crops, got '${inputMode}'`);
  }
  let degrade: DegradeSpec | undefined;
  if (flags.degrade !== undefined) {
    try {
      degrade = parseDegrade(String(flags.degrade));
    } catch (e) {
      throw new UsageError(`eval: --degrade: ${(e as Error).message}`);
    }
  }
  const alignment = String(flags["faceapi-align"] ?? "ensemble");
  if (!["ensemble", "box", "toolkit", "faceapi"].includes(alignment)) {
    throw new UsageError(
      `eval: --faceapi-align must be ensemble, box, toolkit or faceapi, got '${alignment}'`,
    );
  }
  const flip = flags.flip === true || flags["faceapi-flip"] === true;
  if (alignment === "faceapi" && flip) {
    throw new UsageError(
      "eval: --faceapi-flip (or --flip) needs --faceapi-align ensemble, box or toolkit",
    );
  }
  if (alignment === "faceapi" && degrade && degrade.name !== "none") {
    throw new UsageError(
      "eval: --degrade with faceapi needs --faceapi-align ensemble, box or toolkit",
    );
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 4)) {
    throw new UsageError(`eval: --limit must be an integer ≥ 4, got ${limit}`);
  }
  if (!(await exists(dataDir))) throw new Failure(`--data '${dataDir}' does not exist`);
  if (!(await exists(pairsFile))) throw new Failure(`--pairs '${pairsFile}' does not exist`);

  let pairs: EvalPair[] = await readPairs(pairsFile).catch((e) => {
    throw new Failure((e as Error).message);
  });
  if (pairs.length === 0) throw new Failure(`--pairs '${pairsFile}' holds no pairs`);
  const fileFolds = pairs.every((p) => p.fold !== undefined)
    ? new Set(pairs.map((p) => p.fold)).size
    : 0;
  if (fileFolds > 0 && folds !== undefined && folds !== fileFolds) {
    throw new UsageError(
      `eval: '${pairsFile}' defines ${fileFolds} folds; --folds ${folds} contradicts it (leave --folds out)`,
    );
  }
  if (limit !== undefined) {
    const same = pairs.filter((p) => p.same).slice(0, Math.floor(limit / 2));
    const diff = pairs.filter((p) => !p.same).slice(0, limit - same.length);
    // The file's folds no longer hold after a cut: draw folds.
    pairs = [...same, ...diff].map(({ a, b, same }) => ({ a, b, same }));
  }

  const log = (line: string) => console.error(line);
  const started = performance.now();
  const backend = await initBackend(flags.backend as BackendPreference);
  log(backend.summary);
  const interrupt = listenForInterrupt();
  try {
    let embedder: Embedder;
    let faceapi: ReturnType<typeof faceApiEmbedder> | undefined;
    if (embedderArg === "faceapi") {
      faceapi = faceApiEmbedder({
        alignment: alignment as "ensemble" | "box" | "toolkit" | "faceapi",
        flip,
        degrade,
      });
      embedder = faceapi;
    } else {
      const dir = embedderArg.replace(/\/+$/, "");
      const modelDir = (await exists(`${dir}/model.json`))
        ? dir
        : (await exists(`${dir}/model/model.json`))
        ? `${dir}/model`
        : undefined;
      if (!modelDir) {
        throw new Failure(
          `--embedder '${dir}' holds no model.json (nor model/model.json); expected a saveModel directory or 'faceapi'`,
        );
      }
      const model = await loadModel(modelDir).catch((e) => {
        throw new Failure(`cannot load the model in '${modelDir}': ${(e as Error).message}`);
      });
      embedder = modelEmbedder(model, { name: `model:${modelDir}`, batchSize, flip });
      if (degrade) embedder = degradedEmbedder(embedder, degrade);
    }

    // Where the images come from: the files themselves, or a preprocessed cache of the photos.
    let root = dataDir;
    let input = inputMode;
    if (input === "auto") {
      input = (await exists(`${dataDir}/manifest.jsonl`)) || (await exists(`${dataDir}/synth.json`))
        ? "crops"
        : "photos";
    }
    let preprocessed: Record<string, unknown> | undefined;
    if (input === "photos" && !embedder.embedFile) {
      const real = await Deno.realPath(dataDir);
      const base = real.split("/").filter(Boolean).pop() ?? "data";
      const cache = (flags.cache as string | undefined) ??
        new URL(
          `../data/cache/eval/${base}-${fnv1aHex(real)}-${embedder.inputSize}`,
          import.meta.url,
        )
          .pathname;
      log(
        `preprocessing photos of ${dataDir} at ${embedder.inputSize}×${embedder.inputSize} into ${cache}`,
      );
      const r = await preprocessDataset(dataDir, cache, {
        size: embedder.inputSize,
        onNoFace: "center",
        backend: flags.backend as BackendPreference,
        signal: interrupt.signal,
        progress: (total, done) =>
          createProgress(total, { label: "preprocess", unit: "img", initial: done }),
      });
      if (r.aborted) {
        log("eval: preprocessing was interrupted; run again to resume");
        return EXIT_CODES.interrupted;
      }
      const outputs = new Map<string, string>();
      for (const e of await readManifest(r.manifest)) if (e.output) outputs.set(e.path, e.output);
      const missing = pairs.flatMap((p) => [p.a, p.b]).filter((p) => !outputs.has(p));
      if (missing.length > 0) {
        throw new Failure(
          `${missing.length} pair image(s) have no preprocessed crop (unreadable or missing), e.g. '${
            missing[0]
          }'; see ${r.manifest}`,
        );
      }
      pairs = pairs.map((p) => ({ ...p, a: outputs.get(p.a)!, b: outputs.get(p.b)! }));
      root = cache;
      preprocessed = {
        cache,
        ok: r.ok,
        noFace: r.noFace,
        errors: r.errors,
        processed: r.processed,
        resumed: r.resumed,
      };
    }

    const distinct = new Set(pairs.flatMap((p) => [p.a, p.b])).size;
    const bar = createProgress(distinct, { label: `embed (${embedder.name})`, unit: "img" });
    let evaluation;
    try {
      evaluation = await evaluatePairs(embedder, pairs, {
        root,
        batchSize,
        progress: bar,
        signal: interrupt.signal,
        distance,
        folds,
        far,
        seed,
        split,
      });
    } catch (e) {
      if (interrupt.signal.aborted) return EXIT_CODES.interrupted;
      throw new Failure((e as Error).message);
    } finally {
      bar.done();
    }
    const v = evaluation.verification;
    const seconds = (performance.now() - started) / 1000;
    // Closed-set identification among the embedded images (identity = first folder of the path).
    const labels = evaluation.paths.map((p) => p.split("/").filter(Boolean)[0] ?? "");
    const id = identify(evaluation.embeddings, labels, { ks: [1, 5, 10], distance });
    const summary = {
      embedder: embedder.name,
      data: dataDir,
      pairsFile,
      input,
      degrade: degrade ? degradeLabel(degrade) : null,
      flip,
      pairs: v.pairs,
      same: v.same,
      different: v.different,
      folds: v.folds,
      foldsFrom: evaluation.folds,
      accuracy: v.accuracy,
      accuracyStd: v.accuracyStd,
      threshold: v.threshold,
      thresholdStd: v.thresholdStd,
      auc: v.auc,
      aucStd: v.aucStd,
      eer: v.eer,
      eerStd: v.eerStd,
      valAtFar: v.valAtFar,
      distance,
      images: evaluation.paths.length,
      identification: { rank1: id.rank1, recallAtK: id.recallAtK, queries: id.queries },
      ...(faceapi ? { detection: { ...faceapi.stats } } : {}),
      ...(preprocessed ? { preprocessed } : {}),
      backend: backend.name,
      seconds: Math.round(seconds * 10) / 10,
    };
    if (flags.out) {
      await Deno.writeTextFile(
        String(flags.out),
        JSON.stringify({ ...summary, perFold: v.perFold, roc: v.roc }, null, 2) + "\n",
      );
    }
    if (flags.embeddings) {
      await Deno.writeTextFile(
        String(flags.embeddings),
        JSON.stringify({
          embedder: embedder.name,
          root,
          paths: evaluation.paths,
          embeddings: evaluation.embeddings.map((e) => Array.from(e)),
        }) + "\n",
      );
    }
    if (flags.json) {
      console.log(JSON.stringify(summary));
      return EXIT_CODES.ok;
    }
    const pct = (x: number) => (100 * x).toFixed(2) + "%";
    const vf = v.valAtFar;
    console.log(
      `embedder   ${embedder.name}  (${evaluation.paths.length} images, ${distance} distance)`,
    );
    console.log(
      `pairs      ${v.pairs} (${v.same} same, ${v.different} different), ${v.folds} folds (${evaluation.folds})`,
    );
    console.log(
      `accuracy   ${pct(v.accuracy)} ± ${pct(v.accuracyStd)}  at threshold ${
        v.threshold.toFixed(4)
      } ± ${v.thresholdStd.toFixed(4)}`,
    );
    console.log(`AUC        ${v.auc.toFixed(4)} ± ${v.aucStd.toFixed(4)}`);
    console.log(`EER        ${pct(v.eer)} ± ${pct(v.eerStd)}`);
    console.log(
      `VAL@FAR    ${pct(vf.val)} ± ${pct(vf.valStd)} @ FAR=${vf.far} (measured ${
        vf.farAchieved.toExponential(2)
      })` +
        (vf.reached
          ? ""
          : `  — target not reached: the training folds resolve FAR only down to ${
            vf.resolution.toExponential(2)
          }`),
    );
    console.log(
      `rank-1     ${pct(id.rank1)}  (recall@5 ${
        pct(id.recallAtK[5])
      }, leave-one-out over ${id.queries} images ` +
        `whose identity has another image)`,
    );
    if (faceapi) {
      const s = faceapi.stats;
      console.log(
        `detection  ssd ${s.ssd}, tiny ${s.tiny}, ssd≥0.1 ${s.ssdLow}, none (whole image) ${s.whole}`,
      );
    }
    console.log(`time       ${seconds.toFixed(1)} s on ${backend.name}`);
    return EXIT_CODES.ok;
  } catch (e) {
    if (e instanceof Failure) {
      console.error(`eval: ${e.message}`);
      return EXIT_CODES.failure;
    }
    throw e;
  } finally {
    interrupt.dispose();
  }
}

if (import.meta.main) await runMain("eval", main, { usage: USAGE });
