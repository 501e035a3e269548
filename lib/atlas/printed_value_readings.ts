/**
 * The monograph labels its printed values ‖f(a) − f(p)‖²₂, yet its problem 1 prints 3.1622776e-04,
 * which is √1e-7 = √ε to all eight digits — what the √max(d², ε) distance layer outputs when the
 * embeddings coincide. So a printed value can be read two ways: as the distance layer's output d,
 * or as its square d². {@link readPrintedValue} works out both readings and what each implies for
 * the distance layer that produced it; {@link readingSentence} renders that from the numbers.
 *
 * - √max(d², ε) outputs d ≥ √ε (float32: ≥ 3.1622776e-4 for ε = 1e-7), exactly √ε at collapse.
 * - printed as d², the same layer gives max(d², ε) ≥ ε.
 * - plain √d² has no floor: any value ≥ 0, 0 at total collapse (and an infinite gradient there).
 *
 * @example
 * ```ts
 * import { readPrintedValue } from "./printed_value_readings.ts";
 * const p1 = readPrintedValue(3.1622776e-4);
 * console.assert(p1.asDistance.atEpsFloor && !p1.asSquared.atEpsFloor);
 * const p2 = readPrintedValue(7.6563555e-7);
 * console.assert(!p2.asDistance.epsLayerCanGive && p2.asSquared.epsLayerCanGive);
 * ```
 * @module
 */

/** One reading of a printed value. */
export interface PrintedReading {
  /** The distance d this reading implies. */
  d: number;
  /** Its square. */
  d2: number;
  /** Whether a √max(d², ε) layer can output it (d ≥ √ε up to float32 rounding). */
  epsLayerCanGive: boolean;
  /** Whether it is that layer's collapse value: d = √ε to float32 precision. */
  atEpsFloor: boolean;
}

/** Both readings of one printed value. */
export interface PrintedValueReadings {
  printed: number;
  eps: number;
  /** √ε in float32, what the ε layer outputs at collapse. */
  sqrtEps: number;
  /** The printed value is the layer's output d. */
  asDistance: PrintedReading;
  /** The printed value is d² (as the monograph's ‖·‖²₂ label says). */
  asSquared: PrintedReading;
}

/** Options of {@link readPrintedValue}. */
export interface ReadingOptions {
  /** The ε of √max(d², ε). Default 1e-7 (Keras' `K.epsilon()`, the monograph's code). */
  eps?: number;
}

function reading(d: number, sqrtEps: number): PrintedReading {
  const rel = 1e-6; // float32 has about 7 significant digits
  return {
    d,
    d2: d * d,
    epsLayerCanGive: d >= sqrtEps * (1 - rel),
    atEpsFloor: Math.abs(d - sqrtEps) <= sqrtEps * rel,
  };
}

/**
 * Both readings of `printed` (see the module doc).
 *
 * @example
 * ```ts
 * import { readPrintedValue } from "./printed_value_readings.ts";
 * console.assert(Math.abs(readPrintedValue(1e-6).asSquared.d - 1e-3) < 1e-12);
 * ```
 */
export function readPrintedValue(
  printed: number,
  options: ReadingOptions = {},
): PrintedValueReadings {
  const eps = options.eps ?? 1e-7;
  if (!(printed >= 0) || !Number.isFinite(printed)) {
    throw new Error(
      `readPrintedValue: the printed value must be a finite number ≥ 0, got ${printed}`,
    );
  }
  if (!(eps > 0)) throw new Error(`readPrintedValue: 'eps' must be > 0, got ${eps}`);
  const sqrtEps = Math.fround(Math.sqrt(eps));
  return {
    printed,
    eps,
    sqrtEps,
    asDistance: reading(printed, sqrtEps),
    asSquared: reading(Math.sqrt(printed), sqrtEps),
  };
}

const e = (x: number) => x.toExponential(2);

/**
 * One sentence per reading, from the numbers: what d and d² are, and whether the √max(d², ε) layer
 * can have produced the value (at its collapse floor or above it), else that another distance
 * (plain √d², no floor) or a printed d² must have.
 *
 * @example
 * ```ts
 * import { readingSentence, readPrintedValue } from "./printed_value_readings.ts";
 * const [asD] = readingSentence(readPrintedValue(3.1622776e-4));
 * console.assert(asD.includes("exactly √ε"));
 * ```
 */
export function readingSentence(r: PrintedValueReadings): [string, string] {
  const say = (what: string, x: PrintedReading) =>
    `Read as ${what}: d = ${e(x.d)}, d² = ${e(x.d2)}; ` +
    (x.atEpsFloor
      ? `that is exactly √ε = ${
        e(r.sqrtEps)
      }, the √max(d², ε) layer's output when the embeddings coincide.`
      : x.epsLayerCanGive
      ? `a √max(d², ε) layer can output it (above its floor √ε = ${e(r.sqrtEps)}), so the ` +
        `embeddings are ${e(x.d)} apart, not coincident.`
      : `below √ε = ${e(r.sqrtEps)}, so a √max(d², ε) layer cannot output it: a distance without ` +
        `the ε floor (plain √d²) produced it.`);
  return [
    say(`the distance d (the layer's output, printed ${e(r.printed)})`, r.asDistance),
    say(`d² (as the label ‖·‖²₂ says)`, r.asSquared),
  ];
}
