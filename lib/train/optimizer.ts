/**
 * Optimisers with explicit, serialisable state: AdaGrad (FaceNet's, lr 0.05), Adam, SGD and SGD with
 * momentum. The learning rate is passed per step (so schedules need no mutation of tfjs internals),
 * and the state is a list of named float arrays, so checkpoints resume bit-exactly.
 *
 * Update rules (g: gradient, w: weight, lr: learning rate of this step):
 * - adagrad: a ← a + g²; w ← w − lr·g/√(a + ε)  (a starts at `initialAccumulator`, 0.1 as in tfjs/TF)
 * - adam: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; w ← w − lr·m̂/(√v̂ + ε) (bias-corrected)
 * - sgd: w ← w − lr·g;  momentum: u ← μ u + g; w ← w − lr·u (nesterov optional)
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createOptimizer } from "./optimizer.ts";
 * const w = tf.variable(tf.tensor1d([1, 2]), true, "w");
 * const opt = createOptimizer("adagrad");
 * const g = tf.tensor1d([0.5, -0.5]);
 * opt.apply([w], { w: g }, 0.05);
 * g.dispose();
 * opt.dispose();
 * w.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Optimiser names offered by {@link createOptimizer}. */
export type OptimizerName = "adagrad" | "adam" | "sgd" | "momentum";

/** Every optimiser name, in a stable order. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ["adagrad", "adam", "sgd", "momentum"];

/** Options of {@link createOptimizer}. */
export interface OptimizerOptions {
  /** AdaGrad's starting accumulator. Default 0.1 (TensorFlow's). */
  initialAccumulator?: number;
  /** Numerical ε. Default 1e-7 (adagrad), 1e-8 (adam). */
  epsilon?: number;
  /** Adam β1. Default 0.9. */
  beta1?: number;
  /** Adam β2. Default 0.999. */
  beta2?: number;
  /** Momentum μ for "momentum" (and "sgd" when > 0). Default 0.9 for "momentum", 0 for "sgd". */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/** A saved optimiser state: step count and per-variable slots, as plain arrays. */
export interface OptimizerState {
  name: OptimizerName;
  iterations: number;
  slots: { variable: string; slot: string; shape: number[]; values: Float32Array }[];
}

/** An optimiser whose learning rate is given at each update. */
export interface Optimizer {
  readonly name: OptimizerName;
  /** Number of updates applied so far. */
  readonly iterations: number;
  /** Applies one update to `variables` from `grads` (keyed by variable name) at learning rate `lr`. */
  apply(variables: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number): void;
  /** Reads the state (async: tensors are read with `data()`). */
  getState(): Promise<OptimizerState>;
  /** Restores a state saved by {@link Optimizer.getState} (replaces slots). */
  setState(state: OptimizerState): void;
  /** Frees the slot variables. */
  dispose(): void;
}

const SLOTS: Record<OptimizerName, string[]> = {
  adagrad: ["accumulator"],
  adam: ["m", "v"],
  sgd: ["velocity"],
  momentum: ["velocity"],
};

/**
 * Creates an optimiser.
 *
 * @example
 * ```ts
 * import { createOptimizer } from "./optimizer.ts";
 * const opt = createOptimizer("adam", { beta1: 0.9 });
 * console.assert(opt.name === "adam");
 * opt.dispose();
 * ```
 */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions = {}): Optimizer {
  if (!(name in SLOTS)) {
    throw new Error(
      `createOptimizer: unknown optimizer '${name}'; expected one of ${
        Object.keys(SLOTS).join(", ")
      }`,
    );
  }
  const eps = options.epsilon ?? (name === "adam" ? 1e-8 : 1e-7);
  const init = options.initialAccumulator ?? 0.1;
  const beta1 = options.beta1 ?? 0.9, beta2 = options.beta2 ?? 0.999;
  const mu = options.momentum ?? (name === "momentum" ? 0.9 : 0);
  const nesterov = options.nesterov ?? false;
  const slots = new Map<string, tf.Variable>(); // key: `${variable}\u0000${slot}`
  let iterations = 0;

  const slot = (v: tf.Variable, s: string): tf.Variable => {
    const key = `${v.name}\u0000${s}`;
    let t = slots.get(key);
    if (!t) {
      t = tf.tidy(() =>
        tf.variable(
          name === "adagrad" ? tf.fill(v.shape, init) : tf.zerosLike(v),
          false,
        )
      );
      slots.set(key, t);
    }
    return t;
  };

  return {
    name,
    get iterations() {
      return iterations;
    },
    apply(variables, grads, lr) {
      iterations++;
      const t = iterations;
      tf.tidy(() => {
        for (const v of variables) {
          const g = grads[v.name];
          if (!g) continue;
          switch (name) {
            case "adagrad": {
              const a = slot(v, "accumulator");
              const na = a.add(g.square());
              a.assign(na);
              v.assign(v.sub(g.mul(lr).div(na.add(eps).sqrt())));
              break;
            }
            case "adam": {
              const m = slot(v, "m"), s = slot(v, "v");
              const nm = m.mul(beta1).add(g.mul(1 - beta1));
              const ns = s.mul(beta2).add(g.square().mul(1 - beta2));
              m.assign(nm);
              s.assign(ns);
              const mh = nm.div(1 - Math.pow(beta1, t));
              const vh = ns.div(1 - Math.pow(beta2, t));
              v.assign(v.sub(mh.mul(lr).div(vh.sqrt().add(eps))));
              break;
            }
            case "sgd":
            case "momentum": {
              if (mu === 0) {
                v.assign(v.sub(g.mul(lr)));
                break;
              }
              const u = slot(v, "velocity");
              const nu = u.mul(mu).add(g);
              u.assign(nu);
              const step = nesterov ? g.add(nu.mul(mu)) : nu;
              v.assign(v.sub(step.mul(lr)));
              break;
            }
            default: {
              const never: never = name;
              throw new Error(`optimizer: unhandled '${never}'`);
            }
          }
        }
      });
    },
    async getState() {
      const out: OptimizerState["slots"] = [];
      for (
        const [key, t] of [...slots.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      ) {
        const [variable, s] = key.split("\u0000");
        out.push({
          variable,
          slot: s,
          shape: [...t.shape],
          values: (await t.data()) as Float32Array,
        });
      }
      return { name, iterations, slots: out };
    },
    setState(state) {
      if (state.name !== name) {
        throw new Error(
          `optimizer.setState: state is for '${state.name}', this optimizer is '${name}'`,
        );
      }
      for (const t of slots.values()) t.dispose();
      slots.clear();
      iterations = state.iterations;
      for (const s of state.slots) {
        const key = `${s.variable}\u0000${s.slot}`;
        slots.set(key, tf.tidy(() => tf.variable(tf.tensor(s.values, s.shape, "float32"), false)));
      }
    },
    dispose() {
      for (const t of slots.values()) t.dispose();
      slots.clear();
    },
  };
}
