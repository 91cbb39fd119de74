// Private SIMD helpers of the reduce family: log on four lanes, partial-width loads
// and stores, horizontal reductions (exp of non-positive lanes lives in ../common,
// shared with the elementwise sigmoid).
import { madd4, expNeg4 } from "../common";
export { expNeg4 };


/**
 * Natural log on four lanes, Cephes logf style (a few ulps for normal inputs).
 * log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, log(NaN) = NaN. Denormal
 * inputs are treated as 0 (callers here only pass sums >= 1 or specials).
 */
@inline export function log4(x: v128): v128 {
  const bits = x;
  // Mantissa m in [0.5, 1) and exponent e with x = m 2^e.
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  // Move m to [sqrt(1/2), sqrt(2)) so the polynomial argument is small.
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(small, f32x4.splat(1.0)));
  m = f32x4.sub(f32x4.add(m, v128.and(small, m)), f32x4.splat(1.0));
  const z = f32x4.mul(m, m);
  let p = f32x4.splat(7.0376836292e-2);
  p = madd4(p, m, f32x4.splat(-1.1514610310e-1));
  p = madd4(p, m, f32x4.splat(1.1676998740e-1));
  p = madd4(p, m, f32x4.splat(-1.2420140846e-1));
  p = madd4(p, m, f32x4.splat(1.4249322787e-1));
  p = madd4(p, m, f32x4.splat(-1.6668057665e-1));
  p = madd4(p, m, f32x4.splat(2.0000714765e-1));
  p = madd4(p, m, f32x4.splat(-2.4999993993e-1));
  p = madd4(p, m, f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = madd4(e, f32x4.splat(-2.12194440e-4), y);
  y = madd4(z, f32x4.splat(-0.5), y);
  y = f32x4.add(m, y);
  y = madd4(e, f32x4.splat(0.693359375), y);
  // Specials: x < 2^-126 (0 and denormals) -> -inf, x < 0 -> NaN, +inf -> inf, NaN -> NaN.
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.lt(x, f32x4.splat(1.17549435e-38)));
  y = v128.bitselect(f32x4.splat(NaN), y, f32x4.lt(x, f32x4.splat(0.0)));
  y = v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

/** Load `w` (1..4) consecutive floats at p; missing lanes are 0. Never reads past p + 4w. */
@inline export function ldw(p: usize, w: i32): v128 {
  if (w == 4) return v128.load(p);
  if (w == 2) return v128.load64_zero(p);
  if (w == 1) return v128.load32_zero(p);
  return v128.load32_lane(p, v128.load64_zero(p), 2, 8);
}

/** Store the first `w` (1..4) lanes of v at p. */
@inline export function stw(p: usize, v: v128, w: i32): void {
  if (w == 4) { v128.store(p, v); return; }
  if (w == 1) { v128.store32_lane(p, v, 0); return; }
  v128.store64_lane(p, v, 0);
  if (w == 3) v128.store32_lane(p, v, 2, 8);
}

@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 2)) +
    (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3));
}

/** NaN-propagating max/min of four lanes given a separate any-NaN mask. */
@inline export function hmax(v: v128, nan: v128): f32 {
  if (v128.any_true(nan)) return NaN;
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

@inline export function hmin(v: v128, nan: v128): f32 {
  if (v128.any_true(nan)) return NaN;
  return min(min(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    min(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** All-ones lanes where a is NaN. */
@inline export function isnan4(a: v128): v128 {
  return f32x4.ne(a, a);
}
