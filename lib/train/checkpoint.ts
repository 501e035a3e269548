/**
 * Checkpoints: model weights, optimiser state, RNG/loader state and step, written atomically.
 *
 * Layout: `<dir>/step-<NNNNNNNN>/{state.json, weights.bin}` and `<dir>/latest.json` naming the
 * newest complete checkpoint. A checkpoint is written into a temporary folder and renamed into
 * place, then `latest.json` is replaced by rename, so an interrupted write (or a run stopped by the
 * NaN guard) never damages the last good checkpoint.
 *
 * Optimiser slots are stored by the index of their variable among the model's trainable weights,
 * not by tfjs variable name (names get process-dependent suffixes), so a checkpoint restores into a
 * freshly built model of the same architecture.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
 * const dir = await Deno.makeTempDir();
 * await saveCheckpoint(dir, { model, step: 3, extra: { rng: 7 } });
 * const ck = await loadCheckpoint(dir);
 * console.assert(ck?.step === 3);
 * await Deno.remove(dir, { recursive: true });
 * model.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Optimizer, OptimizerState } from "./optimizer.ts";
import { exists } from "../fs/mod.ts";

/** What a checkpoint holds after {@link loadCheckpoint}. */
export interface Checkpoint {
  /** Folder of this checkpoint. */
  path: string;
  step: number;
  /** Model weights in `model.weights` order. */
  weights: { name: string; shape: number[]; values: Float32Array }[];
  /** Extra trained variables (see {@link SaveCheckpointOptions.variables}). */
  variables: { name: string; shape: number[]; values: Float32Array }[];
  /** Optimiser state with slots keyed by trainable-weight index ("3"; extra variables "x0"). */
  optimizer?: OptimizerState;
  /** Free-form JSON state (rng, loader, metrics summary, config). */
  extra: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  model: tf.LayersModel;
  step: number;
  optimizer?: Optimizer;
  /** Variables outside the model that are trained too (e.g. ArcFace class weights), saved in order. */
  variables?: tf.Variable[];
  extra?: Record<string, unknown>;
  /** How many checkpoints to keep (oldest removed). Default 2. */
  keep?: number;
}

const stepDir = (step: number) => `step-${String(step).padStart(8, "0")}`;

/** Writes a text file atomically (temp file + rename in the same folder). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/**
 * Saves a checkpoint of `model` (and optimiser) at `step` into `dir`; returns its folder.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { saveCheckpoint } from "./checkpoint.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
 * const dir = await Deno.makeTempDir();
 * const path = await saveCheckpoint(dir, { model, step: 1 });
 * console.assert(path.endsWith("step-00000001"));
 * await Deno.remove(dir, { recursive: true });
 * model.dispose();
 * ```
 */
export async function saveCheckpoint(dir: string, options: SaveCheckpointOptions): Promise<string> {
  const { model, step } = options;
  await Deno.mkdir(dir, { recursive: true });
  const trainable = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const extraVars = options.variables ?? [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const weights = [];
  for (const w of model.weights) {
    const values = (await w.read().data()) as Float32Array;
    weights.push({ name: w.name, shape: [...w.shape] as number[], offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  }
  const variables = [];
  for (const v of extraVars) {
    const values = (await v.data()) as Float32Array;
    variables.push({ name: v.name, shape: [...v.shape], offset, length: values.length });
    chunks.push(values);
    offset += values.length;
  }
  let optimizer: Record<string, unknown> | undefined;
  if (options.optimizer) {
    const st = await options.optimizer.getState();
    const slots = [];
    for (const s of st.slots) {
      const mi = trainable.indexOf(s.variable);
      const xi = extraVars.findIndex((v) => v.name === s.variable);
      const index = mi >= 0 ? String(mi) : xi >= 0 ? `x${xi}` : undefined;
      if (index === undefined) {
        throw new Error(`saveCheckpoint: optimizer slot for unknown variable '${s.variable}'`);
      }
      slots.push({
        variable: index,
        slot: s.slot,
        shape: s.shape,
        offset,
        length: s.values.length,
      });
      chunks.push(s.values);
      offset += s.values.length;
    }
    optimizer = { name: st.name, iterations: st.iterations, slots };
  }
  const bin = new Float32Array(offset);
  let o = 0;
  for (const c of chunks) {
    bin.set(c, o);
    o += c.length;
  }
  const final = `${dir}/${stepDir(step)}`;
  const tmp = `${final}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(tmp, { recursive: true });
  await Deno.writeFile(`${tmp}/weights.bin`, new Uint8Array(bin.buffer));
  const state = { format: 1, step, weights, variables, optimizer, extra: options.extra ?? {} };
  await Deno.writeTextFile(`${tmp}/state.json`, JSON.stringify(state));
  if (await exists(final)) await Deno.remove(final, { recursive: true });
  await Deno.rename(tmp, final);
  await writeFileAtomic(`${dir}/latest.json`, JSON.stringify({ step, path: stepDir(step) }));
  const keep = options.keep ?? 2;
  const all = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory && /^step-\d+$/.test(e.name))
    .map((e) => e.name).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) {
    if (old !== stepDir(step)) await Deno.remove(`${dir}/${old}`, { recursive: true });
  }
  return final;
}

/**
 * Loads the latest checkpoint in `dir` (or the one at `step`), or undefined when there is none.
 *
 * @example
 * ```ts
 * import { loadCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * console.assert((await loadCheckpoint(dir)) === undefined);
 * await Deno.remove(dir);
 * ```
 */
export async function loadCheckpoint(
  dir: string,
  options: { step?: number } = {},
): Promise<Checkpoint | undefined> {
  let name: string;
  if (options.step !== undefined) name = stepDir(options.step);
  else {
    let latest: { path: string };
    try {
      latest = JSON.parse(await Deno.readTextFile(`${dir}/latest.json`));
    } catch {
      return undefined;
    }
    name = latest.path;
  }
  const path = `${dir}/${name}`;
  const state = JSON.parse(await Deno.readTextFile(`${path}/state.json`));
  const raw = await Deno.readFile(`${path}/weights.bin`);
  const bin = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const take = (offset: number, length: number) => bin.slice(offset, offset + length);
  const weights = state.weights.map((
    w: { name: string; shape: number[]; offset: number; length: number },
  ) => ({
    name: w.name,
    shape: w.shape,
    values: take(w.offset, w.length),
  }));
  const variables = (state.variables ?? []).map((
    w: { name: string; shape: number[]; offset: number; length: number },
  ) => ({ name: w.name, shape: w.shape, values: take(w.offset, w.length) }));
  const optimizer: OptimizerState | undefined = state.optimizer
    ? {
      name: state.optimizer.name,
      iterations: state.optimizer.iterations,
      slots: state.optimizer.slots.map((
        s: { variable: string; slot: string; shape: number[]; offset: number; length: number },
      ) => ({
        variable: s.variable,
        slot: s.slot,
        shape: s.shape,
        values: take(s.offset, s.length),
      })),
    }
    : undefined;
  return { path, step: state.step, weights, variables, optimizer, extra: state.extra ?? {} };
}

/**
 * Restores a loaded checkpoint into `model` (and `optimizer`). Shapes must match exactly.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { loadCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
 * const dir = await Deno.makeTempDir();
 * await saveCheckpoint(dir, { model, step: 1 });
 * restoreCheckpoint((await loadCheckpoint(dir))!, { model });
 * await Deno.remove(dir, { recursive: true });
 * model.dispose();
 * ```
 */
export function restoreCheckpoint(
  checkpoint: Checkpoint,
  options: { model: tf.LayersModel; optimizer?: Optimizer; variables?: tf.Variable[] },
): void {
  const { model, optimizer } = options;
  const extraVars = options.variables ?? [];
  if (extraVars.length !== checkpoint.variables.length) {
    throw new Error(
      `restoreCheckpoint: ${checkpoint.path} has ${checkpoint.variables.length} extra variables, got ${extraVars.length}`,
    );
  }
  const ws = model.weights;
  if (ws.length !== checkpoint.weights.length) {
    throw new Error(
      `restoreCheckpoint: ${checkpoint.path} has ${checkpoint.weights.length} weights, model has ${ws.length}`,
    );
  }
  ws.forEach((w, i) => {
    const saved = checkpoint.weights[i];
    if (saved.shape.join(",") !== w.shape.join(",")) {
      throw new Error(
        `restoreCheckpoint: weight ${i} ('${w.name}') has shape [${w.shape}], checkpoint '${saved.name}' has [${saved.shape}]`,
      );
    }
  });
  tf.tidy(() => {
    ws.forEach((w, i) => {
      const saved = checkpoint.weights[i];
      w.write(tf.tensor(saved.values, saved.shape, "float32"));
    });
    extraVars.forEach((v, i) => {
      const saved = checkpoint.variables[i];
      if (saved.shape.join(",") !== v.shape.join(",")) {
        throw new Error(
          `restoreCheckpoint: variable ${i} has shape [${v.shape}], checkpoint has [${saved.shape}]`,
        );
      }
      v.assign(tf.tensor(saved.values, saved.shape, "float32"));
    });
  });
  if (optimizer && checkpoint.optimizer) {
    const trainable = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    optimizer.setState({
      ...checkpoint.optimizer,
      slots: checkpoint.optimizer.slots.map((s) => {
        const name = s.variable.startsWith("x")
          ? extraVars[Number(s.variable.slice(1))]?.name
          : trainable[Number(s.variable)];
        if (name === undefined) {
          throw new Error(
            `restoreCheckpoint: optimizer slot for trainable weight #${s.variable}, model has ${trainable.length}`,
          );
        }
        return { ...s, variable: name };
      }),
    });
  }
}
