/**
 * Internal: the intersection of a union's members (the options every registered piece accepts).
 * @module
 */

/** `A | B | C` → `A & B & C` (never members vanish). */
export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends
  (x: infer I) => void ? I : never;
