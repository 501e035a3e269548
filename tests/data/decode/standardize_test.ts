import assert from "node:assert/strict";
import {
  destandardize,
  STANDARD_MAX,
  STANDARD_MIN,
  standardizePixel,
  standardizePixels,
} from "../../../lib/data/decode/standardize.ts";

Deno.test("standardizePixel() maps 0..255 to ±127.5/128 and mid-grey to 0, and destandardize() inverts it", () => {
  assert.equal(standardizePixel(0), STANDARD_MIN);
  assert.equal(standardizePixel(255), STANDARD_MAX);
  assert.equal(standardizePixel(127.5), 0);
  assert.equal(STANDARD_MAX, 0.99609375);
  for (let p = 0; p < 256; p += 17) assert.equal(destandardize(standardizePixel(p)), p);
});

Deno.test("standardizePixels() writes at an offset and refuses to overflow", () => {
  const out = new Float32Array(5);
  standardizePixels([0, 255], out, 3);
  assert.deepEqual(Array.from(out), [0, 0, 0, STANDARD_MIN, STANDARD_MAX]);
  assert.throws(
    () => standardizePixels([1, 2, 3], out, 3),
    /3 values do not fit in an output of 5 at offset 3/,
  );
});
