/**
 * `Transpose` of float32 tensors on wasm as cache-blocked typed-array loops, in place on the wasm
 * heap. tfjs-backend-wasm 4.22's own kernel walks the output with a generic index computation
 * per element; the transposes of a training step (the toolkit's filter gradients and transposed
 * matrix products) permute big activations. Those whose axes reduce (after merging axes that
 * stay adjacent) to `[A, B] → [B, A]`, or a batch of them (`[N, A, B] → [N, B, A]`), are copied
 * here in 32×32 tiles (1.2–3.5× wasm's own on NN2's 1×1 filter gradients' operands). Every
 * other permutation (the 3-axis ones measured no faster here than on wasm's kernel), and other
 * dtypes, go to the stock kernel.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { inputOf } from "./_conv_geometry.ts";
import { float32Views } from "./_heap_views.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
};
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Drops size-1 axes and merges axes that stay adjacent and in order under `perm`. Returns the
 * reduced input shape and permutation (`perm[i]` = the input axis of output axis i).
 */
export function reducePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  // groups of output-consecutive axes that are also input-consecutive
  const groups: number[][] = [];
  for (const a of kept) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === a) last.push(a);
    else groups.push([a]);
  }
  // order groups by their first input axis to get the reduced input shape
  const byInput = [...groups].sort((g, h) => g[0] - h[0]);
  const reducedShape = byInput.map((g) => g.reduce((p, a) => p * shape[a], 1));
  const reducedPerm = groups.map((g) => byInput.indexOf(g));
  return { shape: reducedShape, perm: reducedPerm };
}

const TILE = 32;

/** out[j·rows + i] = src[i·cols + j] for an rows×cols matrix at the given offsets. */
function transpose2d(
  src: Float32Array,
  srcOff: number,
  out: Float32Array,
  outOff: number,
  rows: number,
  cols: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        let s = srcOff + i * cols + j0;
        let o = outOff + j0 * rows + i;
        for (let j = j0; j < j1; j++, s++, o += rows) out[o] = src[s];
      }
    }
  }
}

/**
 * The fast `Transpose` kernel: the patterns in the module doc on float32, `stock` otherwise.
 */
export function transposeKernel(stock: () => KernelFn): KernelFn {
  return (args) => {
    const x = inputOf(args.inputs, "x", "Transpose");
    const perm = (args.attrs?.perm ?? []) as number[];
    if (x.dtype !== "float32" || perm.length !== x.shape.length) return stock()(args);
    const r = reducePermutation(x.shape, perm);
    const p = r.perm.join();
    const fast = r.perm.length <= 1 || p === "1,0" || p === "0,2,1";
    if (!fast) return stock()(args);
    const outShape = perm.map((a) => x.shape[a]);
    const views = float32Views(args.backend, [x], outShape, "Transpose");
    const [src] = views.inputs;
    const out = views.output;
    const s = r.shape;
    if (r.perm.length <= 1) out.set(src);
    else if (p === "1,0") transpose2d(src, 0, out, 0, s[0], s[1]);
    else {
      // "0,2,1": a batch of matrices
      const block = s[1] * s[2];
      for (let n = 0; n < s[0]; n++) transpose2d(src, n * block, out, n * block, s[1], s[2]);
    }
    return views.finish();
  };
}
