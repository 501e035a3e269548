import assert from "node:assert/strict";
import { mixSeed } from "../../lib/random/mod.ts";

Deno.test("mixSeed() depends on every coordinate and their order", () => {
  const seen = new Set<number>();
  for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) seen.add(mixSeed(7, a, b));
  assert.equal(seen.size, 400);
  assert.notEqual(mixSeed(7, 1), mixSeed(7, 1, 0));
  assert.equal(mixSeed(7, 3, 4), mixSeed(7, 3, 4));
});
