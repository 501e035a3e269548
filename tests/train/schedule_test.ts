import assert from "node:assert/strict";
import { createSchedule } from "../../lib/train/schedule.ts";

Deno.test("createSchedule() constant returns the base rate at every step", () => {
  const lr = createSchedule({ lr: 0.05 });
  assert.equal(lr(0), 0.05);
  assert.equal(lr(12345), 0.05);
});

Deno.test("createSchedule() step decays by gamma every stepSize steps", () => {
  const lr = createSchedule({ kind: "step", lr: 1, gamma: 0.5, stepSize: 10 });
  assert.equal(lr(9), 1);
  assert.equal(lr(10), 0.5);
  assert.equal(lr(25), 0.25);
});

Deno.test("createSchedule() cosine goes from lr to minLr, with a linear warm-up first", () => {
  const lr = createSchedule({ kind: "cosine", lr: 0.1, steps: 110, warmupSteps: 10, minLr: 0.001 });
  assert.ok(Math.abs(lr(0) - 0.01) < 1e-12);
  assert.ok(Math.abs(lr(4) - 0.05) < 1e-12);
  assert.ok(Math.abs(lr(10) - 0.1) < 1e-12);
  assert.ok(Math.abs(lr(60) - 0.0505) < 1e-9);
  assert.ok(Math.abs(lr(110) - 0.001) < 1e-12);
  for (let s = 11; s <= 110; s++) assert.ok(lr(s) <= lr(s - 1));
});

Deno.test("createSchedule() names the bad option", () => {
  assert.throws(() => createSchedule({ lr: -1 }), /'lr' must be a positive number, got -1/);
  assert.throws(() => createSchedule({ kind: "cosine", lr: 1 }), /cosine needs 'steps'/);
});
