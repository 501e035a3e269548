import assert from "node:assert/strict";
import { createRng } from "../../../lib/random/mod.ts";
import { resolveAugment, sampleAugment } from "../../../lib/data/decode/augment.ts";

Deno.test("sampleAugment() stays within its options and flips about half the time", () => {
  const rng = createRng(1);
  let flips = 0;
  for (let i = 0; i < 2000; i++) {
    const a = sampleAugment(rng, { zoom: 0.2, jitter: 0.1 });
    assert.ok(a.zoom >= 1 && a.zoom <= 1.2);
    assert.ok(a.x >= 0 && a.x <= 1 && a.y >= 0 && a.y <= 1);
    for (const f of [a.brightness, a.contrast, a.saturation]) assert.ok(f >= 0.9 && f <= 1.1);
    flips += a.flip ? 1 : 0;
  }
  assert.ok(flips > 900 && flips < 1100, `${flips} flips`);
});

Deno.test("sampleAugment() is deterministic and draws the same count whatever the options", () => {
  const a = createRng(4), b = createRng(4);
  sampleAugment(a, { flip: false, jitter: 0 });
  sampleAugment(b, { flip: true, jitter: 0.5, zoom: 1 });
  assert.equal(a.state, b.state);
  assert.deepEqual(sampleAugment(createRng(9)), sampleAugment(createRng(9)));
});

Deno.test("resolveAugment() maps true/false and names bad values", () => {
  assert.equal(resolveAugment(false), null);
  assert.deepEqual(resolveAugment(true), { zoom: 0.15, flip: true, jitter: 0 });
  assert.throws(() => resolveAugment({ jitter: 1.5 }), /'jitter' must be in \[0, 1\), got 1.5/);
});
