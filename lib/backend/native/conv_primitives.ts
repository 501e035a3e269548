/**
 * oneDNN convolutions on TensorFlow.js layouts: NHWC activations and HWIO filters, read and
 * written in place. Forward (with optional bias and ReLU post-op), backward data and backward
 * weights. Weights are handed to oneDNN in the layout it prefers ("any" format): the HWIO filter is
 * reordered into a scratch buffer before the forward and backward-data runs, and the filter
 * gradient is reordered back to HWIO — measured faster than making oneDNN read HWIO directly
 * (which picks a slower implementation), see bench/model.ts.
 * @module
 */
import {
  check,
  dimsOf,
  DNNL,
  mdBytes,
  mdEqual,
  memoryDesc,
  OP_DESC_BYTES,
  openDnnl,
} from "./dnnl.ts";
import {
  type Freeable,
  Primitive,
  type PrimitiveCache,
  reorderPrimitive,
  withPrimitiveDesc,
} from "./primitive_cache.ts";
import { queryMd } from "./dnnl.ts";

/** Geometry of one NHWC/HWIO convolution. */
export interface ConvGeometry {
  /** [N, H, W, C] */
  x: readonly [number, number, number, number];
  /** [KH, KW, CI, CO] */
  filter: readonly [number, number, number, number];
  /** [N, OH, OW, CO] */
  y: readonly [number, number, number, number];
  /** [strideH, strideW] */
  strides: readonly [number, number];
  /** [top, left, bottom, right] */
  pads: readonly [number, number, number, number];
  /**
   * Depthwise (TensorFlow's DepthwiseConv2dNative): `filter` is [KH, KW, C, M] and `y` has C·M
   * channels, run as a grouped convolution with C groups.
   */
  depthwise?: boolean;
}

/** Where a convolution's weights live: oneDNN's preferred layout, or HWIO read directly. */
export type WeightsLayout = "any" | "hwio";

let weightsLayout: WeightsLayout = "any";

/** Chooses how weights are handed to oneDNN (for measurement; default "any"). */
export function setWeightsLayout(layout: WeightsLayout): void {
  weightsLayout = layout;
}

function descs(g: ConvGeometry, layout: WeightsLayout) {
  const [n, h, w, c] = g.x;
  const [kh, kw, ci, co] = g.filter;
  const [, oh, ow, yc] = g.y;
  // Depthwise: groups C, each 1 input channel to M outputs; [KH, KW, C, M] is hwigo with i = 1.
  const wDims = g.depthwise ? [ci, co, 1, kh, kw] : [co, ci, kh, kw];
  const wTag = g.depthwise ? DNNL.tagHwigo : DNNL.tagHwio;
  return {
    src: memoryDesc([n, c, h, w], DNNL.tagNhwc),
    dst: memoryDesc([n, yc, oh, ow], DNNL.tagNhwc),
    userWeights: memoryDesc(wDims, wTag),
    weights: memoryDesc(wDims, layout === "any" ? DNNL.tagAny : wTag),
    bias: memoryDesc([yc], DNNL.tagA),
    strides: dimsOf(g.strides),
    padL: dimsOf([g.pads[0], g.pads[1]]),
    padR: dimsOf([g.pads[2], g.pads[3]]),
  };
}

function forwardDesc(d: ReturnType<typeof descs>, withBias: boolean): Uint8Array {
  const op = new Uint8Array(OP_DESC_BYTES);
  check(
    openDnnl().sym.dnnl_convolution_forward_desc_init(
      op,
      DNNL.forwardTraining,
      DNNL.convolutionDirect,
      d.src,
      d.weights,
      withBias ? d.bias : new Uint8Array(768),
      d.dst,
      d.strides,
      d.padL,
      d.padR,
    ),
    "dnnl_convolution_forward_desc_init",
  );
  return op;
}

/** The weights as the primitive wants them: HWIO itself, or a reorder into a scratch buffer. */
class WeightsAdapter implements Freeable {
  readonly reorder?: Primitive;
  readonly scratch?: Float32Array;

  constructor(user: Uint8Array, wanted: Uint8Array, toUser: boolean) {
    if (!mdEqual(user, wanted)) {
      this.reorder = toUser ? reorderPrimitive(wanted, user) : reorderPrimitive(user, wanted);
      this.scratch = new Float32Array(mdBytes(wanted) / 4);
    }
  }

  destroy(): void {
    this.reorder?.destroy();
  }
}

const key = (kind: string, g: ConvGeometry, extra = "") =>
  `${kind}|${g.x}|${g.filter}|${g.y}|${g.strides}|${g.pads}|${!!g.depthwise}|${weightsLayout}|` +
  extra;

/** Forward convolution with optional bias and ReLU. */
class ConvForward implements Freeable {
  readonly prim: Primitive;
  readonly weights: WeightsAdapter;
  readonly withBias: boolean;

  constructor(g: ConvGeometry, withBias: boolean, relu: boolean) {
    const d = descs(g, weightsLayout);
    const { sym } = openDnnl();
    const out = new BigUint64Array(1);
    let attr: Deno.PointerValue = null;
    let postOps: Deno.PointerValue = null;
    if (relu) {
      check(sym.dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create");
      attr = Deno.UnsafePointer.create(out[0]);
      check(sym.dnnl_post_ops_create(out), "dnnl_post_ops_create");
      postOps = Deno.UnsafePointer.create(out[0]);
      check(sym.dnnl_post_ops_append_eltwise(postOps, 1, DNNL.eltwiseRelu, 0, 0), "post-op relu");
      check(sym.dnnl_primitive_attr_set_post_ops(attr, postOps), "set post-ops");
    }
    try {
      this.withBias = withBias;
      [this.prim, this.weights] = withPrimitiveDesc(
        forwardDesc(d, withBias),
        "convolution forward",
        (pd) => {
          const wmd = queryMd(pd, DNNL.queryWeightsMd)!;
          const args: [number, Uint8Array][] = [
            [DNNL.argSrc, d.src],
            [DNNL.argWeights, wmd],
            [DNNL.argDst, d.dst],
          ];
          if (withBias) args.push([DNNL.argBias, d.bias]);
          return [new Primitive(pd, args), new WeightsAdapter(d.userWeights, wmd, false)];
        },
        { attr },
      );
    } finally {
      if (postOps) sym.dnnl_post_ops_destroy(postOps);
      if (attr) sym.dnnl_primitive_attr_destroy(attr);
    }
  }

  run(x: Float32Array, filter: Float32Array, y: Float32Array, bias?: Float32Array): void {
    let w = filter;
    if (this.weights.reorder) {
      this.weights.reorder.run([filter, this.weights.scratch!]);
      w = this.weights.scratch!;
    }
    this.prim.run(this.withBias ? [x, w, y, bias!] : [x, w, y]);
  }

  destroy(): void {
    this.prim.destroy();
    this.weights.destroy();
  }
}

/** Input gradient of a convolution. */
class ConvBackwardData implements Freeable {
  readonly prim: Primitive;
  readonly weights: WeightsAdapter;

  constructor(g: ConvGeometry) {
    const d = descs(g, weightsLayout);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      openDnnl().sym.dnnl_convolution_backward_data_desc_init(
        op,
        DNNL.convolutionDirect,
        d.src,
        d.weights,
        d.dst,
        d.strides,
        d.padL,
        d.padR,
      ),
      "dnnl_convolution_backward_data_desc_init",
    );
    [this.prim, this.weights] = withPrimitiveDesc(
      forwardDesc(d, false),
      "convolution forward (hint)",
      (hint) =>
        withPrimitiveDesc(op, "convolution backward data", (pd) => {
          const wmd = queryMd(pd, DNNL.queryWeightsMd)!;
          return [
            new Primitive(pd, [
              [DNNL.argDiffDst, d.dst],
              [DNNL.argWeights, wmd],
              [DNNL.argDiffSrc, d.src],
            ]),
            new WeightsAdapter(d.userWeights, wmd, false),
          ] as const;
        }, { hint }),
    );
  }

  run(dy: Float32Array, filter: Float32Array, dx: Float32Array): void {
    let w = filter;
    if (this.weights.reorder) {
      this.weights.reorder.run([filter, this.weights.scratch!]);
      w = this.weights.scratch!;
    }
    this.prim.run([dy, w, dx]);
  }

  destroy(): void {
    this.prim.destroy();
    this.weights.destroy();
  }
}

/** Filter gradient of a convolution (and, `withBias`, the bias gradient in the same pass). */
class ConvBackwardWeights implements Freeable {
  readonly prim: Primitive;
  readonly weights: WeightsAdapter;

  constructor(g: ConvGeometry, readonly withBias = false) {
    const d = descs(g, weightsLayout);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      openDnnl().sym.dnnl_convolution_backward_weights_desc_init(
        op,
        DNNL.convolutionDirect,
        d.src,
        d.weights,
        withBias ? d.bias : new Uint8Array(768),
        d.dst,
        d.strides,
        d.padL,
        d.padR,
      ),
      "dnnl_convolution_backward_weights_desc_init",
    );
    [this.prim, this.weights] = withPrimitiveDesc(
      forwardDesc(d, withBias),
      "convolution forward (hint)",
      (hint) =>
        withPrimitiveDesc(op, "convolution backward weights", (pd) => {
          const wmd = queryMd(pd, DNNL.queryDiffWeightsMd)!;
          return [
            new Primitive(pd, [
              [DNNL.argSrc, d.src],
              [DNNL.argDiffDst, d.dst],
              [DNNL.argDiffWeights, wmd],
              ...(withBias ? [[DNNL.argDiffBias, d.bias] as [number, Uint8Array]] : []),
            ]),
            new WeightsAdapter(d.userWeights, wmd, true),
          ] as const;
        }, { hint }),
    );
  }

  run(x: Float32Array, dy: Float32Array, dw: Float32Array, db?: Float32Array): void {
    const bias = this.withBias ? [db!] : [];
    if (this.weights.reorder) {
      this.prim.run([x, dy, this.weights.scratch!, ...bias]);
      this.weights.reorder.run([this.weights.scratch!, dw]);
    } else {
      this.prim.run([x, dy, dw, ...bias]);
    }
  }

  destroy(): void {
    this.prim.destroy();
    this.weights.destroy();
  }
}

/** y = relu?(conv(x, filter) + bias?) into `y`, with the primitive from `cache`. */
export function convForward(
  cache: PrimitiveCache,
  g: ConvGeometry,
  bufs: { x: Float32Array; filter: Float32Array; y: Float32Array; bias?: Float32Array },
  relu = false,
): void {
  const withBias = bufs.bias != null;
  cache.get(key("fwd", g, `${withBias}|${relu}`), () => new ConvForward(g, withBias, relu))
    .run(bufs.x, bufs.filter, bufs.y, bufs.bias);
}

/** dx of a convolution into `dx`. */
export function convBackwardData(
  cache: PrimitiveCache,
  g: ConvGeometry,
  bufs: { dy: Float32Array; filter: Float32Array; dx: Float32Array },
): void {
  cache.get(key("bwd_data", g), () => new ConvBackwardData(g)).run(bufs.dy, bufs.filter, bufs.dx);
}

/** dFilter (HWIO) of a convolution into `dw`, and with `db` its bias gradient in the same pass. */
export function convBackwardWeights(
  cache: PrimitiveCache,
  g: ConvGeometry,
  bufs: { x: Float32Array; dy: Float32Array; dw: Float32Array; db?: Float32Array },
): void {
  const withBias = bufs.db != null;
  cache.get(key("bwd_w", g, withBias ? "bias" : ""), () => new ConvBackwardWeights(g, withBias))
    .run(bufs.x, bufs.dy, bufs.dw, bufs.db);
}

/** The implementation names oneDNN picks for a geometry (forward, data, weights). */
export function convImplementations(cache: PrimitiveCache, g: ConvGeometry): string[] {
  return [
    cache.get(key("fwd", g, "false|false"), () => new ConvForward(g, false, false)).prim.impl,
    cache.get(key("bwd_data", g), () => new ConvBackwardData(g)).prim.impl,
    cache.get(key("bwd_w", g), () => new ConvBackwardWeights(g)).prim.impl,
  ];
}
