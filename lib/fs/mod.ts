/** File-system helpers shared by lib and the entry points. @module */
export * from "./exists.ts";
export * from "./fnv1a.ts";
