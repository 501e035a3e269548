/**
 * Reducer by name.
 * @module
 */
import type { Reducer, ReducerName } from "./reducer.ts";
import { meanReducer } from "./mean_reducer.ts";
import { meanNonZeroReducer } from "./mean_non_zero_reducer.ts";
import { sumReducer } from "./sum_reducer.ts";

/** Every built-in reducer name. */
export const REDUCER_NAMES: readonly ReducerName[] = ["mean", "meanNonZero", "sum"];

/**
 * Creates a reducer from its name.
 *
 * @example
 * ```ts
 * import { createReducer } from "./create_reducer.ts";
 * console.assert(createReducer("sum").name === "sum");
 * ```
 */
export function createReducer(name: ReducerName): Reducer {
  switch (name) {
    case "mean":
      return meanReducer();
    case "meanNonZero":
      return meanNonZeroReducer();
    case "sum":
      return sumReducer();
    default: {
      const bad: never = name;
      throw new Error(
        `createReducer: unknown reducer '${bad}'; expected one of ${REDUCER_NAMES.join(", ")}`,
      );
    }
  }
}
