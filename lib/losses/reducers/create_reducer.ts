/**
 * Reducer by name.
 * @module
 */
import type { Reducer } from "./reducer.ts";
import { REDUCER_NAMES, type ReducerName, REDUCERS } from "./reducer_registry.ts";

/**
 * Creates a reducer from its name, by {@link REDUCERS}.
 *
 * @example
 * ```ts
 * import { createReducer } from "./create_reducer.ts";
 * console.assert(createReducer("sum").name === "sum");
 * ```
 */
export function createReducer(name: ReducerName): Reducer {
  if (!Object.hasOwn(REDUCERS, name)) {
    throw new Error(
      `createReducer: unknown reducer '${name}'; expected one of ${REDUCER_NAMES.join(", ")}`,
    );
  }
  return REDUCERS[name]();
}
