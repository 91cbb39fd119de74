// Exports of the elementwise kernel family (see assembly/README.md).
// Every kernel is the shared driver (drive.ts) instantiated with one op type (ops.ts).
import { drive } from "./drive";
import * as op from "./ops";

// Unary f32: f32_v<op>(rank, desc, x, y, p0, p1).
export function f32_vcopy(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Copy>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vneg(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Neg>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vexp(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Exp>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vlog(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Log>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsqrt(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Sqrt>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vrsqrt(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Rsqrt>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vabs(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Abs>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsign(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Sign>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vtanh(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Tanh>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsigmoid(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Sigmoid>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vrelu(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Relu>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vleaky_relu(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.LeakyRelu>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_velu(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Elu>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vgelu(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Gelu>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsoftplus(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Softplus>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsin(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Sin>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vcos(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Cos>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vsquare(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Square>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vreciprocal(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Reciprocal>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vclamp(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Clamp>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_verf(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Erf>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vfloor(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Floor>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vceil(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Ceil>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vround(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Round>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vexpm1(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Expm1>(rank, d, x, 0, 0, y, p0, p1); }
export function f32_vlog1p(rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32): void { drive<op.Log1p>(rank, d, x, 0, 0, y, p0, p1); }

// Binary f32: f32_v<op>(rank, desc, a, b, y).
export function f32_vadd(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Add>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vsub(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Sub>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vmul(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Mul>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vdiv(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Div>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vpow(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Pow>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vmaximum(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Maximum>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vminimum(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Minimum>(rank, d, a, b, 0, y, 0, 0); }

// Comparisons write i32 0 / 1.
export function f32_vcmp_eq(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Eq>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vcmp_ne(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Ne>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vcmp_lt(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Lt>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vcmp_le(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Le>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vcmp_gt(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Gt>(rank, d, a, b, 0, y, 0, 0); }
export function f32_vcmp_ge(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.Ge>(rank, d, a, b, 0, y, 0, 0); }

/** y = cond != 0 ? a : b, with an i32 cond. */
export function f32_where(rank: i32, d: usize, cond: usize, a: usize, b: usize, y: usize): void { drive<op.Where>(rank, d, cond, a, b, y, 0, 0); }

/** Truncates toward zero; NaN gives 0 and out-of-range values saturate. */
export function cast_f32_i32(rank: i32, d: usize, x: usize, y: usize): void { drive<op.CastF32I32>(rank, d, x, 0, 0, y, 0, 0); }
export function cast_i32_f32(rank: i32, d: usize, x: usize, y: usize): void { drive<op.CastI32F32>(rank, d, x, 0, 0, y, 0, 0); }

// i32 data: copies (copy moves bits, so the f32 op serves), arithmetic wrapping mod 2^32, comparisons.
export function i32_vcopy(rank: i32, d: usize, x: usize, y: usize): void { drive<op.Copy>(rank, d, x, 0, 0, y, 0, 0); }
export function i32_vadd(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IAdd>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vsub(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.ISub>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vmul(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IMul>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vmaximum(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IMaximum>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vminimum(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IMinimum>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_eq(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IEq>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_ne(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.INe>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_lt(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.ILt>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_le(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.ILe>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_gt(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IGt>(rank, d, a, b, 0, y, 0, 0); }
export function i32_vcmp_ge(rank: i32, d: usize, a: usize, b: usize, y: usize): void { drive<op.IGe>(rank, d, a, b, 0, y, 0, 0); }
