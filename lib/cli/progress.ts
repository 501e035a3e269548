/**
 * Progress reporting for long work: a bar with count, rate and ETA on a terminal, a live-updating
 * display in a Jupyter notebook (Deno kernel), and plain periodic lines elsewhere (CI logs, pipes).
 *
 * Library code never prints directly: it accepts an optional {@link Progress} (or a factory) and
 * entry points decide where it goes.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const bar = createProgress(3, { label: "demo", mode: "silent" });
 * for (let i = 0; i < 3; i++) bar.tick(1, { loss: 0.5 });
 * bar.done();
 * console.assert(bar.count === 3);
 * ```
 * @module
 */

/** Where progress goes. "auto": notebook if inside Jupyter, bar if stderr is a TTY, else lines. */
export type ProgressMode = "auto" | "bar" | "lines" | "notebook" | "silent";

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Text before the bar. Default "". */
  label?: string;
  /** Default "auto". */
  mode?: ProgressMode;
  /** Unit shown in the rate, e.g. "img". Default "it". */
  unit?: string;
  /** Minimum ms between redraws (lines mode: between lines, default 5000; bar: 100). */
  intervalMs?: number;
  /** Counted as already done (resumed work); excluded from the rate. Default 0. */
  initial?: number;
}

/** A running progress display. */
export interface Progress {
  /** Advance by n (default 1) and optionally update the key/value info shown after the bar. */
  tick(n?: number, info?: Record<string, number | string>): void;
  /** Count failures (shown as "fail N"). */
  fail(n?: number): void;
  /**
   * Finish: draw the final state. In a notebook it returns a promise that resolves once every
   * update has been broadcast (it never rejects; updates are sent in order either way).
   */
  done(): void | Promise<void>;
  readonly count: number;
  readonly failures: number;
}

/** True when running inside the Deno Jupyter kernel (outside it, `Deno.jupyter` throws). */
export function inJupyter(): boolean {
  try {
    // deno-lint-ignore no-explicit-any
    return typeof (Deno as any).jupyter?.broadcast === "function";
  } catch {
    return false;
  }
}

/** Formats seconds as h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? h + ":" : ""}${mm}:${String(r).padStart(2, "0")}`;
}

function formatInfo(info: Record<string, number | string>): string {
  return Object.entries(info).map(([k, v]) =>
    `${k} ${typeof v === "number" ? (Number.isInteger(v) ? v : v.toPrecision(4)) : v}`
  ).join("  ");
}

/** Creates a progress display for `total` units (0 or undefined total: unknown, no ETA). */
export function createProgress(total: number | undefined, options: ProgressOptions = {}): Progress {
  const label = options.label ?? "";
  const unit = options.unit ?? "it";
  const initial = options.initial ?? 0;
  let mode = options.mode ?? "auto";
  if (mode === "auto") {
    mode = inJupyter() ? "notebook" : Deno.stderr.isTerminal() ? "bar" : "lines";
  }
  const interval = options.intervalMs ??
    (mode === "lines" ? 5000 : mode === "notebook" ? 500 : 100);
  const start = performance.now();
  let count = initial, failures = 0, last = 0;
  let info: Record<string, number | string> = {};
  const displayId = `progress-${Math.random().toString(36).slice(2)}`;
  let shown = false;
  // Notebook updates are broadcast one after another, each awaited; after a failed broadcast the
  // display stops updating (the work goes on).
  let broadcasts: Promise<void> = Promise.resolve();
  let broadcastError: unknown;
  const enc = new TextEncoder();

  const text = (final: boolean): { line: string; frac: number } => {
    const elapsed = (performance.now() - start) / 1000;
    const rate = elapsed > 0 ? (count - initial) / elapsed : 0;
    const frac = total ? Math.min(1, count / total) : 0;
    const eta = total && rate > 0 ? (total - count) / rate : NaN;
    const parts = [
      label,
      total ? `${count}/${total}` : `${count}`,
      `${rate.toFixed(rate < 10 ? 2 : 1)} ${unit}/s`,
      final ? `took ${formatDuration(elapsed)}` : total ? `ETA ${formatDuration(eta)}` : "",
      failures ? `fail ${failures}` : "",
      formatInfo(info),
    ].filter((p) => p !== "");
    return { line: parts.join("  "), frac };
  };

  const draw = (final: boolean) => {
    const now = performance.now();
    if (!final && now - last < interval) return;
    last = now;
    const { line, frac } = text(final);
    if (mode === "bar") {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = total ? `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ` : "";
      Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${bar}${line}${final ? "\n" : ""}`));
    } else if (mode === "lines") {
      Deno.stderr.writeSync(enc.encode(`${line}\n`));
    } else if (mode === "notebook" && broadcastError === undefined) {
      const pct = (frac * 100).toFixed(1);
      const html = `<div style="font-family:monospace"><progress value="${pct}" max="100" ` +
        `style="width:240px"></progress> ${escapeHtml(line)}</div>`;
      // deno-lint-ignore no-explicit-any
      const j = (Deno as any).jupyter;
      const kind = shown ? "update_display_data" : "display_data";
      shown = true;
      broadcasts = broadcasts.then(async () => {
        await j.broadcast(kind, {
          data: { "text/html": html, "text/plain": line },
          metadata: {},
          transient: { display_id: displayId },
        });
      }).catch((e) => {
        broadcastError ??= e;
      });
    }
  };

  return {
    tick(n = 1, newInfo?: Record<string, number | string>) {
      count += n;
      if (newInfo) info = { ...info, ...newInfo };
      draw(false);
    },
    fail(n = 1) {
      failures += n;
    },
    done() {
      draw(true);
      if (mode === "notebook") return broadcasts;
    },
    get count() {
      return count;
    },
    get failures() {
      return failures;
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}
