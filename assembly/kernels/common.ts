// Helpers shared by every kernel family.

/** a * b + c on four lanes: one FMA in the relaxed build, a multiply and an add otherwise. */
@inline export function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The i-th i32 of a descriptor. */
@inline export function desc(d: usize, i: i32): i32 {
  return load<i32>(d + (<usize>i << 2));
}

/** Byte address of element `i` of an f32/i32 array at `p`. */
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/**
 * exp on four lanes for x <= 0 (or NaN), which is all softmax (x - max) and sigmoid
 * (exp(-|x|)) need.
 * Degree-5 minimax polynomial on [-ln2/2, ln2/2] after a two-part ln2 range
 * reduction (the coefficients of XNNPACK's rr2-p5 softmax kernels): at most
 * 2.3 ulps off exp over [-87.3, 0] (checked against Math.exp in a scan of 4M points).
 * Results below 2^-126 (x < -87.34) flush to 0, so exp(-inf) = 0; exp(NaN) = NaN.
 * 20 instructions (13 with FMA), about half of a full-range exp: no clamping and
 * a single scale, because for x <= 0 the exponent n + 127 stays in [1, 127].
 */
@inline export function expNeg4(x: v128): v128 {
  // Below the cutoff t and the scale are garbage (-inf gives NaN): force 0. A NaN x
  // fails the compare and keeps its NaN.
  return v128.andnot(expNegInRange4(x), f32x4.lt(x, f32x4.splat(-87.33654475)));
}

/** expNeg4 for lanes known to lie in [-87.3, 0] (or NaN): no cutoff mask. */
@inline export function expNegInRange4(x: v128): v128 {
  // n = round(x / ln2) with the 1.5 * 2^23 + 127 trick: t's low mantissa bits hold
  // n + 127, so shifting them left by 23 gives 2^n without a float->int conversion.
  const magic = f32x4.splat(12583039.0);
  const t = madd4(x, f32x4.splat(1.44269504088896341), magic);
  const scale = i32x4.shl(t, 23);
  const n = f32x4.sub(t, magic);
  // r = x - n ln2 in two parts (Cody-Waite); n * 0.693359375 is exact.
  let r = madd4(n, f32x4.splat(-0.693359375), x);
  r = madd4(n, f32x4.splat(2.12194440e-4), r);
  let p = madd4(f32x4.splat(0.008289290592074394), r, f32x4.splat(0.04189782217144966));
  p = madd4(p, r, f32x4.splat(0.16667652130126953));
  p = madd4(p, r, f32x4.splat(0.4999915063381195));
  p = madd4(p, r, f32x4.splat(0.9999997019767761));
  // exp(x) = 2^n (1 + r p(r)) = s + (r s) p
  return madd4(f32x4.mul(r, scale), p, scale);
}
