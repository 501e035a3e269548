import assert from "node:assert/strict";
import { TASK_PERMISSIONS } from "../../lib/cli/mod.ts";
import { tinySynth } from "../train/_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ENTRY_POINTS = [
  "bin/data.ts",
  "bin/eval.ts",
  "bin/model.ts",
  "bin/preprocess.ts",
  "bin/train.ts",
  "experiments/main.ts",
  "bench/main.ts",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(script: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", ...TASK_PERMISSIONS, `${ROOT}${script}`, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Waits until `check()` is true (polling), or the child exits; returns whether it became true. */
async function waitFor(child: Deno.ChildProcess, check: () => Promise<boolean>): Promise<boolean> {
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  while (!exited && Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

Deno.test("every entry point exports main() and does nothing when imported", async () => {
  const code = ENTRY_POINTS.map((p, i) => `const m${i} = await import("${ROOT}${p}");`).join("\n") +
    `\nconsole.log(JSON.stringify([${
      ENTRY_POINTS.map((_, i) => `typeof m${i}.main`).join(", ")
    }]));`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    // An argument that would make any CLI fail (exit 2) if it ran at import.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-check",
        `--config=${ROOT}deno.json`,
        ...TASK_PERMISSIONS,
        file,
        "--bogus-flag",
      ],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const dec = new TextDecoder();
    const stderr = dec.decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.deepEqual(JSON.parse(dec.decode(out.stdout)), ENTRY_POINTS.map(() => "function"));
    assert.equal(stderr, "", "importing an entry point prints nothing");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("an unknown flag exits 2 in every task, naming the flag", async () => {
  const cases: [string, string[]][] = [
    ["bin/train.ts", ["--data", "d", "--out", "o", "--steps", "1", "--lerning-rate", "1"]],
    ["bin/eval.ts", ["--embedder", "faceapi", "--pairs", "p", "--data", "d", "--lerning-rate"]],
    ["bin/data.ts", ["scan", "d", "--lerning-rate", "1"]],
    ["bin/model.ts", ["nn2", "--lerning-rate", "1"]],
    ["bin/preprocess.ts", ["--in", "a", "--out", "b", "--lerning-rate", "1"]],
    ["experiments/main.ts", ["distance-eps", "--lerning-rate", "1"]],
  ];
  const results = await Promise.all(cases.map(([script, args]) => run(script, args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0]}: ${r.stderr}`);
    assert.match(r.stderr, /lerning-rate/, cases[i][0]);
    assert.equal(r.stdout, "", `${cases[i][0]} prints errors on stderr only`);
  });
  const bench = await run("bench/main.ts", ["no-such-bench"]);
  assert.equal(bench.code, 2);
  assert.match(bench.stderr, /unknown benchmark 'no-such-bench'/);
});

Deno.test("a missing data folder exits 1 (a runtime failure, not a usage error)", async () => {
  const missing = `${await Deno.makeTempDir()}/no-such-folder`;
  const cases: [string, string[]][] = [
    ["bin/train.ts", ["--data", missing, "--out", `${missing}-out`, "--steps", "1"]],
    ["bin/eval.ts", [
      "--embedder",
      "faceapi",
      "--pairs",
      `${missing}/pairs.csv`,
      "--data",
      missing,
    ]],
    ["bin/data.ts", ["scan", missing]],
    ["bin/preprocess.ts", ["--in", missing, "--out", `${missing}-out`]],
  ];
  const results = await Promise.all(cases.map(([script, args]) => run(script, args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 1, `${cases[i][0]}: ${r.stderr}`);
    assert.match(r.stderr, /no-such-folder' does not exist/, cases[i][0]);
  });
});

Deno.test("deno task train --json prints its summary as one JSON object on stdout", async () => {
  const data = await tinySynth();
  const out = await Deno.makeTempDir();
  try {
    const r = await run("bin/train.ts", [
      ...["--data", data, "--out", out, "--model", "tiny", "--size", "32", "--steps", "2"],
      ...["--p", "3", "--k", "3", "--holdout", "0.25", "--eval-count", "16", "--eval-every", "2"],
      ...["--backend", "wasm", "--progress", "silent", "--json"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1, `stdout is one line: ${r.stdout}`);
    const s = JSON.parse(lines[0]);
    assert.equal(s.step, 2);
    assert.equal(s.stopped, "completed");
    assert.equal(s.model, `${out}/model`);
    assert.equal(typeof s.loss, "number");
    assert.deepEqual(s.verification.map((v: { step: number }) => v.step), [2]);
    assert.ok(s.verification[0].accuracy >= 0 && s.verification[0].accuracy <= 1);
    // The human lines went to stderr.
    assert.match(r.stderr, /train: completed at step 2/);
    assert.match(r.stderr, /backend: wasm/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("deno task experiment --json prints its summary as one JSON object on stdout", async () => {
  const out = await Deno.makeTempDir();
  try {
    const r = await run("experiments/main.ts", [
      "distance-eps",
      "--preset",
      "ci",
      "--out",
      out,
      "--backend",
      "cpu",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1, `stdout is one line: ${r.stdout}`);
    const s = JSON.parse(lines[0]);
    assert.equal(s.experiment, "distance-eps");
    assert.equal(s.preset, "ci");
    assert.ok(s.dir.startsWith(out), s.dir);
    const written = JSON.parse(await Deno.readTextFile(`${s.dir}/summary.json`));
    assert.equal(written.experiment, "distance-eps");
    assert.match(r.stderr, /report: /);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("Ctrl-C (SIGINT) stops a task with exit code 130 and says how to resume", async () => {
  const out = `${await Deno.makeTempDir()}/synth`;
  const args = [
    "run",
    "--no-check",
    ...TASK_PERMISSIONS,
    `${ROOT}bin/data.ts`,
    "synth",
    "--out",
    out,
    ...["--identities", "400", "--per-identity", "8", "--size", "32", "--pairs", "0"],
    ...["--concurrency", "1"],
  ];
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const started = await waitFor(child, async () => {
    try {
      for await (const e of Deno.readDir(out)) if (e.isDirectory) return true;
    } catch {
      // not created yet
    }
    return false;
  });
  assert.ok(started, "synth started writing before it ended");
  child.kill("SIGINT");
  const r = await child.output();
  const stderr = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 130, stderr);
  assert.match(stderr, /interrupted; rerun the same command to resume/);
  await Deno.remove(out, { recursive: true });
});
