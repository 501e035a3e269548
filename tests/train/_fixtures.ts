/** Shared fixtures of the training tests: a tiny synthetic dataset generated once per process. */
import { ensureSynth } from "../../lib/data/mod.ts";

let synth: Promise<string> | undefined;
/** 8 synthetic identities × 4 images at 32 px, in a temp folder (generated once). */
export function tinySynth(): Promise<string> {
  synth ??= (async () => {
    const dir = `${await Deno.makeTempDir({ prefix: "train_test_synth_" })}/synth`;
    await ensureSynth(dir, { identities: 8, perIdentity: 4, size: 32, seed: 5, pairs: 0 });
    return dir;
  })();
  return synth;
}
