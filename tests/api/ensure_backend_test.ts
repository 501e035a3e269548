import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ensureBackend } from "../../lib/api/mod.ts";
import { useTestBackend } from "../_helpers/leak.ts";

Deno.test("ensureBackend() keeps the backend the caller chose", async () => {
  await useTestBackend();
  const chosen = tf.getBackend();
  assert.equal(await ensureBackend(), chosen);
  await tf.setBackend("cpu");
  try {
    assert.equal(await ensureBackend(), "cpu");
  } finally {
    await tf.setBackend(chosen);
  }
});

Deno.test("ensureBackend() with no backend chosen takes initBackend('auto')'s choice", async () => {
  const root = new URL("../../", import.meta.url);
  const probe = `import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./lib/backend/mod.ts";
import { ensureBackend } from "./lib/api/mod.ts";
const before = tf.engine().backendName;
const got = await ensureBackend();
const auto = (await initBackend("auto")).name;
console.log(JSON.stringify({ before: before ?? null, got, auto }));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", probe],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  assert.equal(r.before, null);
  assert.equal(r.got, r.auto);
});
