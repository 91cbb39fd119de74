// Two-lane float64 helpers for pow, which needs extra precision: computing in
// double and rounding once at the end makes it correctly rounded but for rare ties.
@inline export function madd2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}
@inline export function k2(c: f64): v128 { return f64x2.splat(c); }

/** log2 of two positive doubles; inf and NaN lanes return x. */
@inline export function log2d(x: v128): v128 {
  // z = x / 2^k in [sqrt(1/2), sqrt(2)), by subtracting the bits of sqrt(1/2).
  // The bias 1024 << 52 keeps the difference unsigned: a logical shift (one
  // instruction, where x86 has no 64-bit arithmetic shift) then gives k + 1024.
  const t = i64x2.add(i64x2.sub(x, i64x2.splat(0x3FE6A09E667F3BCD)), i64x2.splat(0x4000000000000000));
  const kk = i64x2.sub(i64x2.shr_u(t, 52), i64x2.splat(1024));
  const z = i64x2.sub(x, i64x2.shl(kk, 52));
  // log z = 2 atanh(s), s = (z - 1) / (z + 1), |s| < 0.172: seven odd terms.
  const s = f64x2.div(f64x2.sub(z, k2(1.0)), f64x2.add(z, k2(1.0)));
  const s2 = f64x2.mul(s, s);
  let p = madd2(k2(1.0 / 15.0), s2, k2(1.0 / 13.0));
  p = madd2(p, s2, k2(1.0 / 11.0));
  p = madd2(p, s2, k2(1.0 / 9.0));
  p = madd2(p, s2, k2(1.0 / 7.0));
  p = madd2(p, s2, k2(1.0 / 5.0));
  p = madd2(p, s2, k2(1.0 / 3.0));
  const s2x = f64x2.add(s, s);
  const lnz = madd2(f64x2.mul(s2x, s2), p, s2x);
  const kf = f64x2.convert_low_i32x4_s(i8x16.shuffle(kk, kk, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11));
  let y = madd2(lnz, k2(1.4426950408889634), kf);
  y = v128.bitselect(k2(-Infinity), y, f64x2.eq(x, k2(0.0)));
  return v128.bitselect(x, y, v128.not(f64x2.lt(x, k2(Infinity))));
}

/** 2^t of two doubles; |t| > 200 saturates (inf or 0 once narrowed to float). */
@inline export function exp2d(t: v128): v128 {
  t = f64x2.pmax(f64x2.pmin(t, k2(200.0)), k2(-200.0));
  // Rounding by adding 1.5 * 2^52 leaves n as an integer in the low mantissa bits.
  const m = f64x2.add(t, k2(6755399441055744.0));
  const n = f64x2.sub(m, k2(6755399441055744.0));
  const y = f64x2.mul(f64x2.sub(t, n), k2(0.6931471805599453));
  // Taylor series of e^y, |y| <= ln2/2, to degree 10 (error < 3e-13).
  let p = madd2(k2(1.0 / 3628800.0), y, k2(1.0 / 362880.0));
  p = madd2(p, y, k2(1.0 / 40320.0));
  p = madd2(p, y, k2(1.0 / 5040.0));
  p = madd2(p, y, k2(1.0 / 720.0));
  p = madd2(p, y, k2(1.0 / 120.0));
  p = madd2(p, y, k2(1.0 / 24.0));
  p = madd2(p, y, k2(1.0 / 6.0));
  p = madd2(p, y, k2(0.5));
  p = madd2(p, y, k2(1.0));
  p = madd2(p, y, k2(1.0));
  const ni = i64x2.sub(m, i64x2.splat(0x4338000000000000));
  return f64x2.mul(p, i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52));
}
