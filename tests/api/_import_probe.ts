/**
 * Imports the module named by the first argument and reports, on stderr, which tfjs backend is
 * active afterwards ("backend=undefined" when none was chosen). Run by lazy_import_test.ts
 * without --allow-ffi, so a native addon loaded at import fails the import.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

await import(Deno.args[0]);
Deno.stderr.writeSync(new TextEncoder().encode(`backend=${tf.engine().backendName}`));
