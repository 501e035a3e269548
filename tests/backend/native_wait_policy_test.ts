import assert from "node:assert/strict";
import { chooseWaitPolicy } from "../../lib/backend/native/native_threads.ts";

Deno.test("OpenMP's wait policy: default on a quiet machine, passive when load ≥ cores, a user's choice kept", () => {
  assert.deepEqual(chooseWaitPolicy({ load: 0.3, cores: 2 }), {});
  assert.deepEqual(chooseWaitPolicy({ load: 1.99, cores: 2 }), {});
  const busy = chooseWaitPolicy({ load: 2, cores: 2 });
  assert.equal(busy.set, "PASSIVE");
  assert.match(busy.note!, /load 2\.0 ≥ 2 cores/);
  assert.equal(chooseWaitPolicy({ load: 5.5, cores: 16 }).set, undefined);
  assert.deepEqual(chooseWaitPolicy({ load: 40, cores: 2, current: "ACTIVE" }), {});
  assert.deepEqual(chooseWaitPolicy({ load: NaN, cores: 2 }), {});
});

Deno.test("applyWaitPolicy() sets OMP_WAIT_POLICY in a new process from the machine's load, before OpenMP loads", async () => {
  // a child process whose own environment asks nothing; the parent's load decides
  const code = `
    import { applyWaitPolicy } from "./lib/backend/native/native_threads.ts";
    const c = applyWaitPolicy();
    console.log(JSON.stringify({ c, env: Deno.env.get("OMP_WAIT_POLICY") ?? null, load: Deno.loadavg()[0] }));`;
  const env = { ...Deno.env.toObject() };
  delete env.OMP_WAIT_POLICY;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("../../", import.meta.url).pathname,
    env,
    clearEnv: true,
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  const busy = r.load >= navigator.hardwareConcurrency;
  if (Math.abs(r.load - navigator.hardwareConcurrency) < 0.05) return; // read twice at the boundary
  assert.equal(r.env, busy ? "PASSIVE" : null, JSON.stringify(r));
  assert.equal(r.c.set, busy ? "PASSIVE" : undefined);
});
