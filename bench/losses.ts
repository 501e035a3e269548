/**
 * `deno task bench losses [--backend wasm] [--reps 3] [--p 45] [--k 40] [--dim 128] [--state random|clustered|both]`
 *
 * Times mining + loss + gradient on one [P·K, D] batch (default the paper's 45 identities × 40 images,
 * 128-d) for each miner: mining (distance matrix read back, JS selection), then the FaceNet triplet
 * loss (squared Euclidean, α = 0.2, hinge, mean) and its gradient with respect to the embeddings.
 * Two embedding states: "random" (unit vectors, as at initialisation) and "clustered" (unit vectors
 * near one centre per identity, as mid-training). Prints a table and JSON; numbers are medians of
 * `--reps` runs after one warm-up.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "@std/cli";
import { type BackendPreference, initBackend } from "../lib/backend/mod.ts";
import { createRng } from "../lib/random/mod.ts";
import {
  allTripletsMiner,
  batchAllMiner,
  countValidTriplets,
  DEFAULT_MAX_TRIPLETS,
  hardestMiner,
  meanReducer,
  type Miner,
  randomMiner,
  semihardMiner,
  squaredEuclidean,
  tripletLoss,
} from "../lib/losses/mod.ts";

interface Row {
  state: string;
  miner: string;
  triplets: number | null;
  mineMs: number | null;
  lossGradMs: number | null;
  totalMs: number | null;
  loss: number | null;
  note: string;
}

function embeddings(p: number, k: number, dim: number, state: string, seed: number): tf.Tensor2D {
  const rng = createRng(seed);
  const centres = Array.from({ length: p }, () => Array.from({ length: dim }, () => rng.normal()));
  const values = new Float32Array(p * k * dim);
  for (let i = 0; i < p * k; i++) {
    const c = centres[Math.floor(i / k)];
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = state === "clustered" ? c[d] + 1.5 * rng.normal() : rng.normal();
      values[i * dim + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dim; d++) values[i * dim + d] /= Math.sqrt(norm);
  }
  return tf.tensor2d(values, [p * k, dim]);
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function main(args: string[]): Promise<void> {
  const flags = parseArgs(args, {
    string: ["backend", "reps", "p", "k", "dim", "state"],
    default: { backend: "wasm", reps: "3", p: "45", k: "40", dim: "128", state: "both" },
  });
  const choice = await initBackend(String(flags.backend) as BackendPreference);
  console.log(choice.summary);
  const reps = Number(flags.reps),
    p = Number(flags.p),
    k = Number(flags.k),
    dim = Number(flags.dim);
  const states = flags.state === "both" ? ["random", "clustered"] : [String(flags.state)];
  const labels = Array.from({ length: p * k }, (_, i) => Math.floor(i / k));
  const distance = squaredEuclidean();
  const loss = tripletLoss({ margin: 0.2, distance, form: "hinge" });
  const reducer = meanReducer();
  const rows: Row[] = [];
  for (const state of states) {
    const x = embeddings(p, k, dim, state, 1);
    const miners: Miner[] = [
      randomMiner({ seed: 1 }),
      allTripletsMiner(),
      semihardMiner({ margin: 0.2, distance }),
      hardestMiner({ distance }),
      batchAllMiner({ margin: 0.2, distance }),
    ];
    for (const miner of miners) {
      const mineTimes: number[] = [], lossTimes: number[] = [];
      let triplets = 0, value = NaN, note = "";
      try {
        for (let r = 0; r <= reps; r++) {
          const t0 = performance.now();
          const t = await miner.mine(x, labels);
          const t1 = performance.now();
          const { value: v, grad } = tf.valueAndGrad((e: tf.Tensor) =>
            reducer.reduce(loss.compute(e as tf.Tensor2D, labels, t))
          )(x);
          value = (await v.data())[0];
          await grad.data();
          const t2 = performance.now();
          tf.dispose([v, grad]);
          triplets = t.anchors.length;
          if (r > 0) { // the first run is a warm-up
            mineTimes.push(t1 - t0);
            lossTimes.push(t2 - t1);
          }
        }
      } catch (e) {
        note = e instanceof Error ? e.message.split(";")[0] : String(e);
      }
      const ok = mineTimes.length > 0;
      rows.push({
        state,
        miner: miner.name,
        triplets: ok ? triplets : null,
        mineMs: ok ? median(mineTimes) : null,
        lossGradMs: ok ? median(lossTimes) : null,
        totalMs: ok ? median(mineTimes.map((m, i) => m + lossTimes[i])) : null,
        loss: ok ? value : null,
        note: ok ? "" : note,
      });
    }
    x.dispose();
  }
  const load = Deno.loadavg().map((v) => v.toFixed(2));
  const fmt = (v: number | null, digits = 0) => (v === null ? "—" : v.toFixed(digits));
  console.log(
    `\nlosses bench: batch [${p * k},${dim}] = ${p} identities × ${k}, ${choice.name}, ` +
      `triplet hinge α=0.2 squaredEuclidean + mean + gradient, median of ${reps}` +
      ` (valid triplets ${countValidTriplets(labels)}, cap ${DEFAULT_MAX_TRIPLETS}; ` +
      `load average ${load.join(" ")} on ${navigator.hardwareConcurrency} cores)\n`,
  );
  console.log("| state | miner | triplets | mine ms | loss+grad ms | total ms | loss | note |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows) {
    console.log(
      `| ${r.state} | ${r.miner} | ${r.triplets ?? "—"} | ${fmt(r.mineMs)} | ${
        fmt(r.lossGradMs)
      } | ` +
        `${fmt(r.totalMs)} | ${fmt(r.loss, 4)} | ${r.note} |`,
    );
  }
  console.log(
    "\n" + JSON.stringify({
      bench: "losses",
      backend: choice.name,
      p,
      k,
      dim,
      reps,
      loadAverage: Deno.loadavg(),
      cores: navigator.hardwareConcurrency,
      rows,
    }),
  );
}
