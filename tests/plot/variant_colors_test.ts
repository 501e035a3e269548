import assert from "node:assert/strict";
import { PALETTE, variantColors, withAlpha } from "../../lib/plot/mod.ts";

Deno.test("variantColors() gives each name one colour in first-seen order, cycling the palette", () => {
  const names = Array.from({ length: PALETTE.length + 1 }, (_, i) => `v${i}`);
  const c = variantColors(["v1", ...names]);
  assert.equal(c.v1, PALETTE[0]);
  assert.equal(c.v0, PALETTE[1]);
  assert.equal(c[`v${PALETTE.length}`], PALETTE[0]);
  assert.throws(() => variantColors(["a"], { palette: [] }), /'palette' is empty/);
});

Deno.test("withAlpha() turns a hex colour into rgba and rejects other forms", () => {
  assert.equal(withAlpha("#1f77b4", 0.5), "rgba(31,119,180,0.5)");
  assert.throws(() => withAlpha("blue", 0.5), /expected a colour like '#1f77b4', got 'blue'/);
});
