// The pooling descriptor and the valid taps of one window.
import { rangeStart, rangeEnd, fillF32, loadS } from "../conv/geometry";

export { fillF32, loadS };

/** The pool descriptor laid over its memory (see assembly/README.md). */
@unmanaged export class PoolDesc {
  N: i32; C: i32; H: i32; W: i32; kH: i32; kW: i32; OH: i32; OW: i32;
  sH: i32; sW: i32; pH: i32; pW: i32; dH: i32; dW: i32;
}

/** First valid tap of a window starting at input coordinate `o` (padding taps skipped). */
@inline export function tapStart(o: i32, dil: i32, k: i32): i32 {
  if (o >= 0) return 0;
  return dil == 1 ? min(-o, k) : rangeStart(o, dil, k);
}

/** One past the last valid tap of a window starting at `o` over an axis of length L. */
@inline export function tapEnd(o: i32, dil: i32, L: i32, k: i32): i32 {
  // dilation 1 needs no division: this runs once per border output.
  if (dil == 1) return max(min(k, L - o), tapStart(o, 1, k));
  return rangeEnd(o, dil, L, k);
}

/**
 * [colStart, colEnd): the output columns whose windows lie wholly inside the row, so
 * that they need no per-column tap range; `extra` more floats past the last tap
 * must exist too (the stride-2 vector scatter touches one).
 */
@inline export function colStart(d: PoolDesc): i32 { return rangeStart(-d.pW, d.sW, d.OW); }
@inline export function colEnd(d: PoolDesc, extra: i32): i32 {
  return max(colStart(d), rangeEnd(-d.pW + (d.kW - 1) * d.dW + extra, d.sW, d.W, d.OW));
}

/** a where the mask lanes are all ones, else b: one blend instruction in the relaxed
 *  build (the masks here are whole-lane compare results, so the relaxed form is exact). */
@inline export function select4(a: v128, b: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, m);
  return v128.bitselect(a, b, m);
}
