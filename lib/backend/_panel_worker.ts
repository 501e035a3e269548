/**
 * A helper thread of the wasm heap's jobs (`_panel_threads.ts`): instantiates the panel module on
 * the shared wasm heap, then waits on the control words for jobs and takes tiles until none are
 * left. It never returns to its event loop; the pool unrefs it, so it does not keep a process alive.
 * @module
 */
import { parentPort } from "node:worker_threads";
import { panelModuleBytes } from "./_wasm_gemm_module.ts";
import { panelsOf } from "./_filter_grad_panels.ts";
import { type ControlInit, workOnJobs } from "./_panel_threads.ts";
import type { HeapContext } from "./_heap_jobs.ts";

if (parentPort) {
  parentPort.once("message", (init: ControlInit) => {
    const module = new WebAssembly.Module(panelModuleBytes(true));
    const instance = new WebAssembly.Instance(module, { env: { memory: init.memory } });
    workOnJobs(
      {
        panels: panelsOf(instance),
        convs: panelsOf(instance, "conv_"),
        reluGrad: instance.exports.relu_grad as HeapContext["reluGrad"],
        lrn: {
          fwd: instance.exports.lrn_fwd as HeapContext["lrn"]["fwd"],
          grad: instance.exports.lrn_grad as HeapContext["lrn"]["grad"],
        },
        poolGrad: {
          max: instance.exports.pool_max_grad as HeapContext["poolGrad"]["max"],
          avg: instance.exports.pool_avg_grad as HeapContext["poolGrad"]["avg"],
        },
        memory: init.memory,
      },
      init.control,
    );
  });
}
