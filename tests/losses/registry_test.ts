import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import {
  createLoss,
  DISTANCE_NAMES,
  DISTANCES,
  LOSS_NAMES,
  LOSS_OPTION_KEYS,
  LOSSES,
  MINER_NAMES,
  MINERS,
  REDUCER_NAMES,
  REDUCERS,
} from "../../lib/losses/mod.ts";
import { TRAIN_CHOICES } from "../../lib/train/mod.ts";

await useTestBackend();

Deno.test("every registry's names are its keys, and each factory builds the piece of that name", () => {
  assert.deepEqual(LOSS_NAMES, Object.keys(LOSSES));
  assert.deepEqual(MINER_NAMES, Object.keys(MINERS));
  assert.deepEqual(DISTANCE_NAMES, Object.keys(DISTANCES));
  assert.deepEqual(REDUCER_NAMES, Object.keys(REDUCERS));
  for (const name of MINER_NAMES) assert.equal(MINERS[name]().name, name);
  for (const name of DISTANCE_NAMES) assert.equal(DISTANCES[name]().name, name);
  for (const name of REDUCER_NAMES) assert.equal(REDUCERS[name]().name, name);
  assert.equal(TRAIN_CHOICES.loss, LOSS_NAMES);
  assert.equal(TRAIN_CHOICES.miner, MINER_NAMES);
});

Deno.test("each loss entry's flags describe the loss it creates (triplet model, class weights, option keys)", async () => {
  await assertNoLeak(() => {
    for (const name of LOSS_NAMES) {
      const entry = LOSSES[name];
      assert.deepEqual(LOSS_OPTION_KEYS[name], Object.keys(entry.optionKeys), name);
      const loss = createLoss(name, { numClasses: 3, embeddingDim: 4 });
      assert.equal(
        entry.tripletModel,
        typeof loss.fromTripletDistances === "function",
        `${name}: tripletModel flag vs fromTripletDistances`,
      );
      assert.equal(
        entry.needsClasses === true,
        (loss.trainableWeights ?? []).length > 0,
        `${name}: needsClasses flag vs class weights`,
      );
      for (const key of Object.keys(entry.optionChoices ?? {})) {
        assert.ok(key in entry.optionKeys, `${name}: choices for '${key}', not an option key`);
      }
      loss.dispose?.();
    }
    assert.throws(
      () => createLoss("arcface", { embeddingDim: 4 }),
      /createLoss\('arcface'\): 'numClasses' and 'embeddingDim' are required/,
    );
    assert.throws(
      () => createLoss("toString" as never),
      (e: Error) =>
        e.message ===
          `createLoss: unknown loss 'toString'; expected one of ${LOSS_NAMES.join(", ")}`,
    );
  });
});
