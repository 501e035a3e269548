/**
 * oneDNN pooling and local response normalisation on NHWC tensors, forward and backward, read and
 * written in place. oneDNN's max-pool and LRN backward passes need the forward pass's workspace,
 * which TensorFlow.js does not keep: the backward kernels rerun the forward pass (cheap next to the
 * convolutions) into scratch buffers owned by the cached primitive.
 * @module
 */
import {
  check,
  dimsOf,
  DNNL,
  mdBytes,
  memoryDesc,
  OP_DESC_BYTES,
  openDnnl,
  queryMd,
} from "./dnnl.ts";
import {
  type Freeable,
  Primitive,
  type PrimitiveCache,
  withPrimitiveDesc,
} from "./primitive_cache.ts";

/** Geometry of one NHWC pooling. */
export interface PoolGeometry {
  /** [N, H, W, C] */
  x: readonly [number, number, number, number];
  /** [N, OH, OW, C] */
  y: readonly [number, number, number, number];
  /** [KH, KW] */
  kernel: readonly [number, number];
  /** [strideH, strideW] */
  strides: readonly [number, number];
  /** [top, left, bottom, right] */
  pads: readonly [number, number, number, number];
  /** "max", or "avg" (TensorFlow's: padding excluded from the count). */
  kind: "max" | "avg";
}

const nchwDims = (s: readonly [number, number, number, number]) => [s[0], s[3], s[1], s[2]];

function poolDescs(g: PoolGeometry, backward = false) {
  // TensorFlow.js's average-pool gradient (cpu, wasm) spreads dy / (window size) over the window's
  // inputs, padding or not: oneDNN's include-padding backward is that same rule.
  const avg = backward ? DNNL.poolingAvgIncludePadding : DNNL.poolingAvgExcludePadding;
  return {
    src: memoryDesc(nchwDims(g.x), DNNL.tagNhwc),
    dst: memoryDesc(nchwDims(g.y), DNNL.tagNhwc),
    alg: g.kind === "max" ? DNNL.poolingMax : avg,
    strides: dimsOf(g.strides),
    kernel: dimsOf(g.kernel),
    dilation: dimsOf([0, 0]),
    padL: dimsOf([g.pads[0], g.pads[1]]),
    padR: dimsOf([g.pads[2], g.pads[3]]),
  };
}

function poolForwardDesc(d: ReturnType<typeof poolDescs>, prop: number): Uint8Array {
  const op = new Uint8Array(OP_DESC_BYTES);
  check(
    openDnnl().sym.dnnl_pooling_v2_forward_desc_init(
      op,
      prop,
      d.alg,
      d.src,
      d.dst,
      d.strides,
      d.kernel,
      d.dilation,
      d.padL,
      d.padR,
    ),
    "dnnl_pooling_v2_forward_desc_init",
  );
  return op;
}

class PoolForward implements Freeable {
  readonly prim: Primitive;
  constructor(g: PoolGeometry) {
    const d = poolDescs(g);
    this.prim = withPrimitiveDesc(
      poolForwardDesc(d, DNNL.forwardInference),
      "pooling forward",
      (pd) => new Primitive(pd, [[DNNL.argSrc, d.src], [DNNL.argDst, d.dst]]),
    );
  }
  destroy(): void {
    this.prim.destroy();
  }
}

class PoolBackward implements Freeable {
  /** Forward in training mode (max only: it writes the workspace). */
  readonly forward?: Primitive;
  readonly backward: Primitive;
  readonly scratchY?: Float32Array;
  readonly workspace?: Uint8Array;

  constructor(g: PoolGeometry) {
    const d = poolDescs(g, true);
    const { sym } = openDnnl();
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      sym.dnnl_pooling_v2_backward_desc_init(
        op,
        d.alg,
        d.src,
        d.dst,
        d.strides,
        d.kernel,
        d.dilation,
        d.padL,
        d.padR,
      ),
      "dnnl_pooling_v2_backward_desc_init",
    );
    const built = withPrimitiveDesc(
      poolForwardDesc(d, DNNL.forwardTraining),
      "pooling forward (training)",
      (hint) => {
        const ws = queryMd(hint, DNNL.queryWorkspaceMd);
        const wsBytes = ws ? mdBytes(ws) : 0;
        const fwd = wsBytes > 0
          ? new Primitive(hint, [[DNNL.argSrc, d.src], [DNNL.argDst, d.dst], [
            DNNL.argWorkspace,
            ws!,
          ]])
          : undefined;
        try {
          const bwd = withPrimitiveDesc(op, "pooling backward", (pd) =>
            new Primitive(
              pd,
              fwd
                ? [[DNNL.argDiffDst, d.dst], [DNNL.argWorkspace, ws!], [DNNL.argDiffSrc, d.src]]
                : [[DNNL.argDiffDst, d.dst], [DNNL.argDiffSrc, d.src]],
            ), { hint });
          return { fwd, bwd, wsBytes };
        } catch (e) {
          fwd?.destroy();
          throw e;
        }
      },
    );
    this.forward = built.fwd;
    this.backward = built.bwd;
    if (built.fwd) {
      this.scratchY = new Float32Array(g.y.reduce((a, b) => a * b, 1));
      this.workspace = new Uint8Array(built.wsBytes);
    }
  }

  run(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    if (this.forward) {
      this.forward.run([x, this.scratchY!, this.workspace!]);
      this.backward.run([dy, this.workspace!, dx]);
    } else {
      this.backward.run([dy, dx]);
    }
  }

  destroy(): void {
    this.forward?.destroy();
    this.backward.destroy();
  }
}

const poolKey = (kind: string, g: PoolGeometry) =>
  `${kind}|${g.kind}|${g.x}|${g.y}|${g.kernel}|${g.strides}|${g.pads}`;

/** Max or average pooling of `x` into `y`. */
export function poolForward(
  cache: PrimitiveCache,
  g: PoolGeometry,
  bufs: { x: Float32Array; y: Float32Array },
): void {
  cache.get(poolKey("pool_fwd", g), () => new PoolForward(g)).prim.run([bufs.x, bufs.y]);
}

/** dx of max or average pooling into `dx` (`x` is the forward input; max pooling reads it). */
export function poolBackward(
  cache: PrimitiveCache,
  g: PoolGeometry,
  bufs: { x: Float32Array; dy: Float32Array; dx: Float32Array },
): void {
  cache.get(poolKey("pool_bwd", g), () => new PoolBackward(g)).run(bufs.x, bufs.dy, bufs.dx);
}

/** Across-channel LRN in TensorFlow's terms (window 2·depthRadius + 1). */
export interface LrnGeometry {
  /** [N, H, W, C] */
  x: readonly [number, number, number, number];
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

function lrnParams(g: LrnGeometry) {
  const size = 2 * g.depthRadius + 1;
  // oneDNN divides alpha by the window size; TensorFlow does not.
  return { data: memoryDesc(nchwDims(g.x), DNNL.tagNhwc), size, alpha: g.alpha * size };
}

function lrnForwardDesc(g: LrnGeometry, prop: number): Uint8Array {
  const p = lrnParams(g);
  const op = new Uint8Array(OP_DESC_BYTES);
  check(
    openDnnl().sym.dnnl_lrn_forward_desc_init(
      op,
      prop,
      DNNL.lrnAcrossChannels,
      p.data,
      BigInt(p.size),
      p.alpha,
      g.beta,
      g.bias,
    ),
    "dnnl_lrn_forward_desc_init",
  );
  return op;
}

class LrnForward implements Freeable {
  readonly prim: Primitive;
  constructor(g: LrnGeometry) {
    const { data } = lrnParams(g);
    this.prim = withPrimitiveDesc(
      lrnForwardDesc(g, DNNL.forwardInference),
      "lrn forward",
      (pd) => new Primitive(pd, [[DNNL.argSrc, data], [DNNL.argDst, data]]),
    );
  }
  destroy(): void {
    this.prim.destroy();
  }
}

class LrnBackward implements Freeable {
  readonly forward?: Primitive;
  readonly backward: Primitive;
  readonly scratchY: Float32Array;
  readonly workspace?: Uint8Array;

  constructor(g: LrnGeometry) {
    const p = lrnParams(g);
    const { sym } = openDnnl();
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      sym.dnnl_lrn_backward_desc_init(
        op,
        DNNL.lrnAcrossChannels,
        p.data,
        p.data,
        BigInt(p.size),
        p.alpha,
        g.beta,
        g.bias,
      ),
      "dnnl_lrn_backward_desc_init",
    );
    const built = withPrimitiveDesc(
      lrnForwardDesc(g, DNNL.forwardTraining),
      "lrn forward",
      (hint) => {
        const ws = queryMd(hint, DNNL.queryWorkspaceMd);
        const wsBytes = ws ? mdBytes(ws) : 0;
        const fwd = wsBytes > 0
          ? new Primitive(hint, [[DNNL.argSrc, p.data], [DNNL.argDst, p.data], [
            DNNL.argWorkspace,
            ws!,
          ]])
          : undefined;
        try {
          const bwd = withPrimitiveDesc(op, "lrn backward", (pd) =>
            new Primitive(
              pd,
              fwd
                ? [[DNNL.argSrc, p.data], [DNNL.argDiffDst, p.data], [DNNL.argWorkspace, ws!], [
                  DNNL.argDiffSrc,
                  p.data,
                ]]
                : [[DNNL.argSrc, p.data], [DNNL.argDiffDst, p.data], [DNNL.argDiffSrc, p.data]],
            ), { hint });
          return { fwd, bwd, wsBytes };
        } catch (e) {
          fwd?.destroy();
          throw e;
        }
      },
    );
    this.forward = built.fwd;
    this.backward = built.bwd;
    this.scratchY = new Float32Array(built.fwd ? g.x.reduce((a, b) => a * b, 1) : 0);
    if (built.fwd) this.workspace = new Uint8Array(built.wsBytes);
  }

  run(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    if (this.forward) {
      this.forward.run([x, this.scratchY, this.workspace!]);
      this.backward.run([x, dy, this.workspace!, dx]);
    } else {
      this.backward.run([x, dy, dx]);
    }
  }

  destroy(): void {
    this.forward?.destroy();
    this.backward.destroy();
  }
}

const lrnKey = (kind: string, g: LrnGeometry) =>
  `${kind}|${g.x}|${g.depthRadius}|${g.bias}|${g.alpha}|${g.beta}`;

/** Across-channel LRN of `x` into `y`. */
export function lrnForward(
  cache: PrimitiveCache,
  g: LrnGeometry,
  bufs: { x: Float32Array; y: Float32Array },
): void {
  cache.get(lrnKey("lrn_fwd", g), () => new LrnForward(g)).prim.run([bufs.x, bufs.y]);
}

/** dx of across-channel LRN into `dx`. */
export function lrnBackward(
  cache: PrimitiveCache,
  g: LrnGeometry,
  bufs: { x: Float32Array; dy: Float32Array; dx: Float32Array },
): void {
  cache.get(lrnKey("lrn_bwd", g), () => new LrnBackward(g)).run(bufs.x, bufs.dy, bufs.dx);
}
