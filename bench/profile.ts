/**
 * `deno task bench profile [--backend wasm|native|cpu] [--model nn2] [--size 96] [--batch 32]
 *  [--steps 3] [--top 25] [--by kernel|caller|shape]`
 *
 * Where a training step's time goes, kernel by kernel. Every kernel of the backend is wrapped by a
 * timer for the run (and restored after it); a kernel that calls other kernels (the toolkit's
 * training kernels are built from tfjs ops) is charged only its own time ("self"), its callees
 * theirs, so the shares add up to the step. Each kernel call is tagged with the phase it ran in:
 * forward (the model and the loss, inside `tf.variableGrads`' function), backward (the gradients)
 * or update (the SGD step). Kernels that run on the cpu backend because the backend lacks them
 * (the toolkit's cpu fallback on wasm, which copies inputs and outputs) are flagged "cpu fallback".
 *
 * `--by caller` keys each row by kernel and the kernel that called it ("Conv2D in
 * Conv2DBackpropFilter"), `--by shape` by kernel, input shapes and strides.
 *
 * The training step is the one `deno task bench model` times: forward in training mode,
 * loss = mean(square(embedding)), gradients of every weight, SGD update. One warm-up step runs
 * first (kernel set-up, weight allocation), untimed; then `--steps` profiled steps. A forward pass
 * (inference, `model.predict`) is timed as many times, unwrapped, so the step's cost is also given
 * as an equivalent number of forward passes (about 3 is what a well-balanced backward gives).
 * The timers add about a microsecond per kernel call; the step time printed is the wrapped one.
 *
 * Prints the backend summary, the load average, a table by kernel (self ms per step, share, calls,
 * phase split), the forward/backward/update split, and as its last line one JSON object
 * (`stepMs`, `forwardMs`, `forwardPasses`, `phases`, `kernels` sorted by share).
 *
 * @example
 * ```ts
 * import benchProfile from "./profile.ts";
 * await benchProfile(["--backend", "cpu", "--model", "tiny", "--size", "32", "--batch", "2", "--steps", "1"]);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "@std/cli";
import { type BackendPreference, cpuFallbackKernelNames, initBackend } from "../lib/backend/mod.ts";
import { createModel, disposeModel, type ModelName } from "../lib/model/mod.ts";
import { numberFlag, UsageError } from "../lib/cli/mod.ts";

type Phase = "forward" | "backward" | "update";
const PHASES: Phase[] = ["forward", "backward", "update"];

/** Time and calls of one kernel name, per phase. */
interface KernelStat {
  name: string;
  ms: Record<Phase, number>;
  calls: Record<Phase, number>;
  /**
   * Floating-point operations of the calls that computed them (convolutions and matrix products;
   * not those that delegated to other kernels).
   */
  flops: number;
  fallback: boolean;
}

/** 2 × multiply-adds of a convolution or matrix product kernel call, else 0. */
function flopsOf(
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
  out: tf.TensorInfo | tf.TensorInfo[],
) {
  const y = Array.isArray(out) ? out[0] : out;
  const size = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  if (name === "Conv2D" || name === "FusedConv2D") {
    const [kh, kw, ci] = inputs.filter!.shape;
    return 2 * size(y) * kh * kw * ci;
  }
  if (name === "Conv2DBackpropFilter") {
    // The forward convolution's count: dy's size times the taps and input channels.
    const [kh, kw, ci] = attrs!.filterShape as number[];
    return 2 * size(inputs.dy!) * kh * kw * ci;
  }
  if (name === "BatchMatMul" || name === "_FusedMatMul") {
    const a = inputs.a!.shape;
    const k = attrs?.transposeA ? a[a.length - 2] : a[a.length - 1];
    return 2 * size(y) * k;
  }
  return 0;
}

/** How {@link instrument} groups kernel calls. */
type GroupBy = "kernel" | "caller" | "shape";

function shapeKey(inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap): string {
  const shapes = Object.values(inputs).filter((t) => t != null).map((t) => t.shape.join("x"));
  const s = attrs?.strides;
  const stride = s == null ? "" : ` s${Array.isArray(s) ? s.join("x") : s}`;
  return `${shapes.join(",")}${stride}`;
}

/** Wraps every kernel of `backendName` with a self-time timer; returns the stats and an undo. */
function instrument(backendName: string, fallback: Set<string>, by: GroupBy) {
  const stats = new Map<string, KernelStat>();
  const state = { phase: "forward" as Phase, on: false };
  const stack: number[] = []; // child time accumulated per open frame
  const childCalls: number[] = []; // kernel calls made by each open frame
  const callers: string[] = [];
  const originals = tf.getKernelsForBackend(backendName);
  for (const k of originals) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
        if (!state.on) return inner(args);
        stack.push(0);
        childCalls.push(0);
        if (childCalls.length > 1) childCalls[childCalls.length - 2]++;
        const key = by === "kernel"
          ? k.kernelName
          : by === "caller"
          ? (callers.length ? `${k.kernelName} in ${callers.at(-1)}` : k.kernelName)
          : `${k.kernelName} ${shapeKey(args.inputs, args.attrs)}`;
        callers.push(k.kernelName);
        const t0 = performance.now();
        let out: tf.TensorInfo | tf.TensorInfo[] | undefined;
        try {
          out = inner(args);
          return out;
        } finally {
          const total = performance.now() - t0;
          callers.pop();
          const children = stack.pop()!;
          const calledOthers = childCalls.pop()! > 0;
          if (stack.length > 0) stack[stack.length - 1] += total;
          let s = stats.get(key);
          if (!s) {
            s = {
              name: key,
              ms: { forward: 0, backward: 0, update: 0 },
              calls: { forward: 0, backward: 0, update: 0 },
              flops: 0,
              fallback: fallback.has(k.kernelName),
            };
            stats.set(key, s);
          }
          s.ms[state.phase] += total - children;
          s.calls[state.phase]++;
          // Only a kernel that computed the product itself is credited with its FLOPs.
          if (out && !calledOthers) s.flops += flopsOf(k.kernelName, args.inputs, args.attrs, out);
        }
      }) as tf.KernelFunc,
    });
  }
  const restore = () => {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    }
  };
  return { stats, state, restore };
}

const loadAverage = () => {
  try {
    return Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
  } catch {
    return "unknown";
  }
};

const BACKENDS = ["wasm", "native", "cpu"];

/** Runs the profile; `args` are the flags after `deno task bench profile`. */
export default async function benchProfile(args: string[]): Promise<void> {
  const flags = parseArgs(args, {
    string: ["backend", "model", "size", "batch", "steps", "top", "by"],
    default: { backend: "wasm", model: "nn2", by: "kernel" },
  });
  const by = String(flags.by) as GroupBy;
  if (!["kernel", "caller", "shape"].includes(by)) {
    throw new UsageError(`bench profile: --by must be kernel, caller or shape, got '${by}'`);
  }
  const backend = String(flags.backend);
  if (!BACKENDS.includes(backend)) {
    throw new UsageError(`bench profile: --backend must be one of ${BACKENDS.join(", ")}`);
  }
  const command = "bench profile";
  const size = numberFlag(flags, "size", { fallback: 96, command });
  const batch = numberFlag(flags, "batch", { fallback: 32, command });
  const steps = numberFlag(flags, "steps", { fallback: 3, command });
  const top = numberFlag(flags, "top", { fallback: 25, command });
  for (
    const [k, v] of [["size", size], ["batch", batch], ["steps", steps], ["top", top]] as const
  ) {
    if (!Number.isInteger(v) || v < 1) {
      throw new UsageError(`bench profile: --${k} must be a positive integer, got ${v}`);
    }
  }
  const modelName = String(flags.model) as ModelName;
  const choice = await initBackend(backend as BackendPreference);
  console.log(choice.summary);
  const loadStart = loadAverage();
  const model = createModel(modelName, { inputSize: size, seed: 1 });
  const x = tf.randomUniform([batch, size, size, 3], -1, 1, "float32", 2);
  const opt = tf.train.sgd(1e-3);
  const fallback = new Set(
    choice.name === "wasm" || choice.name === "cpu" ? cpuFallbackKernelNames(choice.name) : [],
  );
  const prof = instrument(choice.name, fallback, by);
  const step = async () => {
    prof.state.phase = "forward";
    const { value, grads } = tf.variableGrads(() => {
      prof.state.phase = "forward";
      const loss = tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor));
      prof.state.phase = "backward";
      return loss as tf.Scalar;
    });
    prof.state.phase = "update";
    opt.applyGradients(grads);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const forward = async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  let stepMs = 0;
  let forwardMs = 0;
  try {
    await step(); // warm-up
    await forward();
    prof.state.on = true;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    stepMs = (performance.now() - t0) / steps;
    prof.state.on = false;
    const t1 = performance.now();
    for (let i = 0; i < steps; i++) await forward();
    forwardMs = (performance.now() - t1) / steps;
  } finally {
    prof.state.on = false;
    prof.restore();
    x.dispose();
    opt.dispose();
    disposeModel(model);
  }
  const loadEnd = loadAverage();
  const stats = [...prof.stats.values()];
  const sumMs = (s: KernelStat) => PHASES.reduce((a, p) => a + s.ms[p], 0) / steps;
  const sumCalls = (s: KernelStat) => PHASES.reduce((a, p) => a + s.calls[p], 0) / steps;
  stats.sort((a, b) => sumMs(b) - sumMs(a));
  const kernelMs = stats.reduce((a, s) => a + sumMs(s), 0);
  const phaseMs = Object.fromEntries(
    PHASES.map((p) => [p, stats.reduce((a, s) => a + s.ms[p], 0) / steps]),
  ) as Record<Phase, number>;
  const pct = (v: number) => `${(100 * v / stepMs).toFixed(1)}%`;
  const head = [
    "kernel",
    "ms/step",
    "share",
    "calls",
    "fwd ms",
    "bwd ms",
    "upd ms",
    "GFLOP/s",
    "note",
  ];
  const gflops = (s: KernelStat) => s.flops > 0 ? s.flops / steps / sumMs(s) / 1e6 : undefined;
  const body = stats.slice(0, top).map((s) => [
    s.name,
    sumMs(s).toFixed(1),
    pct(sumMs(s)),
    sumCalls(s).toFixed(0),
    (s.ms.forward / steps).toFixed(1),
    (s.ms.backward / steps).toFixed(1),
    (s.ms.update / steps).toFixed(1),
    gflops(s)?.toFixed(1) ?? "",
    s.fallback ? "cpu fallback" : "",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 8 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  console.log(
    `\n${modelName} @ ${size}, batch ${batch}, ${choice.name}: training step ${
      stepMs.toFixed(0)
    } ms (${(batch * 1000 / stepMs).toFixed(1)} img/s), forward ${forwardMs.toFixed(0)} ms ` +
      `(${(batch * 1000 / forwardMs).toFixed(1)} img/s): the step costs ${
        (stepMs / forwardMs).toFixed(2)
      } forward passes; mean of ${steps} step${steps === 1 ? "" : "s"} after a warm-up`,
  );
  console.log(
    `phases: ` + PHASES.map((p) => `${p} ${phaseMs[p].toFixed(0)} ms (${pct(phaseMs[p])})`)
      .join(", ") +
      `; outside kernels ${(stepMs - kernelMs).toFixed(0)} ms (${pct(stepMs - kernelMs)})`,
  );
  const fallbackMs = stats.filter((s) => s.fallback).reduce((a, s) => a + sumMs(s), 0);
  console.log(
    `cpu fallback kernels: ${
      stats.filter((s) => s.fallback).map((s) => s.name).join(", ") || "none"
    } (${fallbackMs.toFixed(1)} ms, ${pct(fallbackMs)})`,
  );
  console.log(line(head));
  console.log(w.map((n) => "-".repeat(n)).join("  "));
  for (const b of body) console.log(line(b));
  if (stats.length > top) {
    console.log(`(${stats.length - top} more kernels below ${pct(sumMs(stats[top]))})`);
  }
  console.log(`load average: ${loadStart} at start, ${loadEnd} at end`);
  const r = (v: number) => +v.toFixed(3);
  console.log(JSON.stringify({
    backend: choice.name,
    threads: choice.threads ?? null,
    model: modelName,
    size,
    batch,
    steps,
    stepMs: r(stepMs),
    forwardMs: r(forwardMs),
    forwardPasses: r(stepMs / forwardMs),
    imagesPerSecond: r(batch * 1000 / stepMs),
    phases: Object.fromEntries(PHASES.map((p) => [p, r(phaseMs[p])])),
    outsideKernelsMs: r(stepMs - kernelMs),
    loadStart,
    loadEnd,
    kernels: stats.map((s) => ({
      name: s.name,
      ms: r(sumMs(s)),
      share: r(sumMs(s) / stepMs),
      calls: sumCalls(s),
      forwardMs: r(s.ms.forward / steps),
      backwardMs: r(s.ms.backward / steps),
      updateMs: r(s.ms.update / steps),
      gflops: gflops(s) == null ? null : r(gflops(s)!),
      cpuFallback: s.fallback,
    })),
  }));
}
