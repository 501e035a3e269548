/** The native backend: oneDNN (`libdnnl.so.2`) through Deno FFI. @module */
export * from "./dnnl.ts";
export * from "./primitive_cache.ts";
export * from "./conv_primitives.ts";
export * from "./pool_primitives.ts";
export * from "./matmul_primitives.ts";
export * from "./elementwise_primitives.ts";
export * from "./native_kernels.ts";
export * from "./native_backend.ts";
export * from "./native_threads.ts";
export * from "./relu_grad.ts";
