/**
 * The distance registry: every built-in distance's factory, by name. Adding a distance is one new
 * file that exports its factory (`(options?) => Distance`) and one line here; {@link DistanceName},
 * {@link DISTANCE_NAMES} and `createDistance` follow.
 *
 * @example
 * ```ts
 * import { DISTANCE_NAMES, DISTANCES } from "./distance_registry.ts";
 * console.assert(DISTANCES.cosine().name === "cosine");
 * console.assert(DISTANCE_NAMES.includes("euclideanEps"));
 * ```
 * @module
 */
import { euclidean } from "./euclidean.ts";
import { euclideanEps } from "./euclidean_eps.ts";
import { euclideanPlusEps } from "./euclidean_plus_eps.ts";
import { squaredEuclidean } from "./squared_euclidean.ts";
import { cosine } from "./cosine.ts";

/** Every built-in distance's factory, by name (in {@link DISTANCE_NAMES}'s order). */
export const DISTANCES = {
  euclidean,
  euclideanEps,
  euclideanPlusEps,
  squaredEuclidean,
  cosine,
} as const;

/** Names of the distances the toolkit provides: the keys of {@link DISTANCES}. */
export type DistanceName = keyof typeof DISTANCES;

/** Every built-in distance name, in a stable order (the registry's). */
export const DISTANCE_NAMES: readonly DistanceName[] = Object.keys(DISTANCES) as DistanceName[];

/** Each distance's options: the parameter of its factory (never for those without options). */
export type DistanceOptionsByName = {
  [K in DistanceName]: NonNullable<Parameters<(typeof DISTANCES)[K]>[0]>;
};
