/**
 * Training kernels the wasm (and cpu) backends lack or run slowly. PLACEHOLDER: the backend work
 * fills this in (Conv2DBackpropFilter/Input, depthwise backprops, UnsortedSegmentSum, cpu fallback).
 * @module
 */

/** Registers the toolkit's training kernels for a backend. Idempotent. */
export function registerTrainingKernels(_backend: "wasm" | "cpu"): void {
}
