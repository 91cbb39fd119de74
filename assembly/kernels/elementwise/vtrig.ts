// Four-lane sin, cos and pow.
import { madd4 } from "../common";
import { k4, ki4, sel4, roundMagic, magicFloat, magicInt } from "./vmath";
import { log2d, exp2d } from "./vf64";

// pi/2 in four parts (SLEEF's PI_A..PI_D halved): the first three have at most 9
// significant bits, so j * part is exact for |j| < 2^15 even without FMA.
const PIO2_A: f32 = 1.5703125;
const PIO2_B: f32 = 4.8351287841796875e-4;
const PIO2_C: f32 = 3.13855707645416259765625e-7;
const PIO2_D: f32 = 6.077100628276710381e-11;
const TWO_OVER_PI: f32 = 0.636619772367581343;
// Beyond this the reduction above loses accuracy; such lanes go to Mathf (Payne-Hanek).
const TRIG_MAX: f32 = 39000.0;

/** sin (cos = false) or cos (cos = true) of four lanes. */
@inline export function sincos4(x: v128, cos: bool): v128 {
  // |x| <= TRIG_MAX keeps |j| < 2^22 for the magic rounding; larger lanes are redone below.
  const mj = roundMagic(f32x4.mul(x, k4(TWO_OVER_PI)));
  const j = magicFloat(mj);
  let r = madd4(j, k4(-PIO2_A), x);
  r = madd4(j, k4(-PIO2_B), r);
  r = madd4(j, k4(-PIO2_C), r);
  r = madd4(j, k4(-PIO2_D), r);
  const z = f32x4.mul(r, r);
  // Cephes sinf/cosf kernels on |r| <= pi/4.
  let ps = madd4(k4(-1.9515295891e-4), z, k4(8.3321608736e-3));
  ps = madd4(ps, z, k4(-1.6666654611e-1));
  const s = madd4(f32x4.mul(ps, z), r, r);
  let pc = madd4(k4(2.443315711809948e-5), z, k4(-1.388731625493765e-3));
  pc = madd4(pc, z, k4(4.166664568298827e-2));
  const c = madd4(f32x4.mul(pc, z), z, madd4(z, k4(-0.5), k4(1.0)));
  // x = j pi/2 + r: quadrant q = j (sin) or j + 1 (cos, as sin(x + pi/2)).
  let q = magicInt(mj);
  if (cos) q = i32x4.add(q, ki4(1));
  const odd = i32x4.ne(v128.and(q, ki4(1)), ki4(0));
  let y = v128.xor(sel4(c, s, odd), i32x4.shl(v128.and(q, ki4(2)), 30));
  if (v128.any_true(f32x4.gt(f32x4.abs(x), k4(TRIG_MAX)))) y = sincosScalar(x, cos);
  // The reduction turns -0 into +0; sin(-0) is -0.
  if (!cos) y = sel4(x, y, f32x4.eq(x, k4(0.0)));
  return y;
}

// Rare path (|x| > 39000 or inf), kept out of line.
function sincosScalar(x: v128, cos: bool): v128 {
  const f0 = f32x4.extract_lane(x, 0), f1 = f32x4.extract_lane(x, 1);
  const f2 = f32x4.extract_lane(x, 2), f3 = f32x4.extract_lane(x, 3);
  if (cos) return f32x4(Mathf.cos(f0), Mathf.cos(f1), Mathf.cos(f2), Mathf.cos(f3));
  return f32x4(Mathf.sin(f0), Mathf.sin(f1), Mathf.sin(f2), Mathf.sin(f3));
}

// pow works in float64 (two lanes at a time) as musl's powf does: log2 to ~1e-12
// and exp2 to ~1e-13 make the float result correctly rounded but for rare ties.
@inline function powHalf(ax: v128, b: v128): v128 {
  const t = f64x2.mul(f64x2.promote_low_f32x4(b), log2d(f64x2.promote_low_f32x4(ax)));
  return f32x4.demote_f64x2_zero(exp2d(t));
}

/** pow with C99 / PyTorch special values (pow(x, 0) = 1, pow(1, y) = 1, pow(-1, +-inf) = 1). */
@inline export function pow4(a: v128, b: v128): v128 {
  const ax = f32x4.abs(a);
  const lo = powHalf(ax, b);
  const hi = powHalf(i64x2.shuffle(ax, ax, 1, 0), i64x2.shuffle(b, b, 1, 0));
  let y = i64x2.shuffle(lo, hi, 0, 2);
  // A negative base: odd integer exponents flip the sign, non-integers give NaN.
  const bt = f32x4.trunc(b);
  const isInt = f32x4.eq(bt, b);
  const odd = v128.and(
    v128.and(isInt, f32x4.lt(f32x4.abs(b), k4(16777216.0))),
    i32x4.shl(i32x4.trunc_sat_f32x4_s(bt), 31),
  );
  y = v128.xor(y, v128.and(odd, v128.and(a, ki4(0x80000000))));
  const bad = v128.and(f32x4.lt(a, k4(0.0)), v128.andnot(f32x4.lt(ax, k4(Infinity)), isInt));
  y = v128.or(y, bad);
  const one = v128.or(
    v128.or(f32x4.eq(b, k4(0.0)), f32x4.eq(a, k4(1.0))),
    v128.and(f32x4.eq(ax, k4(1.0)), f32x4.eq(f32x4.abs(b), k4(Infinity))),
  );
  return sel4(k4(1.0), y, one);
}
