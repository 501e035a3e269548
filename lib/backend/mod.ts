/** Backend selection and training kernels. @module */
export * from "./init_backend.ts";
export * from "./training_kernels.ts";
export * from "./wasm_threads.ts";
export {
  applyWaitPolicy,
  chooseWaitPolicy,
  dnnlUnavailableReason,
  liveNativeObjects,
  NATIVE_BACKEND,
  NativeBackend,
  nativeThreads,
  registerNativeBackend,
} from "./native/mod.ts";
