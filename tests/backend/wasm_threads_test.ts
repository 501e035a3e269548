import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { useTestBackend } from "../_helpers/leak.ts";
import {
  defaultWasmThreads,
  enableWasmThreads,
  guardWasmMalloc,
  MAX_WASM_THREADS,
  patchedWorkerSource,
} from "../../lib/backend/mod.ts";
import { TASK_PERMISSIONS } from "../../lib/cli/mod.ts";

await useTestBackend();

const PROBE = new URL("../_helpers/wasm_threads_probe.ts", import.meta.url).pathname;

/** Runs the probe with `WASM_THREADS=threads` in a fresh process (which must exit by itself). */
async function probe(threads: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, PROBE],
    env: { WASM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(
    out.success,
    `probe with ${threads} thread(s) failed: ${new TextDecoder().decode(out.stderr)}`,
  );
  return JSON.parse(text.trim().split("\n").at(-1)!) as {
    threads: number;
    summary: string;
    hashes: Record<string, string>;
  };
}

Deno.test({
  name: "wasm on 2 threads gives bit-identical convolutions, gradients and matmuls to 1 thread",
  ignore: Deno.env.get("TEST_BACKEND") === "cpu",
  async fn() {
    const [one, two] = [await probe(1), await probe(2)];
    assert.equal(one.threads, 1);
    assert.equal(one.summary, "backend: wasm, 1 thread");
    assert.equal(two.threads, 2);
    assert.equal(two.summary, "backend: wasm, 2 threads");
    assert.deepEqual(Object.keys(two.hashes), ["y", "dx", "dw", "m"]);
    assert.deepEqual(two.hashes, one.hashes);
  },
});

Deno.test({
  name: "the test backend runs wasm on the default thread count and leaves the web Worker global",
  ignore: Deno.env.get("TEST_BACKEND") === "cpu",
  async fn() {
    assert.equal(tf.getBackend(), "wasm");
    const { getThreadsCount } = await import("@tensorflow/tfjs-backend-wasm");
    assert.equal(getThreadsCount(), defaultWasmThreads());
    // Emscripten swaps in node:worker_threads' Worker while it starts; it must be put back.
    assert.equal(typeof (Worker.prototype as unknown as { on?: unknown }).on, "undefined");
    const url = `data:text/javascript,${
      encodeURIComponent("self.onmessage = (e) => self.postMessage(e.data * 2);")
    }`;
    const w = new Worker(url, { type: "module" });
    try {
      const reply = await new Promise((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.postMessage(21);
      });
      assert.equal(reply, 42);
    } finally {
      w.terminate();
    }
  },
});

Deno.test("defaultWasmThreads() reads WASM_THREADS and rejects a bad value naming it", () => {
  const before = Deno.env.get("WASM_THREADS");
  try {
    Deno.env.set("WASM_THREADS", "3");
    assert.equal(defaultWasmThreads(), 3);
    Deno.env.delete("WASM_THREADS");
    assert.equal(
      defaultWasmThreads(),
      Math.max(1, Math.min(MAX_WASM_THREADS, navigator.hardwareConcurrency)),
    );
    for (const bad of ["0", "-2", "1.5", "lots", String(MAX_WASM_THREADS + 1)]) {
      Deno.env.set("WASM_THREADS", bad);
      assert.throws(() => defaultWasmThreads(), new RegExp(`WASM_THREADS .*'${bad}'`));
    }
  } finally {
    if (before == null) Deno.env.delete("WASM_THREADS");
    else Deno.env.set("WASM_THREADS", before);
  }
});

Deno.test("enableWasmThreads() rejects a thread count outside 1..8", async () => {
  for (const bad of [0, 2.5, MAX_WASM_THREADS + 1]) {
    await assert.rejects(() => enableWasmThreads(bad), /expected an integer from 1 to 8/);
  }
});

Deno.test("patchedWorkerSource() patches the pthread worker once per site and refuses an unknown one", () => {
  const fake =
    'if(x){Object.assign(global,{a:1});parentPort.on("message",data=>onmessage({data:data}))}' +
    "self.onmessage=e=>{go(e)};var s=`a\nb`";
  const out = patchedWorkerSource(fake);
  assert.ok(out.startsWith("function __facenetSetGlobals("));
  assert.ok(out.includes("__facenetSetGlobals(global,{a:1})"));
  assert.ok(out.includes("self.__facenetOnMessage({data:data})"));
  assert.ok(out.includes("self.__facenetOnMessage=e=>{go(e)}"));
  assert.ok(!out.includes("self.onmessage="));
  assert.ok(out.includes("`a\\nb`"), "newlines escaped back");
  assert.throws(
    () => patchedWorkerSource("var Module={};"),
    /does not look like 4\.22\.0's \('Object\.assign\(global,\{' found 0 times/,
  );
});

Deno.test("guardWasmMalloc() turns a failed allocation into a clear error, once", () => {
  const calls: number[] = [];
  const fake = {
    asm: { malloc: (n: number) => (calls.push(n), n === 0 || n > 100 ? 0 : 64) },
    HEAPU8: new Uint8Array(2 ** 20),
    _malloc: (_n: number) => -1,
  };
  guardWasmMalloc(fake);
  const wrapped = fake._malloc;
  guardWasmMalloc(fake);
  assert.equal(fake._malloc, wrapped, "idempotent");
  assert.equal(fake._malloc(10), 64);
  assert.equal(fake._malloc(0), 0, "a zero-byte request may return 0");
  assert.throws(
    () => fake._malloc(2 ** 30),
    /wasm heap exhausted: cannot allocate 1\.00 GiB more \(heap 0\.00 GiB of at most 4 GiB\); use a smaller batch/,
  );
  assert.deepEqual(calls, [10, 0, 2 ** 30]);
});

Deno.test({
  name:
    "the test backend's wasm heap is guarded: an impossible allocation throws on the main thread",
  ignore: Deno.env.get("TEST_BACKEND") === "cpu",
  fn() {
    const wasm = (tf.backend() as unknown as { wasm: { _malloc(n: number): number } }).wasm;
    assert.throws(() => wasm._malloc(2 ** 32 - 2 ** 16), /wasm heap exhausted/);
    assert.ok(wasm._malloc(16) > 0, "later allocations still work");
  },
});

Deno.test({
  name: "a threaded build that cannot start rejects with its reason and leaves no worker behind",
  ignore: Deno.env.get("TEST_BACKEND") === "cpu",
  async fn() {
    const script = new URL("../_helpers/wasm_threads_broken_probe.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...TASK_PERMISSIONS, script],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000), // a leftover worker would keep it alive until killed
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `probe failed or hung (signal ${out.signal}): ${stderr}`);
    const { error, sum } = JSON.parse(
      new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!,
    );
    assert.match(error, /^wasm threads: cannot instantiate: CompileError/);
    assert.equal(sum, 12, "the stock wasm backend still starts and computes");
  },
});
