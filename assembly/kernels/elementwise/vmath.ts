// Four-lane float32 approximations of the transcendental functions.
// Special values are handled with lane masks, never per lane, so contiguous,
// broadcast and strided calls give bit-identical results. The only branches (erf,
// gelu) skip work that no lane needs. Coefficients are Cephes' (exp, log, erf near
// 0) or fitted here (the erfc tail); the tests and the sweeps reported with the
// kernels check them against float64.
import { madd4, expNegInRange4 } from "../common";

@inline export function k4(c: f32): v128 { return f32x4.splat(c); }
@inline export function ki4(c: i32): v128 { return i32x4.splat(c); }

/** a where mask is set, else b. blendvps on x86 in the relaxed build. */
@inline export function sel4(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}

@inline export function signbits4(x: v128): v128 { return v128.and(x, ki4(0x80000000)); }

// Clamping with pmin/pmax keeps a NaN in x (x is the first operand), so NaN lanes
// fall through the polynomial and come out as NaN without extra masks.
@inline function clamp4(x: v128, lo: f32, hi: f32): v128 {
  return f32x4.pmax(f32x4.pmin(x, k4(hi)), k4(lo));
}

// ln2 split so that n * LN2_HI is exact for |n| < 2^15 without FMA (Cody-Waite).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const LOG2E: f32 = 1.44269504088896341;

/** exp(r) - 1 on |r| <= ln2/2 as r + r^2 P(r); relative error ~1 ulp, so expm1 can reuse it. */
@inline function expm1Poly(r: v128): v128 {
  let p = madd4(k4(1.9875691500e-4), r, k4(1.3981999507e-3));
  p = madd4(p, r, k4(8.3334519073e-3));
  p = madd4(p, r, k4(4.1665795894e-2));
  p = madd4(p, r, k4(1.6666665459e-1));
  p = madd4(p, r, k4(5.0000001201e-1));
  return madd4(f32x4.mul(r, r), p, r);
}

/** r = x - n ln2 for an integral n (as float), in two steps (Cody-Waite). */
@inline function reduceLn2(x: v128, n: v128): v128 {
  const r = madd4(n, k4(-LN2_HI), x);
  return madd4(n, k4(-LN2_LO), r);
}

// Adding 1.5 * 2^23 rounds |t| < 2^22 to an integer (ties to even) that then sits in
// the low mantissa bits: one add gives both the rounded float and, by subtracting
// the bits of the constant, the integer. Cheaper than nearest + trunc_sat, which is
// a five-instruction sequence on x86.
const ROUND_MAGIC: f32 = 12582912.0;
@inline export function roundMagic(t: v128): v128 { return f32x4.add(t, k4(ROUND_MAGIC)); }
@inline export function magicFloat(m: v128): v128 { return f32x4.sub(m, k4(ROUND_MAGIC)); }
@inline export function magicInt(m: v128): v128 { return i32x4.sub(m, ki4(0x4b400000)); }

/** 2^n for integer lanes n in [-126, 127]: the exponent field built directly. */
@inline function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, ki4(127)), 23);
}

@inline export function exp4(x: v128): v128 {
  // Beyond [-104, 89] exp is 0 or inf in float32; the clamp keeps 2^n constructible.
  x = clamp4(x, -104.0, 89.0);
  const m = roundMagic(f32x4.mul(x, k4(LOG2E)));
  const n = magicFloat(m);
  const r = reduceLn2(x, n);
  const e = f32x4.add(expm1Poly(r), k4(1.0));
  // n spans [-150, 128]: scaling by two halves of 2^n reaches both inf and the
  // subnormals, with a single rounding at the end.
  const ni = magicInt(m);
  const n1 = i32x4.shr_s(ni, 1);
  return f32x4.mul(f32x4.mul(e, pow2i(n1)), pow2i(i32x4.sub(ni, n1)));
}

@inline export function expm1_4(x: v128): v128 {
  // Below -25 the result is -1 in float32.
  const xc = clamp4(x, -25.0, 89.0);
  const m = roundMagic(f32x4.mul(xc, k4(LOG2E)));
  const u = expm1Poly(reduceLn2(xc, magicFloat(m)));
  // expm1(x) = 2^n u + (2^n - 1); 2^n - 1 is exact for n <= 24 so there is no
  // cancellation near 0. n = 128 (x in (88.38, 89]) does not fit the exponent
  // field: use 2^127 and double the result.
  const ni = magicInt(m);
  const big = i32x4.gt_s(ni, ki4(127));
  const s: v128 = pow2i(i32x4.min_s(ni, ki4(127)));
  let y = madd4(s, u, f32x4.sub(s, k4(1.0)));
  y = f32x4.mul(y, sel4(k4(2.0), k4(1.0), big));
  // Keep the sign of zero (expm1(-0) = -0).
  return sel4(x, y, f32x4.eq(x, k4(0.0)));
}

const SQRTHF: f32 = 0.707106781186547524;

@inline export function log4(x: v128): v128 {
  // Subnormals: scale into the normal range first and correct the exponent.
  const sub = f32x4.lt(x, k4(1.17549435e-38));
  const xs = sel4(f32x4.mul(x, k4(8388608.0)), x, sub);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), ki4(126));
  e = i32x4.add(e, v128.and(sub, ki4(-23)));
  // Mantissa in [0.5, 1), then moved to [sqrt(1/2), sqrt(2)) so f = m - 1 is small.
  const m = v128.or(v128.and(xs, ki4(0x007fffff)), ki4(0x3f000000));
  const lo = f32x4.lt(m, k4(SQRTHF));
  e = i32x4.add(e, lo);
  const f = f32x4.sub(f32x4.add(m, v128.and(m, lo)), k4(1.0));
  const z = f32x4.mul(f, f);
  let p = madd4(k4(7.0376836292e-2), f, k4(-1.1514610310e-1));
  p = madd4(p, f, k4(1.1676998740e-1));
  p = madd4(p, f, k4(-1.2420140846e-1));
  p = madd4(p, f, k4(1.4249322787e-1));
  p = madd4(p, f, k4(-1.6668057665e-1));
  p = madd4(p, f, k4(2.0000714765e-1));
  p = madd4(p, f, k4(-2.4999993993e-1));
  p = madd4(p, f, k4(3.3333331174e-1));
  const ef = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = madd4(ef, k4(LN2_LO), y);
  y = madd4(z, k4(-0.5), y);
  y = madd4(ef, k4(LN2_HI), f32x4.add(f, y));
  y = sel4(k4(-Infinity), y, f32x4.eq(x, k4(0.0)));
  y = sel4(x, y, f32x4.eq(x, k4(Infinity)));
  // Negative and NaN lanes: NaN.
  return v128.or(y, v128.not(f32x4.ge(x, k4(0.0))));
}

@inline export function log1p4(x: v128): v128 {
  const u = f32x4.add(x, k4(1.0));
  // log(u) misses the rounding error of 1 + x; (x - (u - 1)) / u puts it back.
  const c = f32x4.div(f32x4.sub(x, f32x4.sub(u, k4(1.0))), u);
  const ok = v128.and(f32x4.gt(u, k4(0.0)), f32x4.lt(u, k4(Infinity)));
  const y = f32x4.add(log4(u), v128.and(c, ok));
  return sel4(x, y, f32x4.eq(x, k4(0.0)));
}

@inline export function tanh4(x: v128): v128 {
  // tanh |x| = u / (u + 2), u = expm1(2 |x|): no cancellation near 0 (expm1 is
  // relative there), and beyond |x| = 10 the ratio rounds to exactly 1 (the clamp
  // keeps inf / inf out). The sign goes back last, which keeps tanh(-0) = -0.
  const ax = f32x4.pmin(f32x4.abs(x), k4(10.0));
  const u = expm1_4(f32x4.add(ax, ax));
  return v128.or(f32x4.div(u, f32x4.add(u, k4(2.0))), signbits4(x));
}

@inline export function sigmoid4(x: v128): v128 {
  // exp(-|x|) never overflows; e / (1 + e) for x < 0 keeps tiny results accurate.
  // z = -|x| <= 0 takes the short exp of non-positive lanes, which flushes below
  // -87.3; a vector with such a lane (a subnormal sigmoid) takes the full exp4.
  const z = v128.or(x, ki4(0x80000000));
  const e = v128.any_true(f32x4.lt(z, k4(-87.0))) ? exp4(z) : expNegInRange4(z);
  const num = sel4(e, k4(1.0), f32x4.lt(x, k4(0.0)));
  return f32x4.div(num, f32x4.add(e, k4(1.0)));
}

/** erf(x) = x T(x^2) for |x| <= 1 (Cephes erff). */
@inline function erfSmall4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = madd4(k4(7.853861353153693e-5), z, k4(-8.010193625184903e-4));
  p = madd4(p, z, k4(5.188327685732524e-3));
  p = madd4(p, z, k4(-2.685381193529856e-2));
  p = madd4(p, z, k4(1.128358514861418e-1));
  p = madd4(p, z, k4(-3.761262582423300e-1));
  p = madd4(p, z, k4(1.128379165726710));
  return f32x4.mul(x, p);
}

/**
 * erfc(z) for z >= 0.5, where 1 - erf cancels: g(z) exp(-z^2) with g = erfc e^(z^2)
 * a (4, 5) rational fitted on [0.5, 10.5] (relative error 3e-8). The square is
 * split exactly (h + l, Dekker) so the large exponent does not amplify its rounding.
 * It comes from w: z^2 = w^2 / 2 when scaled (gelu's z = x / sqrt 2, whose rounding
 * alone would cost 2 z^2 ulps), else z^2 = w^2.
 */
@inline function erfcTail4(z: v128, w: v128, scaled: bool): v128 {
  // erfc(10.5) underflows float32; clamping keeps inf out of the arithmetic.
  z = f32x4.pmin(z, k4(10.5));
  w = f32x4.pmin(w, k4(scaled ? 14.85 : 10.5));
  let p = madd4(k4(0.04419383779168129), z, k4(0.27550798654556274));
  p = madd4(p, z, k4(0.8221014738082886));
  p = madd4(p, z, k4(1.3175231218338013));
  p = madd4(p, z, k4(1.0000104904174805));
  let q = madd4(k4(0.07833127677440643), z, k4(0.48833638429641724));
  q = madd4(q, z, k4(1.4960942268371582));
  q = madd4(q, z, k4(2.5816681385040283));
  q = madd4(q, z, k4(2.446004629135132));
  q = madd4(q, z, k4(1.0));
  let h = f32x4.mul(w, w);
  const wh = v128.and(w, ki4(0xfffff000));
  const wl = f32x4.sub(w, wh);
  let l = f32x4.sub(f32x4.mul(wh, wh), h);
  l = f32x4.add(l, f32x4.mul(f32x4.add(wh, wh), wl));
  l = f32x4.add(l, f32x4.mul(wl, wl));
  if (scaled) {
    h = f32x4.mul(h, k4(0.5));
    l = f32x4.mul(l, k4(0.5));
  }
  // exp(-h - l) = exp(-h) (1 - l), |l| <= 2^-24 h.
  const y = f32x4.mul(f32x4.div(p, q), exp4(f32x4.neg(h)));
  return madd4(f32x4.neg(y), l, y);
}

/** erf: x T(x^2) below |x| = 1, 1 - erfc above. */
@inline export function erf4(x: v128): v128 {
  const y = erfSmall4(x);
  const ax = f32x4.abs(x);
  const tail = v128.not(f32x4.lt(ax, k4(1.0))); // NaN lanes too: T(NaN) is NaN anyway
  if (!v128.any_true(tail)) return y;
  const big = v128.or(f32x4.sub(k4(1.0), erfcTail4(ax, ax, false)), signbits4(x));
  return sel4(big, y, v128.and(tail, f32x4.eq(x, x)));
}

/** softplus with PyTorch's threshold: x where beta x > threshold. */
@inline export function softplus4(x: v128, beta: v128, threshold: v128): v128 {
  const bx = f32x4.mul(x, beta);
  const y = f32x4.div(log1p4(exp4(bx)), beta);
  return sel4(x, y, f32x4.gt(bx, threshold));
}

/**
 * gelu(x) = x Phi(x) = 0.5 x (1 + erf(z)), z = x / sqrt 2. 1 + erf(z) cancels for
 * z < 0 (giving only an absolute accuracy in the tail, as PyTorch's float formula
 * does), so below z = -0.5 it is erfc(-z), and above z = 1 it is 2 - erfc(z).
 */
@inline export function gelu4(x: v128): v128 {
  const z = f32x4.mul(x, k4(0.7071067811865476));
  const hx = f32x4.mul(x, k4(0.5));
  const y = f32x4.mul(hx, f32x4.add(erfSmall4(z), k4(1.0)));
  const mid = v128.and(f32x4.gt(z, k4(-0.5)), f32x4.lt(z, k4(1.0)));
  if (i32x4.all_true(mid)) return y;
  const c = erfcTail4(f32x4.abs(z), f32x4.abs(x), true);
  const phi2 = sel4(c, f32x4.sub(k4(2.0), c), f32x4.lt(z, k4(0.0)));
  // x clamped so that very negative x gives -0 rather than x * 0 rounding oddly.
  const t = f32x4.mul(f32x4.mul(f32x4.pmax(x, k4(-15.0)), k4(0.5)), phi2);
  // NaN lanes are not mid but must keep y (NaN); -inf gives NaN (-inf * 0), as in PyTorch.
  const r = sel4(y, t, v128.or(mid, f32x4.ne(x, x)));
  return sel4(k4(NaN), r, f32x4.eq(x, k4(-Infinity)));
}
