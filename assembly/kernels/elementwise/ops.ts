// The elementwise ops as marker types, and their four-lane bodies. Kernels
// instantiate the inlined driver (drive.ts) with an op type; every `is<O, X>()`
// test below is then a compile-time constant, so each kernel compiles only its own
// body (an op code passed as an argument is not folded before the optimizer and
// made the unoptimized module huge).
import { k4, ki4, sel4, signbits4, exp4, expm1_4, log4, log1p4, tanh4, sigmoid4, erf4, softplus4, gelu4 } from "./vmath";
import { sincos4, pow4 } from "./vtrig";

// Arity and cost classes. Cheap ops (a few instructions) get their contiguous
// loops unrolled 4x to hide the loop overhead; transcendental bodies are long
// enough without it.
class Unary {}
class CheapUnary extends Unary {}
class Binary {}
class CheapBinary extends Binary {}
class Ternary {}

export class Copy extends CheapUnary {}
export class Neg extends CheapUnary {}
export class Abs extends CheapUnary {}
export class Sign extends CheapUnary {}
export class Relu extends CheapUnary {}
export class LeakyRelu extends CheapUnary {}
export class Square extends CheapUnary {}
export class Clamp extends CheapUnary {}
export class Floor extends CheapUnary {}
export class Ceil extends CheapUnary {}
export class Round extends CheapUnary {}
export class CastF32I32 extends CheapUnary {}
export class CastI32F32 extends CheapUnary {}
export class Exp extends Unary {}
export class Log extends Unary {}
export class Sqrt extends Unary {}
export class Rsqrt extends Unary {}
export class Tanh extends Unary {}
export class Sigmoid extends Unary {}
export class Elu extends Unary {}
export class Gelu extends Unary {}
export class Softplus extends Unary {}
export class Sin extends Unary {}
export class Cos extends Unary {}
export class Reciprocal extends Unary {}
export class Erf extends Unary {}
export class Expm1 extends Unary {}
export class Log1p extends Unary {}

export class Add extends CheapBinary {}
export class Sub extends CheapBinary {}
export class Mul extends CheapBinary {}
export class Div extends Binary {}
export class Pow extends Binary {}
export class Maximum extends CheapBinary {}
export class Minimum extends CheapBinary {}
export class Eq extends CheapBinary {}
export class Ne extends CheapBinary {}
export class Lt extends CheapBinary {}
export class Le extends CheapBinary {}
export class Gt extends CheapBinary {}
export class Ge extends CheapBinary {}
export class IAdd extends CheapBinary {}
export class ISub extends CheapBinary {}
export class IMul extends CheapBinary {}
export class IMaximum extends CheapBinary {}
export class IMinimum extends CheapBinary {}
export class IEq extends CheapBinary {}
export class INe extends CheapBinary {}
export class ILt extends CheapBinary {}
export class ILe extends CheapBinary {}
export class IGt extends CheapBinary {}
export class IGe extends CheapBinary {}

/** y = a != 0 ? b : c, a being the i32 condition. */
export class Where extends Ternary {}

@inline export function is<O, T>(): bool { return idof<O>() == idof<T>(); }

/** Number of inputs of an op. */
@inline export function arity<O>(): i32 {
  return changetype<O>(0) instanceof Ternary ? 3 : changetype<O>(0) instanceof Binary ? 2 : 1;
}

@inline export function cheap<O>(): bool {
  return changetype<O>(0) instanceof CheapUnary || changetype<O>(0) instanceof CheapBinary ||
    changetype<O>(0) instanceof Ternary;
}

// A comparison mask (all ones) as the integer 1.
@inline function bool4(m: v128): v128 { return i32x4.shr_u(m, 31); }

/** The op on four lanes; p0 and p1 are the splatted scalar parameters. */
@inline export function apply<O>(a: v128, b: v128, c: v128, p0: v128, p1: v128): v128 {
  if (is<O, Copy>()) return a;
  if (is<O, Neg>()) return f32x4.neg(a);
  if (is<O, Exp>()) return exp4(a);
  if (is<O, Log>()) return log4(a);
  if (is<O, Sqrt>()) return f32x4.sqrt(a);
  if (is<O, Rsqrt>()) return f32x4.div(k4(1.0), f32x4.sqrt(a));
  if (is<O, Abs>()) return f32x4.abs(a);
  if (is<O, Sign>()) {
    // +-1 with the sign of a for nonzero lanes; +0 for zeros and NaNs, as PyTorch's (0 < x) - (x < 0).
    const one = v128.or(k4(1.0), signbits4(a));
    return v128.and(one, v128.and(f32x4.ne(a, k4(0.0)), f32x4.eq(a, a)));
  }
  if (is<O, Tanh>()) return tanh4(a);
  if (is<O, Sigmoid>()) return sigmoid4(a);
  // a <= 0 is false for NaN, so NaN passes through.
  if (is<O, Relu>()) return v128.andnot(a, f32x4.le(a, k4(0.0)));
  if (is<O, LeakyRelu>()) return sel4(a, f32x4.mul(a, p0), f32x4.gt(a, k4(0.0)));
  if (is<O, Elu>()) return sel4(a, f32x4.mul(expm1_4(a), p0), f32x4.gt(a, k4(0.0)));
  if (is<O, Gelu>()) return gelu4(a);
  if (is<O, Softplus>()) return softplus4(a, p0, p1);
  if (is<O, Sin>()) return sincos4(a, false);
  if (is<O, Cos>()) return sincos4(a, true);
  if (is<O, Square>()) return f32x4.mul(a, a);
  if (is<O, Reciprocal>()) return f32x4.div(k4(1.0), a);
  if (is<O, Clamp>()) {
    // pmax/pmin with a first keep a NaN a; a NaN bound makes every lane NaN (PyTorch).
    const bad = v128.or(f32x4.ne(p0, p0), f32x4.ne(p1, p1));
    return v128.or(f32x4.pmin(f32x4.pmax(a, p0), p1), bad);
  }
  if (is<O, Erf>()) return erf4(a);
  if (is<O, Floor>()) return f32x4.floor(a);
  if (is<O, Ceil>()) return f32x4.ceil(a);
  if (is<O, Round>()) return f32x4.nearest(a);
  if (is<O, Expm1>()) return expm1_4(a);
  if (is<O, Log1p>()) return log1p4(a);
  if (is<O, CastF32I32>()) return i32x4.trunc_sat_f32x4_s(a);
  if (is<O, CastI32F32>()) return f32x4.convert_i32x4_s(a);

  if (is<O, Add>()) return f32x4.add(a, b);
  if (is<O, Sub>()) return f32x4.sub(a, b);
  if (is<O, Mul>()) return f32x4.mul(a, b);
  if (is<O, Div>()) return f32x4.div(a, b);
  if (is<O, Pow>()) return pow4(a, b);
  // Wasm's min/max propagate NaN and order -0 < +0, as PyTorch does.
  if (is<O, Maximum>()) return f32x4.max(a, b);
  if (is<O, Minimum>()) return f32x4.min(a, b);
  if (is<O, Eq>()) return bool4(f32x4.eq(a, b));
  if (is<O, Ne>()) return bool4(f32x4.ne(a, b));
  if (is<O, Lt>()) return bool4(f32x4.lt(a, b));
  if (is<O, Le>()) return bool4(f32x4.le(a, b));
  if (is<O, Gt>()) return bool4(f32x4.gt(a, b));
  if (is<O, Ge>()) return bool4(f32x4.ge(a, b));

  if (is<O, IAdd>()) return i32x4.add(a, b);
  if (is<O, ISub>()) return i32x4.sub(a, b);
  if (is<O, IMul>()) return i32x4.mul(a, b);
  if (is<O, IMaximum>()) return i32x4.max_s(a, b);
  if (is<O, IMinimum>()) return i32x4.min_s(a, b);
  if (is<O, IEq>()) return bool4(i32x4.eq(a, b));
  if (is<O, INe>()) return bool4(i32x4.ne(a, b));
  if (is<O, ILt>()) return bool4(i32x4.lt_s(a, b));
  if (is<O, ILe>()) return bool4(i32x4.le_s(a, b));
  if (is<O, IGt>()) return bool4(i32x4.gt_s(a, b));
  if (is<O, IGe>()) return bool4(i32x4.ge_s(a, b));

  // WHERE: a is the i32 condition.
  return v128.bitselect(b, c, i32x4.ne(a, ki4(0)));
}
