/**
 * A convolution's filter gradient as banded panel products (see `_wasm_gemm_module.ts`), for one
 * thread's share of the gradient's rows. The same function runs on the main thread and in the
 * helper threads, each on its own rows, so the result does not depend on the thread count.
 *
 * With the input padded so that tap (i, j) reads `xp[n, sh·oh + i, sw·ow + j, c]` (the forward
 * geometry folded in), the gradient's rows for one tap row `i` are the `kw·c` values
 * `(j, c)`, and these lie side by side in `xp`: row `(i, j, c)` at output position `(oh, ow)` is
 * `xp[n, sh·oh + i, sw·ow, 0] + j·c + c`. So each tap row is one product of a strided view of the
 * input (no im2col copy) with dy, and the result is already in HWIO order.
 * @module
 */
import { MAIN_ROWS, type PanelFn } from "./_wasm_gemm_module.ts";

/** Sizes and byte addresses of one filter-gradient job. */
export interface FilterGradJob {
  /** Byte address of the padded input [n, hp, wp, c]. */
  x: number;
  /** Byte address of dy [n, oh, ow, k]. */
  dy: number;
  /** Byte address of the zeroed gradient [kh, kw, c, k]. */
  out: number;
  n: number;
  hp: number;
  wp: number;
  c: number;
  oh: number;
  ow: number;
  k: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Output rows (of dy) per band: a band's dy and input rows stay in cache across tap rows. */
  bandRows: number;
}

/** The order in which a {@link FilterGradJob} travels as integers. */
export const FILTER_JOB_FIELDS: (keyof FilterGradJob)[] = [
  "x",
  "dy",
  "out",
  "n",
  "hp",
  "wp",
  "c",
  "oh",
  "ow",
  "k",
  "kh",
  "kw",
  "sh",
  "sw",
  "bandRows",
];

/**
 * How a job is cut between `threads`: along the gradient's rows when it has at least as many as
 * output channels (each tile then reads all of dy once), else along the channels (each tile reads
 * the input once). Measured on nn2's filter gradients at batch 32 on 2 threads: one tile per
 * thread beat two and three on the largest layers (each extra tile re-reads dy or the input).
 */
export function tilesFor(job: FilterGradJob, threads: number, perThread = 1): [number, number] {
  const rows = jobRows(job);
  const target = perThread * threads;
  if (rows >= job.k) return [Math.max(1, Math.min(target, Math.ceil(rows / 4))), 1];
  return [1, Math.max(1, Math.min(target, Math.ceil(job.k / 8)))];
}

/** The panel functions by `<rows>x<columns>`. */
export type Panels = Record<string, PanelFn>;

/** Total gradient rows of a job (`kh · kw · c`). */
export function jobRows(job: FilterGradJob): number {
  return job.kh * job.kw * job.c;
}

/** Output rows per band such that a band holds about `targetPositions` output positions. */
export function bandRowsFor(oh: number, ow: number, targetPositions = 128): number {
  return Math.max(1, Math.min(oh, Math.round(targetPositions / ow)));
}

/**
 * Adds the gradient rows `[rowBegin, rowEnd)` (over `kh · kw · c`) and columns `[colBegin, colEnd)`
 * (output channels, multiples of 4) of `job` into its output. Each value is summed in the same
 * order whatever the tile, so splitting a job into tiles between threads changes no result.
 */
export function filterGradTile(
  panels: Panels,
  job: FilterGradJob,
  rowBegin: number,
  rowEnd: number,
  colBegin = 0,
  colEnd = job.k,
): void {
  const { n, hp, wp, c, oh, ow, k, kh, kw, sh, sw, bandRows } = job;
  const perTapRow = kw * c;
  const aRow = sh * wp * c * 4;
  const aCol = sw * c * 4;
  const ldb = k * 4;
  const ldo = k * 4;
  const cols = colEnd - colBegin;
  const k8 = Math.floor(cols / 8);
  const k4 = (cols % 8) / 4; // 0 or 1: columns come in multiples of 4
  // Columns in blocks of 8, then one block of 4 starting at byte `col`.
  const columnRuns: [string, number, number][] = [];
  if (k8 > 0) columnRuns.push(["8", 0, k8]);
  if (k4 > 0) columnRuns.push(["4", 32 * k8, 1]);
  /** `count` blocks of `rowsPerBlock` rows over a band of `U` output rows, every column run. */
  const run = (
    rowsPerBlock: number,
    count: number,
    a: number,
    b: number,
    out: number,
    U: number,
  ) => {
    for (const [width, col, kBlocks] of columnRuns) {
      const fn = panels[`${rowsPerBlock}x${width}`];
      fn(a, aRow, aCol, U, ow, b + col, ldb, out + col, ldo, count, kBlocks);
    }
  };
  for (let img = 0; img < n; img++) {
    for (let u0 = 0; u0 < oh; u0 += bandRows) {
      const U = Math.min(bandRows, oh - u0);
      const b = job.dy + (img * oh + u0) * ow * ldb + 4 * colBegin;
      for (let i = 0; i < kh; i++) {
        const r0 = Math.max(rowBegin, i * perTapRow) - i * perTapRow;
        const r1 = Math.min(rowEnd, (i + 1) * perTapRow) - i * perTapRow;
        if (r1 <= r0) continue;
        const a = job.x + ((img * hp + sh * u0 + i) * wp * c + r0) * 4;
        const out = job.out + (i * perTapRow + r0) * ldo + 4 * colBegin;
        const rows = r1 - r0;
        const mr = MAIN_ROWS;
        const blocks = Math.floor(rows / mr);
        const rest = rows - mr * blocks;
        if (blocks > 0) run(mr, blocks, a, b, out, U);
        if (rest > 0) run(rest, 1, a + 4 * mr * blocks, b, out + mr * blocks * ldo, U);
      }
    }
  }
}

/**
 * The exports of an instantiated panel module whose names start with `prefix` ("panel_" or
 * "conv_"), keyed by the rest (`4x8`, `4x8_relu`).
 */
export function panelsOf(instance: WebAssembly.Instance, prefix = "panel_"): Panels {
  const panels: Panels = {};
  for (const [key, fn] of Object.entries(instance.exports)) {
    if (key.startsWith(prefix)) panels[key.slice(prefix.length)] = fn as PanelFn;
  }
  return panels;
}
