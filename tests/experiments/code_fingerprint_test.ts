import assert from "node:assert/strict";
import { codeFingerprint } from "../../lib/experiment/mod.ts";

Deno.test("codeFingerprint() changes when a library file changes, and only then", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/lib/train`, { recursive: true });
  await Deno.writeTextFile(`${root}/lib/train/step.ts`, "export const lr = 0.1;\n");
  await Deno.writeTextFile(`${root}/lib/notes.md`, "not code\n");
  const opts = { root, dirs: ["lib", "experiments"] };
  const a = await codeFingerprint(opts);
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.equal(await codeFingerprint(opts), a);
  await Deno.writeTextFile(`${root}/lib/notes.md`, "edited, still not code\n");
  assert.equal(await codeFingerprint(opts), a);
  await Deno.writeTextFile(`${root}/lib/train/step.ts`, "export const lr = 0.2;\n");
  const b = await codeFingerprint(opts);
  assert.notEqual(b, a);
  await Deno.rename(`${root}/lib/train/step.ts`, `${root}/lib/train/step2.ts`);
  assert.notEqual(await codeFingerprint(opts), b);
  await Deno.remove(root, { recursive: true });
});
