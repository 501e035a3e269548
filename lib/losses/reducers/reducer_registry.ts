/**
 * The reducer registry: every built-in reducer's factory, by name. Adding a reducer is one new file
 * that exports its factory (`() => Reducer`) and one line here; {@link ReducerName},
 * {@link REDUCER_NAMES} and `createReducer` follow.
 *
 * @example
 * ```ts
 * import { REDUCER_NAMES, REDUCERS } from "./reducer_registry.ts";
 * console.assert(REDUCERS.sum().name === "sum");
 * console.assert(REDUCER_NAMES.length === 3);
 * ```
 * @module
 */
import { meanReducer } from "./mean_reducer.ts";
import { meanNonZeroReducer } from "./mean_non_zero_reducer.ts";
import { sumReducer } from "./sum_reducer.ts";

/** Every built-in reducer's factory, by name (in {@link REDUCER_NAMES}'s order). */
export const REDUCERS = {
  mean: meanReducer,
  meanNonZero: meanNonZeroReducer,
  sum: sumReducer,
} as const;

/** Names of the built-in reducers: the keys of {@link REDUCERS}. */
export type ReducerName = keyof typeof REDUCERS;

/** Every built-in reducer name, in the registry's order. */
export const REDUCER_NAMES: readonly ReducerName[] = Object.keys(REDUCERS) as ReducerName[];
