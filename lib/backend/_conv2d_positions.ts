/**
 * A forward convolution as the toolkit's SIMD conv panels (`conv_<rows>x<cols>[_relu]` in
 * `_wasm_gemm_module.ts`), for one thread's range of output positions.
 *
 * With the input padded so that output position (n, p, q) reads
 * `xp[n, sh·p + i, sw·q + j, c]`, the `kw·c` values `(j, c)` of tap row `i` lie side by side in
 * `xp`, and so do the filter's rows `(i, j, c)` ([kh, kw, c, k] is row-major). So each output
 * block is `kh` products of `mr` contiguous runs of the input with `kw·c` rows of the filter,
 * accumulated in registers from the bias, with the ReLU applied on the way out. The panels find
 * each position's run through an indirection list (its byte address at tap row 0), so a block of
 * positions may span output rows and images (small late layers still fill whole blocks).
 * @module
 */
import type { Panels } from "./_filter_grad_panels.ts";
import { MAIN_ROWS } from "./_wasm_gemm_module.ts";

/** Sizes and byte addresses of one convolution job. */
export interface ConvJob {
  /** Byte address of the int32 list of each output position's input address (at tap row 0). */
  ind: number;
  /** Byte address of the filter [kh, kw, c, k]. */
  w: number;
  /** Byte address of the bias [k] (zeros for none). */
  bias: number;
  /** Byte address of the output [positions, k]. */
  out: number;
  positions: number;
  kh: number;
  /** Floats per tap row: `kw · c`. */
  run: number;
  /** Bytes between tap rows in the padded input (`wp · c · 4`). */
  rowBytes: number;
  k: number;
  /** 1 to apply a ReLU. */
  relu: number;
}

/** The order in which a {@link ConvJob} travels as integers. */
export const CONV_JOB_FIELDS: (keyof ConvJob)[] = [
  "ind",
  "w",
  "bias",
  "out",
  "positions",
  "kh",
  "run",
  "rowBytes",
  "k",
  "relu",
];

/**
 * Floats of input a chunk of positions reads (`positions · kh · run`): the panels sweep a chunk
 * once per 8 output channels, so it should stay in the core's cache.
 */
const CHUNK_FLOATS = 32768;

/**
 * Filter rows (`tap rows · run`) one pass reads per 8 output channels: their 32-byte slices
 * (24 KiB) stay in the core's L1 cache while the pass sweeps a chunk of positions. A filter with
 * more (e.g. 3×3 over 192 channels: 1,728 rows) is applied in passes of whole tap rows, each
 * adding to what the previous left in the output; the ReLU comes with the last.
 */
const PASS_ROWS = 768;

/** Computes output positions `[p0, p1)` of `job` (all channels). */
export function convPositions(convs: Panels, job: ConvJob, p0: number, p1: number): void {
  const { kh, run } = job;
  const passes = Math.min(kh, Math.max(1, Math.ceil((kh * run) / PASS_ROWS)));
  const perPass = Math.ceil(kh / passes);
  for (let t0 = 0; t0 < kh; t0 += perPass) {
    const taps = Math.min(perPass, kh - t0);
    convPass(convs, job, p0, p1, t0, taps, t0 > 0, t0 + taps === kh && job.relu === 1);
  }
}

/** One pass over tap rows `[t0, t0 + taps)`: from the bias, or adding to the output (`acc`). */
function convPass(
  convs: Panels,
  job: ConvJob,
  p0: number,
  p1: number,
  t0: number,
  taps: number,
  acc: boolean,
  relu: boolean,
): void {
  const { run, rowBytes, k } = job;
  const ldw = 4 * k;
  const ldo = 4 * k;
  const k8 = Math.floor(k / 8);
  const k4 = (k % 8) / 4;
  const suffix = `${relu ? "_relu" : ""}${acc ? "_acc" : ""}`;
  const mr = MAIN_ROWS;
  const chunk = Math.max(mr, Math.floor(CHUNK_FLOATS / (taps * run) / mr) * mr);
  // The list holds tap row 0's addresses: the kernel adds t0 rows to each, reads the filter from
  // its row t0 · run, and moves rowBytes per tap row from there.
  const w = job.w + t0 * run * ldw;
  const aOff = t0 * rowBytes;
  // Channels in blocks of 8, then (k a multiple of 4) one block of 4 starting at byte `col`.
  const columnRuns: [string, number, number][] = [];
  if (k8 > 0) columnRuns.push(["8", 0, k8]);
  if (k4 > 0) columnRuns.push(["4", 32 * k8, 1]);
  const call = (rows: number, blocks: number, p: number) => {
    const ind = job.ind + 4 * p;
    const out = job.out + p * ldo;
    for (const [width, col, kBlocks] of columnRuns) {
      const fn = convs[`${rows}x${width}${suffix}`];
      fn(
        ind,
        rowBytes,
        taps,
        run,
        w + col,
        ldw,
        job.bias + col,
        out + col,
        ldo,
        blocks,
        kBlocks,
        aOff,
      );
    }
  };
  for (let p = p0; p < p1; p += chunk) {
    const count = Math.min(chunk, p1 - p);
    const blocks = Math.floor(count / mr);
    const rest = count - mr * blocks;
    if (blocks > 0) call(mr, blocks, p);
    if (rest > 0) call(rest, 1, p + mr * blocks);
  }
}
