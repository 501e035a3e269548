import assert from "node:assert/strict";
import { assertNoLeak, useTestBackend } from "../_helpers/leak.ts";
import { generateSynth } from "../../lib/data/mod.ts";
import { measureLoader } from "../../bench/measure_loader.ts";

Deno.test("measureLoader() counts the timed images", async () => {
  await useTestBackend();
  const dir = await Deno.makeTempDir({ prefix: "measure_loader_test_" });
  try {
    const { dataset } = await generateSynth(dir, {
      identities: 4,
      perIdentity: 3,
      size: 16,
      seed: 1,
    });
    await assertNoLeak(async () => {
      const m = await measureLoader(dataset, { size: 16, batches: 3, p: 2, k: 2 });
      assert.equal(m.images, 12);
      assert.ok(m.imagesPerSecond > 0 && Number.isFinite(m.imagesPerSecond));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
