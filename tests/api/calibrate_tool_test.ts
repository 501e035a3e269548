import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { releaseEmbedders, verify } from "../../lib/api/mod.ts";
import { createModel, saveModel } from "../../lib/model/mod.ts";
import { useTestBackend } from "../_helpers/leak.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("tools/calibrate_threshold.ts --save writes a run folder's threshold, and verify() uses it", async () => {
  await useTestBackend();
  const dir = await Deno.makeTempDir();
  try {
    const model = createModel("tiny");
    await saveModel(model, `${dir}/run/model`);
    model.dispose();
    const colours = { dark1: "#202020", dark2: "#282828", light1: "#e0e0e0", light2: "#d8d8d8" };
    for (const [name, background] of Object.entries(colours)) {
      await sharp({ create: { width: 40, height: 40, channels: 3, background } }).png()
        .toFile(`${dir}/${name}.png`);
    }
    await Deno.writeTextFile(
      `${dir}/pairs.csv`,
      "path_a,path_b,same\ndark1.png,dark2.png,1\nlight1.png,light2.png,1\n" +
        "dark1.png,light1.png,0\ndark2.png,light2.png,0\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-P=tools",
        "tools/calibrate_threshold.ts",
        "--data",
        dir,
        "--embedder",
        `${dir}/run`,
        "--crop",
        "centre",
        "--cache",
        `${dir}/cache.json`,
        "--save",
        "--json",
      ],
      cwd: ROOT.pathname,
      env: { WASM_THREADS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
    const printed = JSON.parse(new TextDecoder().decode(out.stdout));
    const saved = JSON.parse(await Deno.readTextFile(`${dir}/run/model/threshold.json`));
    assert.deepEqual(saved, printed);
    assert.equal(saved.pairs, 4);
    assert.ok(saved.threshold > 0 && saved.accuracy >= 0.5);

    const a = tf.fill([40, 40, 3], 32, "int32") as tf.Tensor3D;
    const r = await verify(a, `${dir}/dark2.png`, { embedder: `${dir}/run`, crop: "centre" });
    a.dispose();
    assert.equal(r.threshold, saved.threshold);
    await Deno.writeTextFile(`${dir}/run/model/threshold.json`, '{"threshold": "close"}');
    await releaseEmbedders();
    await assert.rejects(
      () => verify(`${dir}/dark1.png`, `${dir}/dark2.png`, { embedder: `${dir}/run` }),
      /threshold\.json' must hold \{"threshold": <number > 0>\}, got "close"/,
    );
  } finally {
    await releaseEmbedders();
    await Deno.remove(dir, { recursive: true });
  }
});
