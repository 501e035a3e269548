import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { useTestBackend } from "../_helpers/leak.ts";
import {
  applyWaitPolicy,
  BACKEND_PREFERENCES,
  defaultWasmThreads,
  dnnlUnavailableReason,
  initBackend,
  nativeThreads,
  trainingKernelNames,
} from "../../lib/backend/mod.ts";

await useTestBackend();

function installed(pkg: string): boolean {
  try {
    return Deno.statSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url)).isFile;
  } catch {
    return false;
  }
}
const nativeInstalled = installed("@tensorflow/tfjs-node") ||
  installed("@tensorflow/tfjs-node-gpu");
/** Why oneDNN cannot load here (auto then falls through to wasm), or undefined when it can. */
const dnnlReason = dnnlUnavailableReason();

Deno.test({
  name: "initBackend('auto') picks native when libdnnl.so.2 loads, else wasm saying why",
  ignore: nativeInstalled,
  async fn() {
    try {
      const choice = await initBackend("auto");
      const skipped = [
        { name: "tensorflow-gpu", reason: "not installed" },
        { name: "tensorflow", reason: "not installed" },
      ];
      if (dnnlReason === undefined) {
        assert.equal(choice.name, "native");
        assert.equal(choice.via, "native");
        assert.deepEqual(choice.rejected, skipped);
        const threads = nativeThreads();
        assert.equal(choice.threads, threads);
        const wait = applyWaitPolicy().note; // said only when the machine was busy
        assert.equal(
          choice.summary,
          `backend: native, ${threads} thread${threads === 1 ? "" : "s"} (` +
            (wait ? `threads: ${wait}; ` : "") +
            "tensorflow-gpu: not installed; tensorflow: not installed)",
        );
        return;
      }
      assert.equal(choice.name, "wasm");
      assert.equal(choice.via, "wasm");
      assert.deepEqual(choice.rejected, [...skipped, { name: "native", reason: dnnlReason }]);
      const threads = defaultWasmThreads();
      assert.equal(choice.threads, threads);
      assert.equal(
        choice.summary,
        `backend: wasm, ${threads} thread${threads === 1 ? "" : "s"} ` +
          `(tensorflow-gpu: not installed; tensorflow: not installed; native: ${dnnlReason})`,
      );
      assert.ok(trainingKernelNames("wasm").includes("Conv2DBackpropFilter"));
    } finally {
      await initBackend("wasm");
    }
    assert.equal(tf.getBackend(), "wasm");
  },
});

Deno.test("initBackend() rejects an unknown preference, naming it and the accepted ones", async () => {
  await assert.rejects(
    () => initBackend("tpu" as "cpu"),
    (e: Error) => {
      assert.match(e.message, /unknown backend 'tpu'/);
      for (const p of BACKEND_PREFERENCES) assert.ok(e.message.includes(p), `lists ${p}`);
      return true;
    },
  );
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test({
  name: "initBackend('tensorflow') fails clearly when tfjs-node is not installed",
  ignore: nativeInstalled,
  async fn() {
    await assert.rejects(
      () => initBackend("tensorflow"),
      /no backend could start for 'tensorflow': tensorflow: not installed/,
    );
    assert.equal(tf.getBackend(), "wasm");
  },
});

Deno.test("a broken tfjs-node installation is reported with its error and auto falls through", async () => {
  const dir = await Deno.makeTempDir({ prefix: "init_backend_test_" });
  const pkg = `${dir}/node_modules/@tensorflow/tfjs-node`;
  await Deno.mkdir(pkg, { recursive: true });
  await Deno.writeTextFile(
    `${pkg}/package.json`,
    JSON.stringify({ name: "@tensorflow/tfjs-node", version: "0.0.0", main: "index.js" }),
  );
  await Deno.writeTextFile(`${pkg}/index.js`, `throw new Error("fake: libtensorflow missing");\n`);
  const cwd = Deno.cwd();
  try {
    Deno.chdir(dir);
    const choice = await initBackend("auto");
    assert.equal(choice.name, dnnlReason === undefined ? "native" : "wasm");
    const tfNode = choice.rejected.find((r) => r.name === "tensorflow");
    assert.equal(tfNode?.reason, "fake: libtensorflow missing");
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
    await initBackend("wasm");
  }
});

Deno.test("initBackend('cpu') selects cpu with the fast filter gradient, then wasm again", async () => {
  try {
    const choice = await initBackend("cpu");
    assert.equal(choice.name, "cpu");
    assert.equal(choice.summary, "backend: cpu");
    assert.ok(trainingKernelNames("cpu").includes("Conv2DBackpropFilter"));
  } finally {
    const back = await initBackend("wasm");
    assert.equal(back.name, "wasm");
  }
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("without --allow-ffi, auto skips native saying why, without prompting", async () => {
  const root = new URL("../../", import.meta.url);
  const probe = await Deno.makeTempFile({ prefix: "init_backend_probe_", suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      probe,
      `import { initBackend } from "${new URL("lib/backend/mod.ts", root).href}";
const c = await initBackend("auto");
console.log(JSON.stringify({ name: c.name, native: c.rejected.find((r) => r.name === "native") }));`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--config",
        new URL("deno.json", root).pathname,
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        probe,
      ],
      cwd: root.pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
    assert.equal(r.name, "wasm");
    assert.deepEqual(r.native, {
      name: "native",
      reason: "libdnnl.so.2: FFI not permitted (run with --allow-ffi)",
    });
  } finally {
    await Deno.remove(probe);
  }
});
