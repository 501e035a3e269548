import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { useTestBackend } from "../_helpers/leak.ts";
import { createPkLoader, scanDataset } from "../../lib/data/mod.ts";
import {
  openTrainLoader,
  TRAIN_CHOICES,
  TRAIN_DEFAULTS,
  type TrainConfig,
  trainEmbedding,
  validateTrainConfig,
} from "../../lib/train/mod.ts";
import { tinySynth } from "./_fixtures.ts";

await useTestBackend();

const ok = { steps: 1, data: "/nonexistent/folder" };

/** One bad value per enumerated option, with the choice list its message must give. */
const BAD: [string, Record<string, unknown>, readonly string[]][] = [
  ["model", { model: "nn9" }, TRAIN_CHOICES.model],
  ["mode", { mode: "offline" }, TRAIN_CHOICES.mode],
  ["loss", { loss: "lifted" }, TRAIN_CHOICES.loss],
  ["distance", { distance: "manhattan" }, TRAIN_CHOICES.distance],
  ["miner", { miner: "foo" }, TRAIN_CHOICES.miner],
  ["reducer", { reducer: "max" }, TRAIN_CHOICES.reducer],
  ["optimizer", { optimizer: "lbfgs" }, TRAIN_CHOICES.optimizer],
  ["schedule", { schedule: { kind: "linear" } }, TRAIN_CHOICES.schedule],
  ["norm", { modelOptions: { norm: "group" } }, TRAIN_CHOICES.norm],
  ["triplet form", { lossOptions: { form: "cubic" } }, TRAIN_CHOICES.tripletForm],
];

for (const [what, bad, choices] of BAD) {
  Deno.test(`validateTrainConfig() names the unknown ${what} and its choices`, () => {
    const value = Object.values(bad)[0];
    const shown = typeof value === "object" ? Object.values(value as object)[0] : value;
    assert.throws(
      () => validateTrainConfig({ ...ok, ...bad } as TrainConfig),
      (e: Error) => {
        assert.equal(
          e.message,
          `train config: unknown ${what} '${shown}'; expected one of ${choices.join(", ")}`,
        );
        return true;
      },
    );
  });
}

Deno.test("trainEmbedding() rejects an unknown miner before reading data or building a model", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => trainEmbedding({ steps: 1, data: "/nonexistent/folder", miner: "foo" as never }),
    (e: Error) =>
      e.message ===
        `train config: unknown miner 'foo'; expected one of ${TRAIN_CHOICES.miner.join(", ")}`,
  );
  assert.equal(tf.memory().numTensors, before, "a model was built");
});

Deno.test("validateTrainConfig() rejects loss options of another loss, arcface in triplet-model mode and bad numbers", () => {
  assert.throws(
    () =>
      validateTrainConfig({ ...ok, loss: "triplet", lossOptions: { scale: 30 } } as TrainConfig),
    /lossOptions\.scale is not an option of loss 'triplet'; expected one of form/,
  );
  assert.throws(
    () =>
      validateTrainConfig(
        { ...ok, loss: "contrastive", lossOptions: { margin: 2 } } as TrainConfig,
      ),
    /lossOptions\.margin is not an option of loss 'contrastive'; expected none \(margin and distance are top-level keys\)/,
  );
  assert.throws(
    () => validateTrainConfig({ ...ok, loss: "arcface", mode: "triplet-model" }),
    /loss 'arcface' cannot train in mode 'triplet-model'/,
  );
  assert.throws(() => validateTrainConfig({ ...ok, p: 1 }), /'p' must be an integer ≥ 2, got 1/);
  assert.throws(() => validateTrainConfig({ ...ok, steps: 0 }), /'steps' must be an integer > 0/);
  assert.throws(
    () => validateTrainConfig({ ...ok, microBatch: 2 }),
    /'microBatch' must be 0 or ≥ 3/,
  );
  assert.throws(
    () => validateTrainConfig({ ...ok, trunk: { stepsPerTrunk: 4 } }),
    /'trunk\.stepsPerTrunk' 4 is not implemented/,
  );
  assert.throws(
    () => validateTrainConfig({ steps: 1 }),
    /give 'data' \(a folder or Dataset\) or 'loader'/,
  );
  const good: TrainConfig = {
    ...ok,
    loss: "arcface",
    lossOptions: { scale: 30 },
    miner: "hardest",
  };
  assert.equal(validateTrainConfig(good), good);
});

Deno.test("TrainConfig types lossOptions by the loss named", () => {
  // @ts-expect-error: 'scale' is ArcFace's / CosFace's, not the triplet loss's
  const bad: TrainConfig<"triplet"> = { steps: 1, loss: "triplet", lossOptions: { scale: 1 } };
  const good: TrainConfig<"cosface"> = { steps: 1, loss: "cosface", lossOptions: { scale: 1 } };
  assert.equal(bad.steps + good.steps, 2);
});

Deno.test("the trainer gives the PK loader its own defaults explicitly (augmentation off, not the loader's on)", async () => {
  const data = await tinySynth();
  const { loader } = await openTrainLoader({ steps: 1, data, p: 3, k: 2, size: 32, seed: 4 });
  const dataset = await scanDataset(data, { minPerIdentity: 2 });
  const plain = createPkLoader(dataset, { p: 3, k: 2, size: 32, seed: 5, augment: false });
  const augmented = createPkLoader(dataset, { p: 3, k: 2, size: 32, seed: 5, augment: true });
  const [a, b, c] = [await loader.next(), await plain.next(), await augmented.next()];
  assert.equal(TRAIN_DEFAULTS.augment, false);
  assert.deepEqual(await a!.images.data(), await b!.images.data());
  assert.notDeepEqual(await c!.images.data(), await b!.images.data());
  tf.dispose([a!.images, b!.images, c!.images]);
  await Promise.all([loader, plain, augmented].map((l) => l.close?.()));
});
