import assert from "node:assert/strict";
import { createRng } from "../../lib/random/mod.ts";

Deno.test("createRng() gives the same sequence for the same seed and differs across seeds", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const sa = Array.from({ length: 5 }, () => a.next());
  const sb = Array.from({ length: 5 }, () => b.next());
  const sc = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

Deno.test("Rng.state restores a generator exactly", () => {
  const a = createRng(3);
  a.next();
  const saved = a.state;
  const x = [a.next(), a.int(10), a.normal()];
  const b = createRng(99);
  b.state = saved;
  assert.deepEqual([b.next(), b.int(10), b.normal()], x);
});

Deno.test("Rng.normal() has mean ≈ 0 and std ≈ 1", () => {
  const r = createRng(1);
  const xs = Array.from({ length: 20000 }, () => r.normal());
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
});
