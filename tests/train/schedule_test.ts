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

Deno.test("createSchedule() cosine over a progress clock: follows the clock, not the step; warm-up still by step", () => {
  let at = 0;
  const lr = createSchedule({
    kind: "cosine",
    lr: 0.2,
    warmupSteps: 4,
    minLr: 0.01,
    progress: () => at,
  });
  assert.ok(Math.abs(lr(0) - 0.05) < 1e-12); // warm-up: step 0 of 4
  assert.ok(Math.abs(lr(1000) - 0.2) < 1e-12); // clock at 0: the peak, whatever the step
  at = 0.5;
  assert.ok(Math.abs(lr(5) - 0.105) < 1e-12);
  at = 1;
  assert.ok(Math.abs(lr(6) - 0.01) < 1e-12);
  at = 7; // past the budget: clamped to the floor
  assert.ok(Math.abs(lr(7) - 0.01) < 1e-12);
  at = NaN; // a clock that cannot read: treated as the start
  assert.ok(Math.abs(lr(8) - 0.2) < 1e-12);
  assert.throws(
    () => createSchedule({ kind: "cosine", lr: 1, progress: 3 as unknown as () => number }),
    /'progress' must be a function/,
  );
});
