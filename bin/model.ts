/**
 * `deno task model <name> [--input-size N] [--format text|md|html|json] [--width W]`
 *
 * Prints a model variant's summary: for `nn2`, the reproduction of Table 2 of the FaceNet paper
 * (Schroff et al. 2015) computed from the built layers. Other flags: `--embedding-dim D`,
 * `--norm lrn|batch|none`, `--l2-pooling l2|max`, `--no-final-l2`, `--triplet` (the three-input
 * triplet model, Keras style), `--backend NAME`.
 *
 * With `--format json`: `{ model, buildOptions, rows: [{type, outputSize: [h,w,c], params, flops,
 * weights, ...}], total: {params, trainableParams, nonTrainableParams, weights, flops} }`, where
 * `weights` counts conv and fully-connected kernel weights without biases.
 *
 * Exit codes: 0 done, 1 runtime failure, 2 usage error (unknown model, flag or value).
 * @module
 */
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import { EXIT_CODES, runMain, UsageError } from "../lib/cli/mod.ts";
import {
  createModel,
  createTripletModel,
  disposeModel,
  MODEL_NAMES,
  type ModelName,
  type ModelOptions,
  renderSummary,
  summarizeModel,
  type SummaryFormat,
  VARIANTS,
} from "../lib/model/mod.ts";

const USAGE = `usage: deno task model <${MODEL_NAMES.join("|")}> [--input-size N] ` +
  `[--format text|md|html|json] [--width W] [--embedding-dim D] [--norm lrn|batch|none] ` +
  `[--l2-pooling l2|max] [--no-final-l2] [--triplet] [--backend auto|wasm|cpu]`;

const FORMATS: Record<string, SummaryFormat> = {
  text: "text",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  json: "json",
};

function fail(message: string): never {
  throw new UsageError(`model: ${message}`);
}

function numberFlag(flags: Record<string, unknown>, key: string): number | undefined {
  const v = flags[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${key} must be a number, got '${v}'`);
  return n;
}

/**
 * Runs `deno task model` with `args`; returns the exit code (0 done, 2 usage error).
 *
 * @example
 * ```ts ignore
 * import { main } from "./model.ts";
 * const code = await main(["nn2", "--format", "md"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const flags = parseArgs(args, {
    string: ["input-size", "format", "width", "embedding-dim", "norm", "l2-pooling", "backend"],
    boolean: ["final-l2", "triplet", "help"],
    negatable: ["final-l2"],
    alias: { h: "help" },
    default: { "final-l2": true, format: "text", backend: "auto" },
    unknown: (arg) => fail(`unknown flag ${arg}`),
  });
  if (flags.help) {
    console.log(USAGE);
    console.log(
      MODEL_NAMES.map((n) => `  ${n.padEnd(11)} ${VARIANTS[n].description}`).join("\n"),
    );
    return EXIT_CODES.ok;
  }
  const name = String(flags._[0] ?? "");
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    fail(name ? `unknown model '${name}'` : "which model?");
  }
  const format = FORMATS[String(flags.format)];
  if (!format) fail(`--format must be text, md, html or json, got '${flags.format}'`);
  const options: ModelOptions = {
    inputSize: numberFlag(flags, "input-size"),
    widthMultiplier: numberFlag(flags, "width"),
    embeddingDim: numberFlag(flags, "embedding-dim"),
    norm: flags.norm as ModelOptions["norm"],
    l2Pooling: flags["l2-pooling"] as ModelOptions["l2Pooling"],
    finalL2: flags["final-l2"] as boolean,
  };
  const choice = await initBackend(flags.backend as BackendPreference);
  console.error(choice.summary);
  let model;
  try {
    model = createModel(name as ModelName, options);
  } catch (e) {
    // Bad build options (e.g. an input size too small for the variant) are usage errors.
    fail((e as Error).message);
  }
  const target = flags.triplet ? createTripletModel(model) : model;
  console.log(renderSummary(summarizeModel(target), { format }));
  disposeModel(target);
  return EXIT_CODES.ok;
}

if (import.meta.main) await runMain("model", main, { usage: USAGE });
