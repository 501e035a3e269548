import { createModel, renderSummary, summarizeModel } from "./lib/model/mod.ts";
import { initBackend } from "./lib/backend/mod.ts";
await initBackend("cpu");
const s = summarizeModel(createModel(Deno.args[0] as "nn2"));
console.log(renderSummary(s));
console.log(s.total);
