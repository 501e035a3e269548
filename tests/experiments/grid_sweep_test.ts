import assert from "node:assert/strict";
import { gridSweep } from "../../lib/experiment/mod.ts";
import { marginSweep } from "../../experiments/margin_sweep.ts";
import { resolveConfig } from "../../lib/experiment/mod.ts";

Deno.test("gridSweep: the cross-product, first key slowest, each cell narrowing every key to one value", () => {
  const config = { a: [1, 2, 3], b: ["x", "y"], seed: 7 };
  const cells = gridSweep(config, ["a", "b"]);
  assert.deepEqual(cells.map((c) => c.name), [
    "a=1 b=x",
    "a=1 b=y",
    "a=2 b=x",
    "a=2 b=y",
    "a=3 b=x",
    "a=3 b=y",
  ]);
  assert.deepEqual(cells[3].set, { a: [2], b: ["y"] });
  assert.deepEqual(gridSweep(config, ["b"], ([v]) => `only ${v}`).map((c) => c.name), [
    "only x",
    "only y",
  ]);
});

Deno.test("gridSweep: empty or non-list keys and clashing names are refused, naming them", () => {
  const config = { a: [] as number[], b: [1, 1], n: 3 };
  assert.throws(() => gridSweep(config, ["a"]), /'a' must be a non-empty list, got \[\]/);
  assert.throws(
    () => gridSweep(config as never, ["n"] as never),
    /'n' must be a non-empty list, got 3/,
  );
  assert.throws(() => gridSweep(config, ["b"]), /two cells are named 'b=1'/);
  assert.throws(() => gridSweep(config, []), /at least one key/);
});

Deno.test("margin-sweep's sweep is its miners × margins grid, named as before", () => {
  const config = resolveConfig(marginSweep, { preset: "ci" });
  const cells = marginSweep.sweep(config);
  assert.equal(cells.length, config.miners.length * config.margins.length);
  assert.equal(cells[0].name, `${config.miners[0]} α=${config.margins[0]}`);
  assert.deepEqual(cells[0].set, { miners: [config.miners[0]], margins: [config.margins[0]] });
});
