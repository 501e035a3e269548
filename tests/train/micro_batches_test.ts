import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";
import { splitTriplets } from "../../lib/train/micro_batches.ts";

Deno.test("splitTriplets() keeps every triplet, within the image budget, with indices remapped", () => {
  const rng = createRng(4);
  const m = 200;
  const t = {
    anchors: Int32Array.from({ length: m }, () => rng.int(50)),
    positives: Int32Array.from({ length: m }, () => rng.int(50)),
    negatives: Int32Array.from({ length: m }, () => rng.int(50)),
  };
  const parts = splitTriplets(t, 16);
  let k = 0;
  for (const part of parts) {
    assert.ok(part.images.length <= 16);
    assert.equal(new Set(part.images).size, part.images.length);
    for (let i = 0; i < part.triplets.anchors.length; i++, k++) {
      assert.equal(part.images[part.triplets.anchors[i]], t.anchors[k]);
      assert.equal(part.images[part.triplets.positives[i]], t.positives[k]);
      assert.equal(part.images[part.triplets.negatives[i]], t.negatives[k]);
    }
  }
  assert.equal(k, m);
  assert.throws(() => splitTriplets(t, 2), /'maxImages' must be ≥ 3/);
});
