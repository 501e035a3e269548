import assert from "node:assert/strict";
import { parseArgs } from "../../lib/cli/mod.ts";

Deno.test("parseArgs() reads strings, booleans, negations, collect and positionals like @std/cli", () => {
  const a = parseArgs([
    "run",
    "--size=96",
    "--seed",
    "3",
    "--no-color",
    "--set",
    "a=1",
    "--set",
    "b=2",
    "-v",
  ], {
    string: ["size", "seed"],
    boolean: ["color", "v"],
    collect: ["set"],
    default: { color: true },
  });
  assert.deepEqual(a._, ["run"]);
  assert.equal(a.size, "96");
  assert.equal(a.seed, "3");
  assert.equal(a.color, false);
  assert.equal(a.v, true);
  assert.deepEqual(a.set, ["a=1", "b=2"]);
});

Deno.test("parseArgs() reports unknown flags through the unknown callback", () => {
  const seen: string[] = [];
  parseArgs(["--bogus", "1"], { string: ["size"], unknown: (arg) => (seen.push(arg), false) });
  assert.deepEqual(seen, ["--bogus"]);
});

Deno.test("parseArgs() treats aliases as one flag under both names, like @std/cli", () => {
  const seen: string[] = [];
  const opts = {
    boolean: ["help"],
    string: ["out"],
    alias: { h: "help", o: "out" },
    unknown: (arg: string) => (seen.push(arg), false),
  };
  const long = parseArgs(["--help", "--out", "x"], opts);
  const short = parseArgs(["-h", "-o", "x"], opts);
  assert.equal(long.help, true);
  assert.equal(long.h, true);
  assert.equal(short.help, true);
  assert.equal(short.out, "x");
  assert.equal(long.o, "x");
  assert.deepEqual(seen, []);
});
