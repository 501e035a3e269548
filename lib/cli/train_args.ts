/**
 * The `deno task train` command line: flags → a {@link TrainConfig} plus run options. Unknown flags
 * and malformed values are rejected with a {@link UsageError} naming the flag and the value (the
 * entry point exits with 2). Not re-exported by lib/cli/mod.ts: it pulls in lib/model and
 * lib/losses, which the rest of lib/cli does not need.
 *
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train_args.ts";
 * const a = parseTrainArgs(["--data", "data/synth", "--steps", "10", "--out", "runs/t"]);
 * console.assert(a.config.steps === 10 && a.config.optimizer === "adagrad" && a.out === "runs/t");
 * ```
 * @module
 */
import { parseArgs } from "./std_cli.ts";
import { UsageError } from "./entry_point.ts";
import {
  DISTANCE_NAMES,
  type DistanceName,
  LOSS_NAMES,
  type LossName,
  MINER_NAMES,
  type MinerName,
} from "../losses/mod.ts";
import { REDUCER_NAMES, type ReducerName } from "../losses/mod.ts";
import { MODEL_NAMES, type ModelName } from "../model/mod.ts";
import type { OptimizerName, ScheduleKind, TrainConfig } from "../train/mod.ts";

/** Usage text of `deno task train`. */
export const TRAIN_USAGE = `usage: deno task train --data DIR --out DIR [flags]
  model      --model nn4-small2|nn2|nn3|nn4|tiny  --size 96  --width 1  --norm lrn|batch|none
  loss       --loss ${LOSS_NAMES.join("|")}  --distance ${DISTANCE_NAMES.join("|")}
             --miner ${MINER_NAMES.join("|")}  --margin 0.2  --reducer ${REDUCER_NAMES.join("|")}
  mode       --mode online|triplet-model  --trunk-triplets N (triplet-model: random triplets a step)
  optimiser  --optimizer adagrad|adam|sgd|momentum  --lr 0.05  --momentum 0.9
             --schedule constant|step|cosine  --warmup 0  --step-size 1000 --gamma 0.1
             --weight-decay 0  --clip 0
  batches    --steps N  --p 10  --k 4  --augment  --micro-batch 0 (images per accumulated micro-batch)
             --embed-chunk N (images per no-gradient mining chunk)
  held-out   --eval-pairs FILE [--eval-data DIR]  or  --holdout 0.2|rest [--eval-count 600]
             --min-images N (training identities need ≥ N images; 'rest' evaluates on the others)
             --eval-every 100
  run        --seed 0  --backend auto  --checkpoint-every 0  --forensics-every 50  --minutes M
             --resume  --progress auto|bar|lines|silent
  output     --json (stdout: the summary as one JSON object; everything else on stderr)`;

/** Parsed command line. */
export interface TrainArgs {
  config: TrainConfig & { data: string };
  out: string;
  resume: boolean;
  backend: string;
  evalPairs?: string;
  evalData?: string;
  holdout?: number | "rest";
  evalCount: number;
  evalEvery: number;
  minImages: number;
  minutes?: number;
  progress: "auto" | "bar" | "lines" | "silent";
  /** Print the summary as one JSON object on stdout, everything else on stderr. */
  json: boolean;
}

const STRINGS = [
  "data",
  "model",
  "size",
  "width",
  "norm",
  "loss",
  "distance",
  "miner",
  "margin",
  "reducer",
  "mode",
  "trunk-triplets",
  "optimizer",
  "lr",
  "momentum",
  "schedule",
  "warmup",
  "step-size",
  "gamma",
  "weight-decay",
  "clip",
  "steps",
  "p",
  "k",
  "micro-batch",
  "embed-chunk",
  "eval-pairs",
  "eval-data",
  "holdout",
  "eval-count",
  "eval-every",
  "min-images",
  "seed",
  "backend",
  "checkpoint-every",
  "forensics-every",
  "minutes",
  "out",
  "progress",
];

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`train: --${flag} must be one of ${allowed.join(", ")}, got '${v}'`);
  }
  return v as T;
}

/**
 * Parses `deno task train` flags; throws a {@link UsageError} on unknown flags or bad values (the
 * message names them).
 *
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train_args.ts";
 * const a = parseTrainArgs(["--data", "d", "--out", "o", "--steps", "5", "--json"]);
 * console.assert(a.json && a.config.data === "d");
 * ```
 */
export function parseTrainArgs(args: string[]): TrainArgs {
  const f = parseArgs(args, {
    string: STRINGS,
    boolean: ["resume", "augment", "help", "json"],
    unknown: (arg: string) => {
      throw new UsageError(`train: unknown flag '${arg}'\n${TRAIN_USAGE}`);
    },
  });
  if (f._.length) throw new UsageError(`train: unexpected argument '${f._[0]}'\n${TRAIN_USAGE}`);
  const str = (k: string) => f[k] as string | undefined;
  const num = (k: string, opts: { int?: boolean; min?: number } = {}): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (
      !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) ||
      (opts.min !== undefined && n < opts.min)
    ) {
      throw new UsageError(
        `train: --${k} must be ${opts.int ? "an integer" : "a number"}${
          opts.min !== undefined ? ` ≥ ${opts.min}` : ""
        }, got '${v}'`,
      );
    }
    return n;
  };
  const data = str("data"), out = str("out"), steps = num("steps", { int: true, min: 1 });
  if (!data) throw new UsageError(`train: --data DIR is required\n${TRAIN_USAGE}`);
  if (!out) throw new UsageError(`train: --out DIR is required\n${TRAIN_USAGE}`);
  if (steps === undefined) throw new UsageError(`train: --steps N is required\n${TRAIN_USAGE}`);
  const holdoutRaw = str("holdout");
  let holdout: number | "rest" | undefined;
  if (holdoutRaw !== undefined) {
    holdout = holdoutRaw === "rest" ? "rest" : Number(holdoutRaw);
    if (holdout !== "rest" && !(holdout > 0 && holdout < 1)) {
      throw new UsageError(
        `train: --holdout must be a fraction in (0, 1) or 'rest', got '${holdoutRaw}'`,
      );
    }
  }
  const schedKind = str("schedule")
    ? oneOf("schedule", str("schedule")!, ["constant", "step", "cosine"] as const)
    : undefined;
  const config: TrainConfig & { data: string } = {
    data,
    steps,
    model: oneOf<ModelName>("model", str("model") ?? "nn4-small2", MODEL_NAMES),
    size: num("size", { int: true, min: 8 }) ?? 96,
    width: num("width", { min: 0.01 }) ?? 1,
    loss: oneOf<LossName>("loss", str("loss") ?? "triplet", LOSS_NAMES),
    distance: oneOf<DistanceName>(
      "distance",
      str("distance") ?? "squaredEuclidean",
      DISTANCE_NAMES,
    ),
    miner: oneOf<MinerName>("miner", str("miner") ?? "semihard", MINER_NAMES),
    margin: num("margin", { min: 0 }) ?? 0.2,
    reducer: oneOf<ReducerName>("reducer", str("reducer") ?? "mean", REDUCER_NAMES),
    mode: oneOf("mode", str("mode") ?? "online", ["online", "triplet-model"] as const),
    optimizer: oneOf<OptimizerName>("optimizer", str("optimizer") ?? "adagrad", [
      "adagrad",
      "adam",
      "sgd",
      "momentum",
    ]),
    lr: num("lr", { min: 0 }) ?? 0.05,
    weightDecay: num("weight-decay", { min: 0 }) ?? 0,
    clipNorm: num("clip", { min: 0 }) ?? 0,
    p: num("p", { int: true, min: 2 }) ?? 10,
    k: num("k", { int: true, min: 2 }) ?? 4,
    augment: f.augment as boolean,
    seed: num("seed", { int: true }) ?? 0,
    microBatch: num("micro-batch", { int: true, min: 0 }) ?? 0,
    embedChunk: num("embed-chunk", { int: true, min: 1 }),
    checkpointEvery: num("checkpoint-every", { int: true, min: 0 }) ?? 0,
    forensicsEvery: num("forensics-every", { int: true, min: 0 }) ?? 50,
  };
  const norm = str("norm");
  if (norm) config.modelOptions = { norm: oneOf("norm", norm, ["lrn", "batch", "none"] as const) };
  const momentum = num("momentum", { min: 0 });
  if (momentum !== undefined) config.optimizerOptions = { momentum };
  if (schedKind || str("warmup")) {
    const schedule = {
      kind: schedKind ?? "constant" as ScheduleKind,
      warmupSteps: num("warmup", { int: true, min: 0 }),
      stepSize: num("step-size", { int: true, min: 1 }),
      gamma: num("gamma", { min: 0 }),
    };
    config.schedule = Object.fromEntries(
      Object.entries(schedule).filter(([, v]) => v !== undefined),
    ) as typeof schedule;
  }
  const trunk = num("trunk-triplets", { int: true, min: 1 });
  if (trunk !== undefined) config.trunk = { tripletsPerStep: trunk };
  // Flags not given leave their keys out (the trainer's defaults apply; config.json lists no holes).
  for (const key of Object.keys(config) as (keyof typeof config)[]) {
    if (config[key] === undefined) delete config[key];
  }
  return {
    config,
    out,
    resume: f.resume as boolean,
    backend: str("backend") ?? "auto",
    evalPairs: str("eval-pairs"),
    evalData: str("eval-data"),
    holdout,
    evalCount: num("eval-count", { int: true, min: 2 }) ?? 600,
    evalEvery: num("eval-every", { int: true, min: 1 }) ?? 100,
    minImages: num("min-images", { int: true, min: 2 }) ?? 2,
    minutes: num("minutes", { min: 0 }),
    progress: oneOf(
      "progress",
      str("progress") ?? "auto",
      ["auto", "bar", "lines", "silent"] as const,
    ),
    json: f.json as boolean,
  };
}
