import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./lib/backend/mod.ts";
import { createModel } from "./lib/model/mod.ts";
await initBackend("wasm");
const [name, size, batch] = [Deno.args[0] ?? "nn4-small2", Number(Deno.args[1] ?? 96), Number(Deno.args[2] ?? 16)];
const model = createModel(name as "nn2", { inputSize: size });
const x = tf.randomUniform([batch, size, size, 3], -1, 1);
const opt = tf.train.sgd(1e-3);
const step = () => { const l = opt.minimize(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, true)!; return l; };
(await step()).dispose();
const info = await tf.profile(async () => { const l = step(); await l.data(); l.dispose(); });
const agg = new Map<string, [number, number]>();
let total = 0;
for (const k of info.kernels) { const t = await (k.kernelTimeMs as number | Promise<number>) as number; total += t; const a = agg.get(k.name) ?? [0, 0]; a[0] += t; a[1]++; agg.set(k.name, a); }
console.log("total kernel ms", total.toFixed(0));
for (const [k, [t, n]] of [...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.log(k.padEnd(30), t.toFixed(0).padStart(7), n);
