/**
 * Records the golden numbers of _golden_cases.ts: `deno run -A tests/train/_record_golden.ts OUT`.
 * Run once on the trainer before the redesign (revision in the file); the test compares against it.
 * @module
 */
import { useTestBackend } from "../_helpers/leak.ts";
import { GOLDEN_CASES, runGoldenCase } from "./_golden_cases.ts";

await useTestBackend();
const out: Record<string, unknown> = {};
for (const name of Object.keys(GOLDEN_CASES)) out[name] = await runGoldenCase(name);
const rev = new TextDecoder().decode(
  (await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped" }).output()).stdout,
).trim();
const file = {
  recordedFrom: Deno.env.get("GOLDEN_REV") ?? rev,
  backend: Deno.env.get("TEST_BACKEND") ?? "wasm",
  cases: out,
};
await Deno.writeTextFile(Deno.args[0], JSON.stringify(file, null, 1) + "\n");
