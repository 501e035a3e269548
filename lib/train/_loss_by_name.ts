/**
 * Builds a loss by name: lib/losses' `createLoss` when it exists, else `tripletLoss` for "triplet".
 * (An adapter while the loss zoo's factory lands; the contract names `createLoss(name, opts)`.)
 * @module
 */
import * as losses from "../losses/mod.ts";
import type { EmbeddingLoss, LossName } from "../losses/mod.ts";

/** The loss `name` with `options` (margin, distance, form, …). */
export function lossByName(name: LossName, options: Record<string, unknown>): EmbeddingLoss {
  const factory = (losses as unknown as Record<string, unknown>).createLoss;
  if (typeof factory === "function") {
    return (factory as (n: LossName, o: Record<string, unknown>) => EmbeddingLoss)(name, options);
  }
  if (name === "triplet") return losses.tripletLoss(options as losses.TripletLossOptions);
  throw new Error(
    `trainEmbedding: loss '${name}' is not available (lib/losses has no createLoss yet)`,
  );
}
