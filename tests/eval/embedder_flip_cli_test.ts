import assert from "node:assert/strict";
import sharp from "sharp";
import { createModel, saveModel } from "../../lib/model/mod.ts";
import { useTestBackend } from "../_helpers/leak.ts";
import { TASK_PERMISSIONS } from "../../lib/cli/mod.ts";

const EVAL = new URL("../../bin/eval.ts", import.meta.url).pathname;

async function runEval(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, EVAL, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Two people × 2 left–right asymmetric 32 px crops, each also stored mirrored as `m<k>.png`. */
async function asymmetricCrops(dir: string): Promise<void> {
  const s = 32;
  for (let id = 0; id < 2; id++) {
    await Deno.mkdir(`${dir}/id${id}`, { recursive: true });
    for (let k = 0; k < 2; k++) {
      const px = new Uint8Array(s * s * 3), mirror = new Uint8Array(s * s * 3);
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          // brightness ramps from left to right; the colour depends on the person and the photo
          const v = [8 * x, 60 + 120 * id + 3 * y, 40 + 90 * k];
          for (let c = 0; c < 3; c++) {
            px[(y * s + x) * 3 + c] = v[c];
            mirror[(y * s + (s - 1 - x)) * 3 + c] = v[c];
          }
        }
      }
      const raw = { raw: { width: s, height: s, channels: 3 as const } };
      await sharp(px, raw).png().toFile(`${dir}/id${id}/${k}.png`);
      await sharp(mirror, raw).png().toFile(`${dir}/id${id}/m${k}.png`);
    }
  }
  const lines = ["path_a,path_b,same"];
  for (let id = 0; id < 2; id++) {
    lines.push(`id${id}/0.png,id${id}/m0.png,1`, `id${id}/1.png,id${id}/m1.png,1`);
    lines.push(`id${id}/0.png,id${1 - id}/m1.png,0`, `id${id}/1.png,id${1 - id}/m0.png,0`);
  }
  await Deno.writeTextFile(`${dir}/pairs.csv`, lines.join("\n") + "\n");
}

Deno.test("deno task eval --flip: a crop and its mirror image get the same embedding (they differ without it)", async () => {
  await useTestBackend();
  const dir = await Deno.makeTempDir({ prefix: "eval_flip_cli_" });
  try {
    await asymmetricCrops(`${dir}/data`);
    const model = createModel("tiny", { norm: "batch", embeddingDim: 16, seed: 4 });
    await saveModel(model, `${dir}/model`);
    model.dispose();
    const args = (flip: boolean, file: string) => [
      "--embedder",
      `${dir}/model`,
      "--pairs",
      `${dir}/data/pairs.csv`,
      "--data",
      `${dir}/data`,
      "--input",
      "crops",
      "--folds",
      "2",
      "--far",
      "0.25",
      "--json",
      "--backend",
      "wasm",
      "--embeddings",
      file,
      ...(flip ? ["--flip"] : []),
    ];
    /** Largest coordinate gap between each `k.png` and its mirror `mk.png`. */
    const mirrorGap = async (file: string) => {
      const { paths, embeddings } = JSON.parse(await Deno.readTextFile(file)) as {
        paths: string[];
        embeddings: number[][];
      };
      let gap = 0, compared = 0;
      paths.forEach((p, i) => {
        const j = paths.indexOf(p.replace(/\/(\d)\.png$/, "/m$1.png"));
        if (j < 0 || j === i) return;
        compared++;
        embeddings[i].forEach((v, d) => (gap = Math.max(gap, Math.abs(v - embeddings[j][d]))));
      });
      assert.equal(compared, 4, `4 crops with a mirror among ${paths.join(", ")}`);
      return gap;
    };
    const plain = await runEval(args(false, `${dir}/plain.json`));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout).flip, false);
    const flipped = await runEval(args(true, `${dir}/flip.json`));
    assert.equal(flipped.code, 0, flipped.stderr);
    const o = JSON.parse(flipped.stdout);
    assert.equal(o.flip, true);
    assert.match(o.embedder, /\+flip$/);
    const [gapPlain, gapFlip] = [
      await mirrorGap(`${dir}/plain.json`),
      await mirrorGap(`${dir}/flip.json`),
    ];
    assert.ok(gapPlain > 1e-3, `without --flip a crop and its mirror differ (gap ${gapPlain})`);
    assert.ok(gapFlip < 1e-4, `with --flip they agree (gap ${gapFlip})`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
