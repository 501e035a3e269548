/**
 * Distance by name.
 * @module
 */
import type { Distance } from "./distance.ts";
import {
  DISTANCE_NAMES,
  type DistanceName,
  type DistanceOptionsByName,
  DISTANCES,
} from "./distance_registry.ts";
import type { UnionToIntersection } from "../_union_to_intersection.ts";

/** Options of {@link createDistance}: every distance's options (ε of euclideanEps / euclideanPlusEps). */
export type CreateDistanceOptions = UnionToIntersection<DistanceOptionsByName[DistanceName]>;

/**
 * Creates a distance from its name (for configs and the CLI), by {@link DISTANCES}; each distance
 * reads the options it knows.
 *
 * @example
 * ```ts
 * import { createDistance } from "./create_distance.ts";
 * console.assert(createDistance("cosine").smallerIsCloser);
 * ```
 */
export function createDistance(name: DistanceName, options: CreateDistanceOptions = {}): Distance {
  if (!Object.hasOwn(DISTANCES, name)) {
    throw new Error(
      `createDistance: unknown distance '${name}'; expected one of ${DISTANCE_NAMES.join(", ")}`,
    );
  }
  const create: (options: CreateDistanceOptions) => Distance = DISTANCES[name];
  return create(options);
}
