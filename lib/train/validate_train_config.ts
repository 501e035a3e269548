/**
 * Checks a training config before any data are generated or any model is built: every enumerated
 * option against its choices, the loss options against the loss, numbers against their ranges.
 *
 * @example
 * ```ts
 * import { validateTrainConfig } from "./validate_train_config.ts";
 * let message = "";
 * try {
 *   validateTrainConfig({ steps: 1, miner: "foo" as never });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * console.assert(message.startsWith("train config: unknown miner 'foo'; expected one of"));
 * ```
 * @module
 */
import { LOSS_NAMES, LOSS_OPTION_KEYS, LOSSES, type LossName } from "../losses/mod.ts";
import { TRAIN_CHOICES } from "./train_choices.ts";
import type { TrainConfig } from "./train_config.ts";

const where = "train config";

function choice(what: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new Error(
      `${where}: unknown ${what} ${
        typeof value === "string" ? `'${value}'` : JSON.stringify(value)
      }; expected one of ${allowed.join(", ")}`,
    );
  }
}

function number(
  key: string,
  value: unknown,
  rule: { int?: boolean; min?: number; above?: number },
): void {
  if (value === undefined) return;
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (!rule.int || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above);
  if (!ok) {
    const range = rule.min !== undefined
      ? ` ≥ ${rule.min}`
      : rule.above !== undefined
      ? ` > ${rule.above}`
      : "";
    throw new Error(
      `${where}: '${key}' must be ${rule.int ? "an integer" : "a number"}${range}, got ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * Throws a clear error (naming the key, the value and what is allowed) for the first bad field of
 * `config`; returns it unchanged otherwise. `trainEmbedding` calls it first thing.
 */
export function validateTrainConfig<T extends TrainConfig>(config: T): T {
  if (config === null || typeof config !== "object") {
    throw new Error(`${where}: expected an object, got ${config}`);
  }
  const c = config as TrainConfig & Record<string, unknown>;
  number("steps", c.steps, { int: true, above: 0 });
  if (c.steps === undefined) throw new Error(`${where}: 'steps' is required`);
  if (c.data === undefined && c.loader === undefined) {
    throw new Error(`${where}: give 'data' (a folder or Dataset) or 'loader'`);
  }
  if (typeof c.model !== "object") choice("model", c.model, TRAIN_CHOICES.model);
  choice("mode", c.mode, TRAIN_CHOICES.mode);
  choice("loss", c.loss, TRAIN_CHOICES.loss);
  if (typeof c.distance === "object" && c.distance !== null) {
    if (typeof c.distance.matrix !== "function" || typeof c.distance.pairwise !== "function") {
      throw new Error(
        `${where}: 'distance' must be a name or a Distance with matrix() and pairwise()`,
      );
    }
  } else choice("distance", c.distance, TRAIN_CHOICES.distance);
  choice("miner", c.miner, TRAIN_CHOICES.miner);
  choice("reducer", c.reducer, TRAIN_CHOICES.reducer);
  choice("optimizer", c.optimizer, TRAIN_CHOICES.optimizer);
  choice("schedule", c.schedule?.kind, TRAIN_CHOICES.schedule);
  const mo = c.modelOptions;
  if (mo) {
    choice("norm", mo.norm, TRAIN_CHOICES.norm);
    choice("l2Pooling", mo.l2Pooling, TRAIN_CHOICES.l2Pooling);
  }
  const loss: LossName = c.loss ?? "triplet";
  const allowed = LOSS_OPTION_KEYS[loss] as readonly string[];
  for (const key of Object.keys(c.lossOptions ?? {})) {
    if (!allowed.includes(key)) {
      throw new Error(
        `${where}: lossOptions.${key} is not an option of loss '${loss}'; expected ${
          allowed.length ? `one of ${allowed.join(", ")}` : "none"
        } (margin and distance are top-level keys)`,
      );
    }
  }
  const entry = LOSSES[loss];
  const choices: Record<string, readonly string[] | undefined> = entry.optionChoices ?? {};
  for (const [key, values] of Object.entries(choices)) {
    const value = (c.lossOptions as Record<string, unknown> | undefined)?.[key];
    if (values) choice(`${loss} ${key}`, value, values);
  }
  if (c.mode === "triplet-model" && !entry.tripletModel) {
    throw new Error(
      `${where}: loss '${loss}' cannot train in mode 'triplet-model': the triplet model gives ` +
        `distances (d_ap, d_an) and this loss does not take them; use one of ${
          LOSS_NAMES.filter((name) => LOSSES[name].tripletModel).join(", ")
        }`,
    );
  }
  number("size", c.size, { int: true, min: 8 });
  number("width", c.width, { above: 0 });
  number("p", c.p, { int: true, min: 2 });
  number("k", c.k, { int: true, min: 2 });
  number("lr", c.lr, { above: 0 });
  number("margin", c.margin, {});
  number("weightDecay", c.weightDecay, { min: 0 });
  number("clipNorm", c.clipNorm, { min: 0 });
  number("distillWeight", c.distillWeight, { min: 0 });
  if (
    (c.distillWeight ?? 0) > 0 && ((c.mode ?? "online") !== "online" || (c.microBatch ?? 0) > 0)
  ) {
    throw new Error(
      `${where}: 'distillWeight' needs whole-batch online training (mode 'online', microBatch 0), got mode '${
        c.mode ?? "online"
      }', microBatch ${c.microBatch ?? 0}`,
    );
  }
  number("seed", c.seed, { int: true });
  number("microBatch", c.microBatch, { int: true, min: 0 });
  if (c.microBatch !== undefined && c.microBatch > 0 && c.microBatch < 3) {
    throw new Error(`${where}: 'microBatch' must be 0 or ≥ 3 (one triplet), got ${c.microBatch}`);
  }
  number("embedChunk", c.embedChunk, { int: true, min: 1 });
  number("maxMicroBatches", c.maxMicroBatches, { int: true, min: 1 });
  number("checkpointEvery", c.checkpointEvery, { int: true, min: 0 });
  number("keepCheckpoints", c.keepCheckpoints, { int: true, min: 1 });
  number("forensicsEvery", c.forensicsEvery, { int: true, min: 0 });
  number("forensicsImages", c.forensicsImages, { int: true, min: 2 });
  number("epochSteps", c.epochSteps, { int: true, min: 1 });
  number("collapsePatience", c.collapsePatience, { int: true, min: 1 });
  number("trunk.tripletsPerStep", c.trunk?.tripletsPerStep, { int: true, min: 1 });
  if (c.trunk?.stepsPerTrunk !== undefined && c.trunk.stepsPerTrunk !== 1) {
    throw new Error(
      `${where}: 'trunk.stepsPerTrunk' ${c.trunk.stepsPerTrunk} is not implemented (every step draws a new batch); use 1`,
    );
  }
  return config;
}
