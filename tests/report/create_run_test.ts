import assert from "node:assert/strict";
import { join } from "node:path";
import { createRun, toJson } from "../../lib/report/mod.ts";

Deno.test("createRun() writes config.json, provenance.json and appends metrics.jsonl line by line", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const run = await createRun("demo", { lr: 0.1, sizes: [1, 2] }, {
      outDir,
      stamp: "s1",
      backend: "cpu",
    });
    assert.equal(run.dir, join(outDir, "demo", "s1"));
    assert.deepEqual(JSON.parse(await Deno.readTextFile(run.path("config.json"))), {
      lr: 0.1,
      sizes: [1, 2],
    });
    const prov = JSON.parse(await Deno.readTextFile(run.path("provenance.json")));
    assert.equal(prov.backend, "cpu");
    assert.equal(prov.versions.deno, Deno.version.deno);
    assert.ok(
      prov.gitRevision === "unknown"
        ? typeof prov.gitError === "string"
        : /^[0-9a-f]{40}$/.test(prov.gitRevision),
    );
    await run.log({ step: 0, loss: 1 });
    await run.log({ step: 1, loss: NaN });
    const lines = (await Deno.readTextFile(run.path("metrics.jsonl"))).trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [{ step: 0, loss: 1 }, {
      step: 1,
      loss: "NaN",
    }]);
    assert.equal(run.history.length, 2);
    await run.writeSummary({ collapsed: true });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(run.path("summary.json"))), {
      collapsed: true,
    });
    // A second run with the same stamp gets its own folder.
    const again = await createRun("demo", {}, { outDir, stamp: "s1", backend: "cpu" });
    assert.equal(again.dir, join(outDir, "demo", "s1-2"));
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("createRun() rejects a name that is not a plain folder name", async () => {
  await assert.rejects(
    () => createRun("../escape", {}, { outDir: "/nonexistent" }),
    /name must be letters/,
  );
});

Deno.test("toJson() keeps non-finite numbers readable instead of null", () => {
  assert.equal(toJson({ a: NaN, b: -Infinity, c: 1 }), '{"a":"NaN","b":"-Infinity","c":1}');
});
