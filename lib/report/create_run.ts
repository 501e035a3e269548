/**
 * A run directory: `<outDir>/<name>/<stamp>/` holding config.json, provenance.json, metrics.jsonl
 * (one JSON record a line, appended as the run goes), summary.json and report.html.
 * @module
 */
import { join } from "node:path";
import type { Figure } from "../plot/mod.ts";
import { collectProvenance, type Provenance } from "./provenance.ts";
import { type ReportSections, writeReport } from "./write_report.ts";

/** Options of {@link createRun}. */
export interface CreateRunOptions {
  /** Root of run folders. Default "runs". */
  outDir?: string;
  /** Folder name under `<outDir>/<name>/`. Default: UTC time `YYYYMMDD-HHMMSS` (+ `-N` if taken). */
  stamp?: string;
  /** Backend recorded in provenance. Default: tf.getBackend(). */
  backend?: string;
  /** Extra provenance fields (e.g. preset, seed). */
  extra?: Record<string, unknown>;
  /** Exactly this folder (created if missing, reused if present), not `<outDir>/<name>/<stamp>`. */
  dir?: string;
  /** Keep an existing metrics.jsonl (a resumed run appends to it). Default false. */
  keepMetrics?: boolean;
}

/** An open run directory. */
export interface Run {
  name: string;
  dir: string;
  config: unknown;
  provenance: Provenance & Record<string, unknown>;
  /** Records appended so far. */
  readonly history: Record<string, unknown>[];
  /** Appends one record to metrics.jsonl (and to `history`). */
  log(record: Record<string, unknown>): Promise<void>;
  /** Writes summary.json. */
  writeSummary(summary: Record<string, unknown>): Promise<string>;
  /**
   * Writes report.html with the run's config and provenance folded in. Give `question`,
   * `findings`, `headline` and `table` (see {@link ReportSections}) to lead with the answer.
   */
  writeReport(
    content: ReportSections & {
      title?: string;
      summary: Record<string, unknown>;
      figures?: Figure[];
      notes?: string[];
    },
  ): Promise<string>;
  /** Writes any JSON file into the run folder. */
  writeJson(fileName: string, value: unknown): Promise<string>;
  /** A path inside the run folder. */
  path(fileName: string): string;
}

function utcStamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** JSON with non-finite numbers kept readable ("NaN", "Infinity") instead of silently null. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

/**
 * Creates the run directory and writes config.json and provenance.json.
 *
 * @example
 * ```ts
 * import { createRun } from "./create_run.ts";
 * const outDir = await Deno.makeTempDir();
 * const run = await createRun("demo", { lr: 0.1 }, { outDir, backend: "cpu" });
 * await run.log({ step: 0, loss: 1 });
 * await run.writeSummary({ finalLoss: 1 });
 * console.assert(run.history.length === 1);
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function createRun(
  name: string,
  config: unknown,
  options: CreateRunOptions = {},
): Promise<Run> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`createRun: name must be letters, digits, '.', '_' or '-', got '${name}'`);
  }
  const base = join(options.outDir ?? "runs", name);
  const stamp = options.stamp ?? utcStamp();
  let dir = options.dir ?? join(base, stamp);
  for (let i = 2; !options.dir && await exists(dir); i++) dir = join(base, `${stamp}-${i}`);
  await Deno.mkdir(dir, { recursive: true });
  const provenance = {
    ...(await collectProvenance({ backend: options.backend })),
    ...(options.extra ?? {}),
  };
  const metricsPath = join(dir, "metrics.jsonl");
  await Deno.writeTextFile(join(dir, "config.json"), toJson(config, 2) + "\n");
  await Deno.writeTextFile(join(dir, "provenance.json"), toJson(provenance, 2) + "\n");
  if (!(options.keepMetrics && await exists(metricsPath))) {
    await Deno.writeTextFile(metricsPath, "");
  }
  const history: Record<string, unknown>[] = [];
  const run: Run = {
    name,
    dir,
    config,
    provenance,
    history,
    async log(record) {
      history.push(record);
      await Deno.writeTextFile(metricsPath, toJson(record) + "\n", { append: true });
    },
    async writeSummary(summary) {
      const path = join(dir, "summary.json");
      await Deno.writeTextFile(path, toJson(summary, 2) + "\n");
      return path;
    },
    writeReport(content) {
      return writeReport(dir, { title: content.title ?? name, ...content, config, provenance });
    },
    async writeJson(fileName, value) {
      const path = join(dir, fileName);
      await Deno.writeTextFile(path, toJson(value, 2) + "\n");
      return path;
    },
    path(fileName) {
      return join(dir, fileName);
    },
  };
  return run;
}
