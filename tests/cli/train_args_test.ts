import assert from "node:assert/strict";
import { parseTrainArgs } from "../../lib/cli/train_args.ts";

Deno.test("parseTrainArgs() reads the documented flags with FaceNet's defaults", () => {
  const a = parseTrainArgs([
    "--data",
    "d",
    "--out",
    "o",
    "--steps",
    "50",
    "--model",
    "nn4-small2",
    "--width",
    "0.5",
    "--miner",
    "semihard",
    "--margin",
    "0.2",
    "--optimizer",
    "adagrad",
    "--lr",
    "0.05",
    "--p",
    "6",
    "--k",
    "5",
    "--size",
    "96",
    "--resume",
    "--backend",
    "cpu",
    "--seed",
    "3",
    "--holdout",
    "0.2",
  ]);
  assert.equal(a.config.data, "d");
  assert.equal(a.config.distance, "squaredEuclidean");
  assert.equal(a.config.loss, "triplet");
  assert.equal(a.config.width, 0.5);
  assert.equal(a.config.p, 6);
  assert.equal(a.resume, true);
  assert.equal(a.backend, "cpu");
  assert.equal(a.holdout, 0.2);
  assert.equal(
    parseTrainArgs(["--data", "d", "--out", "o", "--steps", "1", "--holdout", "rest"]).holdout,
    "rest",
  );
});

Deno.test("parseTrainArgs() rejects unknown flags and bad values, naming them", () => {
  const ok = ["--data", "d", "--out", "o", "--steps", "5"];
  assert.throws(
    () => parseTrainArgs([...ok, "--lerning-rate", "1"]),
    /unknown flag '--lerning-rate'/,
  );
  assert.throws(
    () => parseTrainArgs([...ok, "--optimizer", "rmsprop"]),
    /--optimizer must be one of .* got 'rmsprop'/,
  );
  assert.throws(
    () => parseTrainArgs([...ok, "--p", "2.5"]),
    /--p must be an integer ≥ 2, got '2.5'/,
  );
  assert.throws(() => parseTrainArgs(["--out", "o", "--steps", "5"]), /--data DIR is required/);
  assert.throws(() => parseTrainArgs([...ok, "--holdout", "2"]), /--holdout must be a fraction/);
  assert.throws(() => parseTrainArgs([...ok, "extra"]), /unexpected argument 'extra'/);
});
