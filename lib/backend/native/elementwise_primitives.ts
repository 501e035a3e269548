/**
 * oneDNN element-wise primitives for large float32 tensors: binary operations with the second
 * operand broadcast (dims of 1), optionally squared afterwards (a post-op), and unary eltwise
 * operations. They run on oneDNN's threads with its vector code where the cpu backend's
 * JavaScript loops use one thread; below {@link ELEMENTWISE_MIN} elements the call overhead
 * outweighs that, and the typed-array loops of `./fast_js_kernels.ts` run instead.
 * @module
 */
import { check, DNNL, memoryDesc, OP_DESC_BYTES, openDnnl } from "./dnnl.ts";
import {
  type Freeable,
  Primitive,
  type PrimitiveCache,
  withPrimitiveDesc,
} from "./primitive_cache.ts";

/**
 * Tensors smaller than this (elements) stay in JavaScript: a multiply of 65,536 elements into a
 * fresh array took 0.56 ms in a loop and 1.57 ms on oneDNN, 262,144 took 3.9 ms and 1.1 ms
 * (a microbenchmark on the 2-core development machine at load average 20).
 */
export const ELEMENTWISE_MIN = 1 << 17;

const PLAIN_TAGS = [0, DNNL.tagA, DNNL.tagAb, DNNL.tagAbc, DNNL.tagAbcd, DNNL.tagAbcde];

/** Whether oneDNN's plain layouts cover this rank. */
export function elementwiseRankOk(rank: number): boolean {
  return rank >= 1 && rank < PLAIN_TAGS.length;
}

/** A oneDNN binary algorithm. */
export type BinaryAlg = "add" | "sub" | "mul" | "div";

const BINARY_ALG: Record<BinaryAlg, number> = {
  add: DNNL.binaryAdd,
  sub: DNNL.binarySub,
  mul: DNNL.binaryMul,
  div: DNNL.binaryDiv,
};

function withSquarePostOp<T>(square: boolean, build: (attr: Deno.PointerValue) => T): T {
  if (!square) return build(null);
  const { sym } = openDnnl();
  const out = new BigUint64Array(1);
  check(sym.dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create");
  const attr = Deno.UnsafePointer.create(out[0]);
  check(sym.dnnl_post_ops_create(out), "dnnl_post_ops_create");
  const postOps = Deno.UnsafePointer.create(out[0]);
  try {
    check(sym.dnnl_post_ops_append_eltwise(postOps, 1, DNNL.eltwiseSquare, 0, 0), "post-op");
    check(sym.dnnl_primitive_attr_set_post_ops(attr, postOps), "set post-ops");
    return build(attr);
  } finally {
    sym.dnnl_post_ops_destroy(postOps);
    sym.dnnl_primitive_attr_destroy(attr);
  }
}

class Binary implements Freeable {
  readonly prim: Primitive;
  constructor(alg: BinaryAlg, shape: number[], bShape: number[], square: boolean) {
    const tag = PLAIN_TAGS[shape.length];
    const a = memoryDesc(shape, tag);
    const b = memoryDesc(bShape, tag);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      openDnnl().sym.dnnl_binary_desc_init(op, BINARY_ALG[alg], a, b, a),
      "dnnl_binary_desc_init",
    );
    this.prim = withSquarePostOp(square, (attr) =>
      withPrimitiveDesc(
        op,
        `binary ${alg}`,
        (pd) => new Primitive(pd, [[DNNL.argSrc, a], [DNNL.argSrc1, b], [DNNL.argDst, a]]),
        { attr },
      ));
  }
  destroy(): void {
    this.prim.destroy();
  }
}

/**
 * out = (a ∘ b)², or a ∘ b without `square`, where `a` has `shape` and `b` has `bShape` (same
 * rank, each dim equal or 1).
 */
export function binaryOp(
  cache: PrimitiveCache,
  alg: BinaryAlg,
  shapes: { shape: number[]; bShape: number[]; square?: boolean },
  bufs: { a: Float32Array; b: Float32Array; out: Float32Array },
): void {
  const square = shapes.square ?? false;
  cache.get(
    `binary|${alg}|${shapes.shape}|${shapes.bShape}|${square}`,
    () => new Binary(alg, shapes.shape, shapes.bShape, square),
  ).prim.run([bufs.a, bufs.b, bufs.out]);
}

/**
 * A oneDNN unary eltwise algorithm: relu (leaky with `alpha` ≠ 0), sqrt, square, clip (to
 * [`alpha`, `beta`]: oneDNN's clip_v2) or round (half to even).
 */
export type EltwiseAlg = "relu" | "sqrt" | "square" | "clip" | "round";

const ELTWISE_ALG: Record<EltwiseAlg, number> = {
  relu: DNNL.eltwiseRelu,
  sqrt: DNNL.eltwiseSqrt,
  square: DNNL.eltwiseSquare,
  clip: DNNL.eltwiseClipV2,
  round: DNNL.eltwiseRound,
};

class Eltwise implements Freeable {
  readonly prim: Primitive;
  constructor(alg: EltwiseAlg, n: number, alpha: number, beta: number) {
    const d = memoryDesc([n], DNNL.tagA);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      openDnnl().sym.dnnl_eltwise_forward_desc_init(
        op,
        DNNL.forwardInference,
        ELTWISE_ALG[alg],
        d,
        alpha,
        beta,
      ),
      "dnnl_eltwise_forward_desc_init",
    );
    this.prim = withPrimitiveDesc(
      op,
      `eltwise ${alg}`,
      (pd) => new Primitive(pd, [[DNNL.argSrc, d], [DNNL.argDst, d]]),
    );
  }
  destroy(): void {
    this.prim.destroy();
  }
}

/**
 * y = relu(x) (x < 0: `alpha`·x), sqrt(x), x², clip(x) to [`alpha`, `beta`] or round(x) over all
 * of `x` (`alpha` and `beta` default to 0).
 */
export function eltwiseOp(
  cache: PrimitiveCache,
  alg: EltwiseAlg,
  bufs: { x: Float32Array; y: Float32Array },
  params: { alpha?: number; beta?: number } = {},
): void {
  const alpha = params.alpha ?? 0, beta = params.beta ?? 0;
  cache.get(
    `eltwise|${alg}|${bufs.x.length}|${alpha}|${beta}`,
    () => new Eltwise(alg, bufs.x.length, alpha, beta),
  ).prim.run([
    bufs.x,
    bufs.y,
  ]);
}

class ReluBackward implements Freeable {
  readonly prim: Primitive;
  constructor(n: number) {
    const d = memoryDesc([n], DNNL.tagA);
    const { sym } = openDnnl();
    const fwd = new Uint8Array(OP_DESC_BYTES);
    check(
      sym.dnnl_eltwise_forward_desc_init(fwd, DNNL.forwardTraining, DNNL.eltwiseRelu, d, 0, 0),
      "dnnl_eltwise_forward_desc_init",
    );
    const bwd = new Uint8Array(OP_DESC_BYTES);
    check(
      sym.dnnl_eltwise_backward_desc_init(bwd, DNNL.eltwiseRelu, d, d, 0, 0),
      "dnnl_eltwise_backward_desc_init",
    );
    this.prim = withPrimitiveDesc(fwd, "eltwise relu (hint)", (hint) =>
      withPrimitiveDesc(
        bwd,
        "eltwise relu backward",
        (pd) => new Primitive(pd, [[DNNL.argSrc, d], [DNNL.argDiffDst, d], [DNNL.argDiffSrc, d]]),
        { hint },
      ));
  }
  destroy(): void {
    this.prim.destroy();
  }
}

/**
 * dx = dy where x > 0, else dy · 0, over all of `x` (oneDNN's ReLU backward). A NaN in `x` gives
 * dy · 0 here where TensorFlow.js's formula gives NaN: the caller restores those.
 */
export function reluBackward(
  cache: PrimitiveCache,
  bufs: { x: Float32Array; dy: Float32Array; dx: Float32Array },
): void {
  cache.get(`relu_bwd|${bufs.x.length}`, () => new ReluBackward(bufs.x.length)).prim.run([
    bufs.x,
    bufs.dy,
    bufs.dx,
  ]);
}
