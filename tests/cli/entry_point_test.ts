import assert from "node:assert/strict";
import {
  EXIT_CODES,
  exitCodeFor,
  listenForInterrupt,
  UsageError,
  withStdoutOnStderr,
} from "../../lib/cli/mod.ts";

Deno.test("exitCodeFor() maps usage errors to 2, aborts to 130 and other errors to 1", () => {
  assert.deepEqual(EXIT_CODES, { ok: 0, failure: 1, usage: 2, interrupted: 130 });
  assert.equal(exitCodeFor(new UsageError("--steps must be an integer")), 2);
  assert.equal(exitCodeFor(new Error("no such folder")), 1);
  assert.equal(exitCodeFor("a thrown string"), 1);
  assert.equal(exitCodeFor(new DOMException("stopped", "AbortError")), 130);
  const c = new AbortController();
  c.abort();
  assert.equal(exitCodeFor(new Error("a step failed after Ctrl-C"), c.signal), 130);
  assert.equal(exitCodeFor(new UsageError("bad flag"), c.signal), 2);
});

Deno.test("withStdoutOnStderr() sends console.log to stderr and restores it, also on a throw", async () => {
  const log = console.log, error = console.error;
  const seen: string[] = [];
  console.error = (...args: unknown[]) => seen.push(args.join(" "));
  try {
    const v = await withStdoutOnStderr(() => {
      console.log("a", 1);
      console.info("b");
      return Promise.resolve(7);
    });
    assert.equal(v, 7);
    await assert.rejects(() =>
      withStdoutOnStderr(() => {
        console.log("c");
        return Promise.reject(new Error("boom"));
      }), /boom/);
  } finally {
    console.error = error;
  }
  assert.deepEqual(seen, ["a 1", "b", "c"]);
  assert.equal(console.log, log, "console.log is restored");
});

Deno.test("listenForInterrupt() gives an unaborted signal and removes its listener on dispose", () => {
  const interrupt = listenForInterrupt();
  assert.equal(interrupt.signal.aborted, false);
  interrupt.dispose();
  interrupt.dispose(); // twice is harmless
});

Deno.test("numberFlag() reads a numeric flag, keeps a fallback, and names command, flag and value when it is not a number", async () => {
  const { numberFlag, UsageError } = await import("../../lib/cli/mod.ts");
  assert.equal(numberFlag({ size: "96" }, "size"), 96);
  assert.equal(numberFlag({ size: "1e-3" }, "size"), 0.001);
  assert.equal(numberFlag({}, "size"), undefined);
  assert.equal(numberFlag({}, "size", { fallback: 160 }), 160);
  for (const bad of ["big", "", " ", "NaN", "Infinity"]) {
    assert.throws(
      () => numberFlag({ size: bad }, "size", { command: "data" }),
      (e) => e instanceof UsageError && e.message === `data: --size must be a number, got '${bad}'`,
    );
  }
  assert.throws(() => numberFlag({ size: true }, "size"), /--size must be a number, got 'true'/);
});
