/**
 * Training metrics as JSON lines (one object a line, `type` = "step" | "epoch" | "forensics" |
 * "eval" | "event"), and the collapse detector that marks the step at which embeddings collapsed.
 *
 * @example
 * ```ts
 * import { createCollapseDetector } from "./metrics_log.ts";
 * const det = createCollapseDetector({ patience: 2 });
 * det.update(1, false);
 * det.update(2, true);
 * det.update(3, true);
 * console.assert(det.collapseStep === 2);
 * ```
 * @module
 */

/** An append-only JSONL file. */
export interface MetricsLog {
  readonly path: string;
  write(record: Record<string, unknown>): Promise<void>;
}

/** Numbers that JSON cannot hold (NaN, ±Inf) are written as strings so lines stay parseable. */
function replacer(_k: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v instanceof Float32Array || v instanceof Int32Array) return Array.from(v);
  return v;
}

/**
 * Opens `path` for appending. With `keepUpToStep`, lines of a previous run whose `step` is larger
 * are dropped first (resume from a checkpoint rewrites the tail the interrupted run wrote).
 *
 * @example
 * ```ts
 * import { openMetricsLog } from "./metrics_log.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openMetricsLog(`${dir}/metrics.jsonl`);
 * await log.write({ type: "step", step: 1, loss: 0.2 });
 * console.assert((await Deno.readTextFile(log.path)).trim().startsWith("{"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function openMetricsLog(
  path: string,
  options: { keepUpToStep?: number } = {},
): Promise<MetricsLog> {
  if (options.keepUpToStep !== undefined) {
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch {
      text = "";
    }
    const kept = text.split("\n").filter((l) => {
      if (!l.trim()) return false;
      try {
        const r = JSON.parse(l);
        return typeof r.step !== "number" || r.step <= options.keepUpToStep!;
      } catch {
        return false;
      }
    });
    await Deno.writeTextFile(path, kept.map((l) => l + "\n").join(""));
  }
  return {
    path,
    async write(record) {
      await Deno.writeTextFile(path, JSON.stringify(record, replacer) + "\n", { append: true });
    },
  };
}

/** Reads a metrics JSONL file back into objects. */
export async function readMetrics(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Marks where embeddings collapsed: the first step of a run of ≥ `patience` collapsed steps. */
export interface CollapseDetector {
  /** Feeds one step's verdict. Returns true on the step the collapse is confirmed. */
  update(step: number, collapsed: boolean): boolean;
  /** Start of the current confirmed collapse, or undefined (cleared if embeddings recover). */
  readonly collapseStep: number | undefined;
  /** Every confirmed collapse and its recovery step, if any. */
  readonly events: { step: number; recovered?: number }[];
  state(): { run: number; start?: number; events: { step: number; recovered?: number }[] };
  restore(s: { run: number; start?: number; events: { step: number; recovered?: number }[] }): void;
}

/** Creates a {@link CollapseDetector}. `patience`: consecutive collapsed steps needed. Default 3. */
export function createCollapseDetector(options: { patience?: number } = {}): CollapseDetector {
  const patience = options.patience ?? 3;
  let run = 0;
  let start: number | undefined;
  let events: { step: number; recovered?: number }[] = [];
  return {
    update(step, collapsed) {
      if (!collapsed) {
        if (run >= patience && events.length) events[events.length - 1].recovered = step;
        run = 0;
        start = undefined;
        return false;
      }
      if (run === 0) start = step;
      run++;
      if (run === patience) {
        events.push({ step: start! });
        return true;
      }
      return false;
    },
    get collapseStep() {
      return run >= patience ? start : undefined;
    },
    get events() {
      return events;
    },
    state: () => ({ run, start, events: events.map((e) => ({ ...e })) }),
    restore(s) {
      run = s.run;
      start = s.start;
      events = s.events.map((e) => ({ ...e }));
    },
  };
}
