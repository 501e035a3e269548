/**
 * Synthetic-set throughput, for the data benchmark: renders a fresh set into a temporary folder
 * (removed afterwards) and reports images written per second.
 *
 * @example
 * ```ts
 * import { measureSynth } from "./synth_measure.ts";
 * const m = await measureSynth({ identities: 2, perIdentity: 3, size: 32 });
 * console.assert(m.images === 6 && m.imagesPerSecond > 0);
 * ```
 * @module
 */
import { generateSynth } from "./synth.ts";

/** Options of {@link measureSynth}. */
export interface MeasureSynthOptions {
  /** Default 50. */
  identities?: number;
  /** Default 10. */
  perIdentity?: number;
  /** Default 96. */
  size?: number;
  /** Default 1. */
  difficulty?: number;
  /** Default "png". */
  format?: "png" | "jpg";
  /** Images rendered at once. Default 4 (generateSynth's default). */
  concurrency?: number;
  /** Default 0. */
  seed?: number;
}

/** Throughput of {@link generateSynth}. */
export interface SynthThroughput {
  size: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  concurrency: number;
}

/** Times one {@link generateSynth} run (pairs.csv and synth.json included) in a temporary folder. */
export async function measureSynth(options: MeasureSynthOptions = {}): Promise<SynthThroughput> {
  const dir = await Deno.makeTempDir({ prefix: "synth_measure_" });
  try {
    const r = await generateSynth(dir, {
      identities: options.identities ?? 50,
      perIdentity: options.perIdentity ?? 10,
      size: options.size ?? 96,
      difficulty: options.difficulty,
      format: options.format,
      concurrency: options.concurrency ?? 4,
      seed: options.seed,
    });
    return {
      size: options.size ?? 96,
      images: r.written,
      seconds: r.seconds,
      imagesPerSecond: r.written / r.seconds,
      concurrency: options.concurrency ?? 4,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
