/**
 * Distance by name.
 * @module
 */
import type { Distance, DistanceName } from "./distance.ts";
import { euclidean } from "./euclidean.ts";
import { euclideanEps } from "./euclidean_eps.ts";
import { euclideanPlusEps } from "./euclidean_plus_eps.ts";
import { squaredEuclidean } from "./squared_euclidean.ts";
import { cosine } from "./cosine.ts";

/** Every built-in distance name, in a stable order. */
export const DISTANCE_NAMES: readonly DistanceName[] = [
  "euclidean",
  "euclideanEps",
  "euclideanPlusEps",
  "squaredEuclidean",
  "cosine",
];

/** Options of {@link createDistance}. */
export interface CreateDistanceOptions {
  /** ε of euclideanEps / euclideanPlusEps (ignored by the others). Default 1e-7. */
  eps?: number;
}

/**
 * Creates a distance from its name (for configs and the CLI).
 *
 * @example
 * ```ts
 * import { createDistance } from "./create_distance.ts";
 * console.assert(createDistance("cosine").smallerIsCloser);
 * ```
 */
export function createDistance(name: DistanceName, options: CreateDistanceOptions = {}): Distance {
  switch (name) {
    case "euclidean":
      return euclidean();
    case "euclideanEps":
      return euclideanEps(options);
    case "euclideanPlusEps":
      return euclideanPlusEps(options);
    case "squaredEuclidean":
      return squaredEuclidean();
    case "cosine":
      return cosine();
    default: {
      const bad: never = name;
      throw new Error(
        `createDistance: unknown distance '${bad}'; expected one of ${DISTANCE_NAMES.join(", ")}`,
      );
    }
  }
}
