/**
 * A helper thread of the wasm heap's jobs (`_panel_threads.ts`): instantiates the panel module on
 * the shared wasm heap, then waits on the control words for jobs and takes tiles until none are
 * left. It never returns to its event loop; the pool unrefs it, so it does not keep a process alive.
 * @module
 */
import { parentPort } from "node:worker_threads";
import { type ControlInit, workOnJobs } from "./_panel_threads.ts";
import { heapContextOn } from "./_heap_jobs.ts";

if (parentPort) {
  parentPort.once("message", (init: ControlInit) => {
    workOnJobs(heapContextOn(init.memory), init.control);
  });
}
