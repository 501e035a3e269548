import assert from "node:assert/strict";
import { readingSentence, readPrintedValue } from "../../lib/atlas/printed_value_readings.ts";

Deno.test("problem 1's 3.1622776e-04 read as d is √ε exactly; read as d² it is 0.0178 apart", () => {
  const r = readPrintedValue(3.1622776e-4);
  assert.equal(r.sqrtEps, Math.fround(Math.sqrt(1e-7)));
  assert.ok(r.asDistance.atEpsFloor && r.asDistance.epsLayerCanGive);
  assert.ok(!r.asSquared.atEpsFloor && r.asSquared.epsLayerCanGive);
  assert.ok(Math.abs(r.asSquared.d - 0.017783) < 1e-5);
  const [asD, asD2] = readingSentence(r);
  assert.match(asD, /exactly √ε = 3\.16e-4/);
  assert.match(asD2, /d = 1\.78e-2, d² = 3\.16e-4; a √max\(d², ε\) layer can output it/);
});

Deno.test("problem 2's 7.66e-07 read as d cannot come from √max(d², ε); read as d² it can", () => {
  const r = readPrintedValue(7.6563555e-7);
  assert.ok(!r.asDistance.epsLayerCanGive && !r.asDistance.atEpsFloor);
  assert.ok(r.asSquared.epsLayerCanGive && !r.asSquared.atEpsFloor);
  assert.ok(Math.abs(r.asSquared.d - 8.75e-4) < 1e-6);
  const [asD, asD2] = readingSentence(r);
  assert.match(asD, /below √ε = 3\.16e-4, so a √max\(d², ε\) layer cannot output it/);
  assert.match(asD2, /can output it/);
  // the text follows the number: a value at the floor reads differently from one below it
  assert.notEqual(
    readingSentence(readPrintedValue(1e-9))[0],
    readingSentence(readPrintedValue(1))[0],
  );
});

Deno.test("readPrintedValue() with another ε moves the floor", () => {
  const r = readPrintedValue(1e-3, { eps: 1e-6 });
  assert.ok(r.asDistance.atEpsFloor);
  assert.throws(() => readPrintedValue(-1), /finite number ≥ 0, got -1/);
  assert.throws(() => readPrintedValue(1, { eps: 0 }), /'eps' must be > 0, got 0/);
});
