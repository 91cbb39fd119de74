// Elementwise kernels (kernels/elementwise) against scalar references computed here:
// float64 Math for the approximations, exact f32 / i32 arithmetic for the rest.
// Every op runs over the SIMD edge sizes in every layout the driver distinguishes
// (contiguous, a stride-0 broadcast of each input, transposed 2-D, permuted and
// broadcast rank 3 and 4, in place), then special values are checked one by one.
import * as ew from "../kernels/elementwise/index";

type Un = (rank: i32, d: usize, x: usize, y: usize, p0: f32, p1: f32) => void;
type Bin = (rank: i32, d: usize, a: usize, b: usize, y: usize) => void;
type Cast = (rank: i32, d: usize, x: usize, y: usize) => void;

const UN_NAMES: StaticArray<string> = ["copy", "neg", "exp", "log", "sqrt", "rsqrt", "abs", "sign",
  "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "softplus", "sin", "cos", "square",
  "reciprocal", "clamp", "erf", "floor", "ceil", "round", "expm1", "log1p"];
const UN: StaticArray<Un> = [ew.f32_vcopy, ew.f32_vneg, ew.f32_vexp, ew.f32_vlog, ew.f32_vsqrt,
  ew.f32_vrsqrt, ew.f32_vabs, ew.f32_vsign, ew.f32_vtanh, ew.f32_vsigmoid, ew.f32_vrelu,
  ew.f32_vleaky_relu, ew.f32_velu, ew.f32_vgelu, ew.f32_vsoftplus, ew.f32_vsin, ew.f32_vcos,
  ew.f32_vsquare, ew.f32_vreciprocal, ew.f32_vclamp, ew.f32_verf, ew.f32_vfloor, ew.f32_vceil,
  ew.f32_vround, ew.f32_vexpm1, ew.f32_vlog1p];
// Binary: f32 arithmetic (0-6), f32 comparisons (7-12), i32 arithmetic (13-17), i32 comparisons (18-23).
const BIN_NAMES: StaticArray<string> = ["add", "sub", "mul", "div", "pow", "maximum", "minimum",
  "eq", "ne", "lt", "le", "gt", "ge", "i32 add", "i32 sub", "i32 mul", "i32 maximum", "i32 minimum",
  "i32 eq", "i32 ne", "i32 lt", "i32 le", "i32 gt", "i32 ge"];
const BIN: StaticArray<Bin> = [ew.f32_vadd, ew.f32_vsub, ew.f32_vmul, ew.f32_vdiv, ew.f32_vpow,
  ew.f32_vmaximum, ew.f32_vminimum, ew.f32_vcmp_eq, ew.f32_vcmp_ne, ew.f32_vcmp_lt, ew.f32_vcmp_le,
  ew.f32_vcmp_gt, ew.f32_vcmp_ge, ew.i32_vadd, ew.i32_vsub, ew.i32_vmul, ew.i32_vmaximum,
  ew.i32_vminimum, ew.i32_vcmp_eq, ew.i32_vcmp_ne, ew.i32_vcmp_lt, ew.i32_vcmp_le, ew.i32_vcmp_gt,
  ew.i32_vcmp_ge];
const CAST_NAMES: StaticArray<string> = ["cast_f32_i32", "cast_i32_f32", "i32_vcopy"];
const CAST: StaticArray<Cast> = [ew.cast_f32_i32, ew.cast_i32_f32, ew.i32_vcopy];

const SIZES: StaticArray<i32> = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 129];
// Layouts: contiguous, input k (0..2) broadcast, transposed 2-D, rank 3, rank 4, in place,
// every input broadcast.
const CONTIG = 0, BCAST0 = 1, STRIDED = 4, RANK3 = 5, RANK4 = 6, INPLACE = 7, ALL_BCAST = 8;
const MAXN = 12 * 129;
const GUARD = 16; // elements after the output that must stay untouched
const SENTINEL = 0x5eadbeef;

const A = heap.alloc(MAXN << 2), B = heap.alloc(MAXN << 2), C = heap.alloc(MAXN << 2);
const Y = heap.alloc((MAXN + GUARD) << 2), D = heap.alloc(64 << 2);
const INS: StaticArray<usize> = [A, B, C];

let seed: u32 = 12345;
function rnd(): f64 { // uniform [0, 1)
  seed = seed * 1664525 + 1013904223;
  return <f64>(seed >>> 8) / 16777216.0;
}
@inline function fa(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function ia(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function dset(i: i32, v: i32): void { store<i32>(D + (<usize>i << 2), v); }
@inline function dget(i: i32): i32 { return load<i32>(D + (<usize>i << 2)); }

let failures = 0;
let firstFailure = "";
function bad(msg: string): void {
  if (failures == 0) firstFailure = msg;
  failures++;
}

// Descriptor: shape, y strides (row-major contiguous), then the strides of up to three inputs.
let rank = 1, total = 0;
function strides(k: i32, s0: i32, s1: i32, s2: i32, s3: i32): void {
  const base = (2 + k) * rank;
  dset(base, s0);
  if (rank > 1) dset(base + 1, s1);
  if (rank > 2) dset(base + 2, s2);
  if (rank > 3) dset(base + 3, s3);
}
function layout(l: i32, n: i32): void {
  rank = l == STRIDED ? 2 : l == RANK3 ? 3 : l == RANK4 ? 4 : 1;
  if (rank == 1) dset(0, n);
  else if (rank == 2) { dset(0, 3); dset(1, n); }
  else if (rank == 3) { dset(0, 2); dset(1, 3); dset(2, n); }
  else { dset(0, 2); dset(1, 2); dset(2, 3); dset(3, n); }
  total = 1;
  for (let d = rank - 1; d >= 0; d--) { dset(rank + d, total); total *= dget(d); }
  if (rank == 1) for (let k = 0; k < 3; k++) strides(k, l == BCAST0 + k || l == ALL_BCAST ? 0 : 1, 0, 0, 0);
  // Input 0 is stored with its dims reversed (transposed), 1 and 2 broadcast some dims.
  if (rank == 2) { strides(0, 1, 3, 0, 0); strides(1, 0, 1, 0, 0); strides(2, n, 1, 0, 0); }
  if (rank == 3) { strides(0, 1, 2, 6, 0); strides(1, 0, n, 1, 0); strides(2, 3 * n, n, 1, 0); }
  if (rank == 4) { strides(0, 1, 2, 4, 12); strides(1, 3 * n, 0, n, 1); strides(2, 0, 0, 1, 3); }
}
/** Offset of flat output index t in the array with strides at slot (2 + k) * rank. */
function off(t: i32, k: i32): i32 {
  let o = 0;
  for (let d = rank - 1; d >= 0; d--) {
    const n = dget(d);
    o += (t % n) * dget((2 + k) * rank + d);
    t /= n;
  }
  return o;
}
function extent(k: i32): i32 {
  let e = 1;
  for (let d = 0; d < rank; d++) e += (dget(d) - 1) * dget((2 + k) * rank + d);
  return e;
}
function clearY(): void {
  for (let i = 0; i < total + GUARD; i++) store<i32>(Y + (<usize>i << 2), SENTINEL);
}
function guardOk(name: string, l: i32, n: i32): void {
  for (let i = total; i < total + GUARD; i++) {
    if (ia(Y, i) != SENTINEL) { bad(name + " wrote past its output, layout " + l.toString() + " n " + n.toString()); return; }
  }
}

// Input domains.
const ANY = 0, WIDE = 1, POS = 2, GT_M1 = 3, EXPR = 4, TRIG = 5, NONZERO = 6, FEW = 7, INT = 8, COND = 9;
function gen(dom: i32): f64 {
  const u = rnd();
  if (dom == WIDE) return 16 * u - 8;
  if (dom == POS) return 1e-3 + 10 * u;
  if (dom == GT_M1) return -0.999 + 11 * u;
  if (dom == EXPR) return 24 * u - 12;
  if (dom == TRIG) return 40 * u - 20;
  if (dom == NONZERO) return (u < 0.5 ? -1 : 1) * (0.25 + 8 * rnd());
  if (dom == FEW) return u < 0.1 ? NaN : floor(5 * rnd()) - 2; // ties, NaN
  if (dom == INT) return u < 0.3 ? floor(2e9 * rnd()) - 1e9 : floor(9 * rnd()) - 4;
  if (dom == COND) return u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.85 ? -1 : 7;
  return 8 * u - 4;
}
function fill(k: i32, dom: i32, asInt: bool): void {
  const e = extent(k);
  for (let i = 0; i < e; i++) {
    const v = gen(dom);
    if (asInt) store<i32>(INS[k] + (<usize>i << 2), <i32>v);
    else store<f32>(INS[k] + (<usize>i << 2), <f32>v);
  }
}

// Reference erf / erfc in f64: a positive series below 2.5, a continued fraction above.
function erfc64(x: f64): f64 {
  if (x < 0) return 2 - erfc64(-x);
  if (x < 2.5) return 1 - erf64(x);
  let f = x;
  for (let n = 120; n >= 1; n--) f = x + (<f64>n / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
function erf64(x: f64): f64 {
  if (x < 0) return -erf64(-x);
  if (x >= 2.5) return 1 - erfc64(x);
  let t = 1.0, s = 1.0;
  for (let n = 1; n < 200 && t > 1e-18 * s; n++) { t *= 2 * x * x / <f64>(2 * n + 1); s += t; }
  return 2 * x / Math.sqrt(Math.PI) * Math.exp(-x * x) * s;
}

const P0: StaticArray<f32> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 1.3, 0, 1.5, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0];
const P1: StaticArray<f32> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
function unDomain(op: i32): i32 {
  if (op == 3 || op == 4 || op == 5) return POS;
  if (op == 25) return GT_M1;
  if (op == 2 || op == 24) return EXPR;
  if (op == 15 || op == 16) return TRIG;
  if (op == 18) return NONZERO;
  if (op == 8 || op == 9 || op == 12 || op == 13 || op == 14 || op == 20) return WIDE;
  return ANY;
}
/** Ops whose result must equal the correctly rounded f32 value. */
function exact(op: i32): bool {
  return op <= 1 || op == 4 || (op >= 6 && op <= 7) || op == 10 || op == 11 || (op >= 17 && op <= 19) || (op >= 21 && op <= 23);
}
function unRef(op: i32, xf: f32, p0: f32, p1: f32): f64 {
  const x = <f64>xf;
  switch (op) {
    case 0: return x;
    case 1: return -x;
    case 2: return Math.exp(x);
    case 3: return Math.log(x);
    case 4: return Math.sqrt(x);
    case 5: return 1 / Math.sqrt(x);
    case 6: return abs(x);
    case 7: return x > 0 ? 1 : x < 0 ? -1 : 0; // sign(NaN) = +0, as PyTorch
    case 8: return Math.tanh(x);
    case 9: return 1 / (1 + Math.exp(-x));
    case 10: return x > 0 ? x : 0;
    case 11: return xf > 0 ? x : <f64>(xf * p0);
    case 12: return x > 0 ? x : p0 * Math.expm1(x);
    case 13: return 0.5 * x * erfc64(-x / Math.SQRT2);
    case 14: { // beta x is rounded to f32 first, as in PyTorch's float kernel
      const bx = <f64>(xf * p0);
      return bx > p1 ? x : Math.log1p(Math.exp(bx)) / p0;
    }
    case 15: return Math.sin(x);
    case 16: return Math.cos(x);
    case 17: return <f64>(xf * xf);
    case 18: return 1 / x;
    case 19: return min(max(x, <f64>p0), <f64>p1);
    case 20: return erf64(x);
    case 21: return floor(x);
    case 22: return ceil(x);
    case 23: return nearest(x);
    case 24: return Math.expm1(x);
    default: return Math.log1p(x);
  }
}
function close(got: f32, want: f64, rtol: f64, atol: f64): bool {
  if (isNaN(want)) return isNaN(got);
  if (!isFinite(want)) return <f64>got == want;
  return abs(<f64>got - want) <= rtol * abs(want) + atol;
}

function checkUnary(op: i32, l: i32, n: i32): void {
  layout(l == INPLACE ? CONTIG : l, n);
  fill(0, unDomain(op), false);
  clearY();
  const p0 = P0[op], p1 = P1[op];
  if (l == INPLACE) {
    memory.copy(Y, A, <usize>total << 2);
    UN[op](rank, D, Y, Y, p0, p1);
  } else UN[op](rank, D, A, Y, p0, p1);
  // About 5 ulps (gelu's far negative tail reaches 6); sin / cos are absolute near 0.
  const rtol = op == 13 ? 6e-7 : 3e-7, atol = op == 15 || op == 16 ? 2e-7 : 1e-37;
  for (let t = 0; t < total; t++) {
    const x = fa(A, off(t, 0));
    const want = unRef(op, x, p0, p1), got = fa(Y, t);
    const ok = exact(op) ? (isNaN(want) ? isNaN(got) : got == <f32>want) : close(got, want, rtol, atol);
    if (!ok) {
      bad(UN_NAMES[op] + "(" + x.toString() + ") = " + got.toString() + ", want " + want.toString() + " (layout " + l.toString() + ", n " + n.toString() + ")");
      return;
    }
  }
  guardOk(UN_NAMES[op], l, n);
}

/** Comparison c (eq ne lt le gt ge) from the three orderings; all false for NaN. */
function cmpRef(c: i32, lt: bool, eq: bool, gt: bool): f64 {
  return <f64>(c == 0 ? eq : c == 1 ? !eq : c == 2 ? lt : c == 3 ? lt || eq : c == 4 ? gt : gt || eq);
}
function binRef(op: i32, a: f32, b: f32, ai: i32, bi: i32): f64 {
  if (op >= 7 && op <= 12) return cmpRef(op - 7, a < b, a == b, a > b);
  if (op >= 18) return cmpRef(op - 18, ai < bi, ai == bi, ai > bi);
  switch (op) {
    case 0: return <f64>(a + b);
    case 1: return <f64>(a - b);
    case 2: return <f64>(a * b);
    case 3: return <f64>(a / b);
    case 4: return Math.pow(<f64>a, <f64>b);
    case 5: return isNaN(a) || isNaN(b) ? NaN : <f64>(a > b ? a : b);
    case 6: return isNaN(a) || isNaN(b) ? NaN : <f64>(a < b ? a : b);
    case 13: return <f64>(ai + bi); // wraps
    case 14: return <f64>(ai - bi);
    case 15: return <f64>(ai * bi);
    case 16: return <f64>(ai > bi ? ai : bi);
    default: return <f64>(ai < bi ? ai : bi);
  }
}
function checkBinary(op: i32, l: i32, n: i32): void {
  layout(l, n);
  const isInt = op >= 13;
  const da = isInt ? INT : op == 4 ? POS : op >= 5 ? FEW : ANY;
  const db = isInt ? INT : op == 4 ? EXPR : op == 3 ? NONZERO : op >= 5 ? FEW : ANY;
  fill(0, da, isInt);
  fill(1, db, isInt);
  clearY();
  BIN[op](rank, D, A, B, Y);
  const intOut = op >= 7;
  for (let t = 0; t < total; t++) {
    const oa = off(t, 0), ob = off(t, 1);
    const want = binRef(op, fa(A, oa), fa(B, ob), ia(A, oa), ia(B, ob));
    let ok: bool;
    if (intOut) ok = ia(Y, t) == <i32>want;
    else if (op == 4) ok = close(fa(Y, t), want, 2e-7, 0);
    else ok = isNaN(want) ? isNaN(fa(Y, t)) : fa(Y, t) == <f32>want;
    if (!ok) {
      bad(BIN_NAMES[op] + " at " + t.toString() + " layout " + l.toString() + " n " + n.toString());
      return;
    }
  }
  guardOk(BIN_NAMES[op], l, n);
}

function checkWhere(l: i32, n: i32): void {
  layout(l, n);
  fill(0, COND, true);
  fill(1, ANY, false);
  fill(2, ANY, false);
  clearY();
  ew.f32_where(rank, D, A, B, C, Y);
  for (let t = 0; t < total; t++) {
    const want = ia(A, off(t, 0)) != 0 ? ia(B, off(t, 1)) : ia(C, off(t, 2));
    if (ia(Y, t) != want) { bad("where at " + t.toString() + " layout " + l.toString() + " n " + n.toString()); return; }
  }
  guardOk("where", l, n);
}

function checkCast(op: i32, l: i32, n: i32): void {
  layout(l == INPLACE ? CONTIG : l, n);
  fill(0, op == 0 ? WIDE : INT, op != 0);
  if (op == 0) for (let i = 0; i < extent(0); i++) store<f32>(A + (<usize>i << 2), fa(A, i) * 300);
  clearY();
  if (l == INPLACE) {
    memory.copy(Y, A, <usize>total << 2);
    CAST[op](rank, D, Y, Y);
  } else CAST[op](rank, D, A, Y);
  for (let t = 0; t < total; t++) {
    const o = off(t, 0);
    const ok = op == 0 ? ia(Y, t) == <i32>fa(A, o) : op == 1 ? fa(Y, t) == <f32>ia(A, o) : ia(Y, t) == ia(A, o);
    if (!ok) { bad(CAST_NAMES[op] + " at " + t.toString() + " layout " + l.toString() + " n " + n.toString()); return; }
  }
  guardOk(CAST_NAMES[op], l, n);
}

describe("elementwise: every op x size x layout", () => {
  it("unary f32", () => {
    failures = 0;
    for (let op = 0; op < UN.length; op++)
      for (let s = 0; s < SIZES.length; s++)
        for (let l = CONTIG; l <= INPLACE; l++) if (l != 2 && l != 3) checkUnary(op, l, SIZES[s]);
    expect<i32>(failures).toBe(0, firstFailure);
  });
  it("binary f32 / i32 and comparisons", () => {
    failures = 0;
    for (let op = 0; op < BIN.length; op++)
      for (let s = 0; s < SIZES.length; s++)
        for (let l = CONTIG; l <= ALL_BCAST; l++) if (l != 3 && l != INPLACE) checkBinary(op, l, SIZES[s]);
    expect<i32>(failures).toBe(0, firstFailure);
  });
  it("where and casts", () => {
    failures = 0;
    for (let s = 0; s < SIZES.length; s++) {
      for (let l = CONTIG; l <= ALL_BCAST; l++) if (l != INPLACE) checkWhere(l, SIZES[s]);
      for (let op = 0; op < 3; op++)
        for (let l = CONTIG; l <= INPLACE; l++) if (l != 2 && l != 3) checkCast(op, l, SIZES[s]);
    }
    expect<i32>(failures).toBe(0, firstFailure);
  });
});

// Special values. Each input fills five consecutive elements, so that it lands in
// both SIMD and tail lanes; all five must match. Bitwise, but any NaN matches NaN.
function same(got: i32, want: i32): bool {
  return got == want || (isNaN(reinterpret<f32>(got)) && isNaN(reinterpret<f32>(want)));
}
function put(p: usize, v: StaticArray<i32>): void {
  for (let i = 0; i < 5 * v.length; i++) store<i32>(p + (<usize>i << 2), v[i / 5]);
  layout(CONTIG, 5 * v.length);
}
function report(name: string, want: StaticArray<i32>): void {
  for (let i = 0; i < 5 * want.length; i++) {
    if (!same(ia(Y, i), want[i / 5])) {
      bad(name + " special case " + (i / 5).toString() + ": got " + fa(Y, i).toString() + " / " + ia(Y, i).toString());
      return;
    }
  }
}
function bits(v: StaticArray<f32>): StaticArray<i32> {
  const r = new StaticArray<i32>(v.length);
  for (let i = 0; i < v.length; i++) r[i] = reinterpret<i32>(v[i]);
  return r;
}
function sv(name: string, f: Un, x: StaticArray<f32>, want: StaticArray<f32>, p0: f32 = 0, p1: f32 = 0): void {
  put(A, bits(x));
  f(1, D, A, Y, p0, p1);
  report(name, bits(want));
}
/** Like sv, against f64 values with a relative (and absolute, for subnormals) tolerance. */
function sn(name: string, f: Un, x: StaticArray<f32>, want: StaticArray<f64>, p0: f32 = 0, p1: f32 = 0): void {
  put(A, bits(x));
  f(1, D, A, Y, p0, p1);
  for (let i = 0; i < 5 * x.length; i++) {
    if (!close(fa(Y, i), want[i / 5], 1e-6, 1.5e-45)) { bad(name + " near case " + (i / 5).toString()); return; }
  }
}
function sb(name: string, f: Bin, a: StaticArray<f32>, b: StaticArray<f32>, want: StaticArray<i32>): void {
  put(B, bits(b));
  put(A, bits(a));
  f(1, D, A, B, Y);
  report(name, want);
}
function sc(name: string, f: Cast, x: StaticArray<i32>, want: StaticArray<i32>): void {
  put(A, x);
  f(1, D, A, Y);
  report(name, want);
}
const inf: f32 = Infinity, nan: f32 = NaN;
const Z: f32 = -0.0;

describe("elementwise: special values", () => {
  it("unary", () => {
    failures = 0;
    sv("exp", ew.f32_vexp, [-inf, inf, 100, 0, nan], [0, inf, inf, 1, nan]);
    sn("exp", ew.f32_vexp, [88.7, -100, -87.5], [Math.exp(<f32>88.7), Math.exp(-100), Math.exp(-87.5)]);
    sv("expm1", ew.f32_vexpm1, [Z, -inf, inf, nan], [Z, -1, inf, nan]);
    sn("expm1", ew.f32_vexpm1, [1e-10, 88.5], [1e-10, Math.expm1(88.5)]);
    sv("log", ew.f32_vlog, [0, Z, -1, nan, inf, 1, -inf], [-inf, -inf, nan, nan, inf, 0, nan]);
    sn("log", ew.f32_vlog, [1.4e-45, 1e-40], [Math.log(<f32>1.4e-45), Math.log(<f32>1e-40)]);
    sv("log1p", ew.f32_vlog1p, [-1, -2, Z, inf, nan], [-inf, nan, Z, inf, nan]);
    sn("log1p", ew.f32_vlog1p, [1e-10, -1e-20], [1e-10, -1e-20]);
    sv("tanh", ew.f32_vtanh, [20, -inf, inf, Z, nan], [1, -1, 1, Z, nan]);
    sv("sigmoid", ew.f32_vsigmoid, [100, inf, -inf, nan, 0], [1, 1, 0, nan, 0.5]);
    sn("sigmoid", ew.f32_vsigmoid, [-100], [Math.exp(-100)]);
    sv("erf", ew.f32_verf, [inf, -5, Z, nan, -inf], [1, -1, Z, nan, -1]);
    sv("gelu", ew.f32_vgelu, [-inf, inf, nan, Z, -20], [nan, inf, nan, Z, Z]);
    sn("gelu", ew.f32_vgelu, [-6, -3], [-3 * erfc64(6 / Math.SQRT2), -1.5 * erfc64(3 / Math.SQRT2)]);
    sv("relu", ew.f32_vrelu, [nan, Z, -3, inf], [nan, 0, 0, inf]);
    sv("leaky_relu", ew.f32_vleaky_relu, [nan, -inf, 2], [nan, -inf, 2], 0.1);
    sv("elu", ew.f32_velu, [-inf, nan, inf], [-1.3, nan, inf], 1.3);
    sv("softplus", ew.f32_vsoftplus, [30, nan, inf], [30, nan, inf], 1, 20);
    sn("softplus", ew.f32_vsoftplus, [19, -100, -inf], [Math.log1p(Math.exp(19)), Math.exp(-100), 0], 1, 20);
    sv("sign", ew.f32_vsign, [0, -inf, 1e-40, nan, -3], [0, -1, 1, 0, -1]);
    sv("round", ew.f32_vround, [0.5, 1.5, 2.5, -2.5, -0.5, 8388609], [0, 2, 2, -2, Z, 8388609]);
    sv("floor/ceil", ew.f32_vfloor, [-0.5, inf, nan], [-1, inf, nan]);
    sv("ceil", ew.f32_vceil, [-0.5, 0.5], [Z, 1]);
    sv("clamp", ew.f32_vclamp, [nan, 5, -5], [nan, 1, -1], -1, 1);
    sv("clamp nan bound", ew.f32_vclamp, [0, 5], [nan, nan], nan, 1);
    sv("clamp min > max", ew.f32_vclamp, [0, 5, -5], [1, 1, 1], 2, 1); // as in PyTorch
    sv("sqrt", ew.f32_vsqrt, [-1, Z, inf], [nan, Z, inf]);
    sv("rsqrt", ew.f32_vrsqrt, [0, inf, -1], [inf, 0, nan]);
    sv("reciprocal", ew.f32_vreciprocal, [Z, inf], [-inf, 0]);
    sv("sin", ew.f32_vsin, [inf, nan, Z], [nan, nan, Z]);
    sv("cos", ew.f32_vcos, [inf, nan, Z], [nan, nan, 1]);
    // Beyond the Cody-Waite range (|x| > 39000) the lanes go to Mathf.
    sn("sin", ew.f32_vsin, [1e6, 40000, -3e38], [Math.sin(1e6), Math.sin(40000), Math.sin(<f32>-3e38)]);
    sn("cos", ew.f32_vcos, [-1e6, 40000], [Math.cos(-1e6), Math.cos(40000)]);
    expect<i32>(failures).toBe(0, firstFailure);
  });
  it("binary, comparisons, casts", () => {
    failures = 0;
    sb("maximum", ew.f32_vmaximum, [nan, 1, Z, 0, -inf], [1, nan, 0, Z, 3], bits([nan, nan, 0, 0, 3]));
    sb("minimum", ew.f32_vminimum, [nan, 1, Z, 0, -inf], [1, nan, 0, Z, 3], bits([nan, nan, Z, Z, -inf]));
    sb("eq", ew.f32_vcmp_eq, [nan, Z, 1], [nan, 0, 1], [0, 1, 1]);
    sb("ne", ew.f32_vcmp_ne, [nan, Z, 1], [nan, 0, 2], [1, 0, 1]);
    sb("lt", ew.f32_vcmp_lt, [nan, 1, -inf], [1, nan, inf], [0, 0, 1]);
    sb("ge", ew.f32_vcmp_ge, [nan, 1, Z], [1, nan, 0], [0, 0, 1]);
    // pow with C99 / PyTorch special values (pow(1, NaN) = pow(x, 0) = pow(-1, +-inf) = 1).
    sb("pow", ew.f32_vpow, [0, nan, 1, -1, -2, -2, -2, 2, Z, 0, -inf, -inf, 2, 0.5, 2, 2, 10, -8],
      [0, 0, nan, -inf, 3, -2, 0.5, nan, -1, -2, -3, 0.5, -inf, -inf, 128, -149, 10, 1.0 / 3.0],
      bits([1, 1, 1, 1, -8, 0.25, nan, nan, -inf, inf, Z, inf, 0, inf, inf, reinterpret<f32>(1), 1e10, nan]));
    sc("cast_f32_i32", ew.cast_f32_i32, bits([nan, 3e9, -inf, -2.7, 2.7, -3e9]), [0, i32.MAX_VALUE, i32.MIN_VALUE, -2, 2, i32.MIN_VALUE]);
    sc("cast_i32_f32", ew.cast_i32_f32, [16777217, i32.MIN_VALUE, -3], bits([16777216, -2147483648.0, -3]));
    expect<i32>(failures).toBe(0, firstFailure);
  });
});
