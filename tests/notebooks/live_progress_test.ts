/**
 * The notebook progress display broadcasts its updates in order, awaiting each, and `done()`
 * resolves only after the last one was sent. `Deno.jupyter` is replaced by a recorder that answers
 * slowly, in a subprocess so the stub cannot leak into other tests.
 * @module
 */
import assert from "node:assert/strict";

const script = `
const sent = [];
let inFlight = 0, overlapped = false;
// Deno.jupyter cannot be redefined outside the kernel: give the module a Deno whose jupyter is the recorder.
const fake = Object.create(Deno);
Object.defineProperty(globalThis, "Deno", { value: fake, configurable: true, writable: true });
Object.defineProperty(fake, "jupyter", {
  value: {
    broadcast: async (kind, content) => {
      if (inFlight++ > 0) overlapped = true;
      await new Promise((r) => setTimeout(r, 20));
      sent.push([kind, content.data["text/plain"], content.transient.display_id]);
      inFlight--;
    },
  },
});
const { createProgress } = await import("${
  new URL("../../lib/cli/progress.ts", import.meta.url).href
}");
const bar = createProgress(3, { label: "demo", intervalMs: 0 });
bar.tick();
bar.tick();
bar.tick();
const before = sent.length;
await bar.done();
console.log(JSON.stringify({ before, sent, overlapped }));
`;

Deno.test("the notebook progress display awaits each broadcast in order; done() resolves after the last", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  assert.equal(r.before, 0, "nothing had been sent synchronously");
  assert.equal(r.overlapped, false, "a broadcast started before the previous one finished");
  assert.deepEqual(r.sent.map((s: string[]) => s[0]), [
    "display_data",
    "update_display_data",
    "update_display_data",
    "update_display_data",
  ]);
  assert.match(r.sent[0][1], /^demo {2}1\/3/);
  assert.match(r.sent[3][1], /^demo {2}3\/3 .* took /);
  assert.equal(new Set(r.sent.map((s: string[]) => s[2])).size, 1, "one display id");
});
