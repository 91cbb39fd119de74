// f32_reduce_{sum,max,min,prod}: x is [outer, r, inner], y is [outer, inner].
// Two paths: inner == 1 (the reduced axis is contiguous: SIMD along r) and
// inner > 1 (SIMD across inner, four columns per group, walking the rows).
import { ldw, stw, hsum, hmax, hmin, isnan4 } from "./math";

const SUM = 0;
const MAX = 1;
const MIN = 2;
const PROD = 3;

// Leaf sizes of the pairwise sums: below them the sum is a plain loop over
// several accumulators, above them the range is halved recursively, so the
// error grows like (leaf / lanes + log2(n)) ulps instead of n.
const ROW_LEAF = 1024; // elements, contiguous
const COL_LEAF = 64;   // rows, strided

/**
 * Sum of n contiguous floats at p as a vector whose lanes add up to the total.
 * Eight accumulators hide the add latency (two loads and one add per cycle).
 */
export function sumRow(p: usize, n: i32): v128 {
  if (n > ROW_LEAF) {
    const h = (n >> 1) & ~31; // left half a multiple of 32: the tail stays at the end
    return f32x4.add(sumRow(p, h), sumRow(p + (<usize>h << 2), n - h));
  }
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const q = p + (<usize>i << 2);
    a0 = f32x4.add(a0, v128.load(q));
    a1 = f32x4.add(a1, v128.load(q, 16));
    a2 = f32x4.add(a2, v128.load(q, 32));
    a3 = f32x4.add(a3, v128.load(q, 48));
    a4 = f32x4.add(a4, v128.load(q, 64));
    a5 = f32x4.add(a5, v128.load(q, 80));
    a6 = f32x4.add(a6, v128.load(q, 96));
    a7 = f32x4.add(a7, v128.load(q, 112));
  }
  for (; i + 4 <= n; i += 4) a0 = f32x4.add(a0, v128.load(p + (<usize>i << 2)));
  if (i < n) a1 = f32x4.add(a1, ldw(p + (<usize>i << 2), n - i));
  return f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
}

/** Column sums of n rows (byte stride s) of w <= 4 floats at p, pairwise over rows. */
export function sumCols(p: usize, n: i32, s: usize, w: i32): v128 {
  if (n > COL_LEAF) {
    const h = (n >> 1) & ~3;
    return f32x4.add(sumCols(p, h, s, w), sumCols(p + <usize>h * s, n - h, s, w));
  }
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const q = p + <usize>k * s;
    a0 = f32x4.add(a0, ldw(q, w));
    a1 = f32x4.add(a1, ldw(q + s, w));
    a2 = f32x4.add(a2, ldw(q + 2 * s, w));
    a3 = f32x4.add(a3, ldw(q + 3 * s, w));
  }
  for (; k < n; k++) a0 = f32x4.add(a0, ldw(p + <usize>k * s, w));
  return f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
}

@inline function ident(op: i32): f32 {
  if (op == MAX) return -Infinity;
  if (op == MIN) return Infinity;
  return op == PROD ? 1.0 : 0.0;
}

// pmax/pmin are single instructions on x86 but drop a NaN in the second operand,
// so NaN is tracked separately in a mask (one compare and one or per vector).
@inline function comb(op: i32, a: v128, b: v128): v128 {
  if (op == MAX) return f32x4.pmax(a, b);
  if (op == MIN) return f32x4.pmin(a, b);
  return f32x4.mul(a, b); // PROD (SUM goes through sumRow/sumCols)
}

/** max/min/prod of n contiguous floats: four accumulators, scalar tail. */
@inline function rowOp(op: i32, p: usize, n: i32): f32 {
  let a0 = f32x4.splat(ident(op)), a1 = a0, a2 = a0, a3 = a0;
  let nan = f32x4.splat(0);
  const track = op != PROD;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const q = p + (<usize>i << 2);
    const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
    a0 = comb(op, a0, v0);
    a1 = comb(op, a1, v1);
    a2 = comb(op, a2, v2);
    a3 = comb(op, a3, v3);
    if (track) nan = v128.or(nan, v128.or(v128.or(isnan4(v0), isnan4(v1)), v128.or(isnan4(v2), isnan4(v3))));
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    a0 = comb(op, a0, v);
    if (track) nan = v128.or(nan, isnan4(v));
  }
  a0 = comb(op, comb(op, a0, a1), comb(op, a2, a3));
  let t: f32;
  if (op == MAX) t = hmax(a0, nan);
  else if (op == MIN) t = hmin(a0, nan);
  else t = (f32x4.extract_lane(a0, 0) * f32x4.extract_lane(a0, 1)) *
    (f32x4.extract_lane(a0, 2) * f32x4.extract_lane(a0, 3));
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (op == MAX) t = max(t, v); // scalar max/min propagate NaN
    else if (op == MIN) t = min(t, v);
    else t *= v;
  }
  return t;
}

/** max/min/prod down n rows (byte stride s) of w floats; two accumulators over alternate rows. */
@inline function colOp(op: i32, p: usize, n: i32, s: usize, w: i32): v128 {
  let a0 = f32x4.splat(ident(op)), a1 = a0;
  let nan = f32x4.splat(0);
  const track = op != PROD;
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const q = p + <usize>k * s;
    const v0 = ldw(q, w), v1 = ldw(q + s, w);
    a0 = comb(op, a0, v0);
    a1 = comb(op, a1, v1);
    if (track) nan = v128.or(nan, v128.or(isnan4(v0), isnan4(v1)));
  }
  if (k < n) {
    const v = ldw(p + <usize>k * s, w);
    a0 = comb(op, a0, v);
    if (track) nan = v128.or(nan, isnan4(v));
  }
  return v128.bitselect(f32x4.splat(NaN), comb(op, a0, a1), nan);
}

@inline function reduce(op: i32, outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const p = x + (<usize>o * <usize>r << 2);
      const t = op == SUM ? hsum(sumRow(p, r)) : rowOp(op, p, r);
      store<f32>(y + (<usize>o << 2), t);
    }
    return;
  }
  const s = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * <usize>r * s;
    const py = y + <usize>o * s;
    for (let j = 0; j < inner; j += 4) {
      const w = min(inner - j, 4);
      const q = px + (<usize>j << 2);
      const v = op == SUM ? sumCols(q, r, s, w) : colOp(op, q, r, s, w);
      stw(py + (<usize>j << 2), v, w);
    }
  }
}

export function f32_reduce_sum(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  reduce(SUM, outer, r, inner, x, y);
}
export function f32_reduce_max(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  reduce(MAX, outer, r, inner, x, y);
}
export function f32_reduce_min(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  reduce(MIN, outer, r, inner, x, y);
}
export function f32_reduce_prod(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  reduce(PROD, outer, r, inner, x, y);
}

/**
 * Max of n contiguous floats ignoring NaN (-inf when n == 0 or all NaN); used by
 * softmax, where a NaN already poisons the exp sum, so skipping the NaN mask here
 * saves two of the three operations per vector.
 */
export function rowMaxNoNaN(p: usize, n: i32): f32 {
  let a0 = f32x4.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const q = p + (<usize>i << 2);
    a0 = f32x4.pmax(a0, v128.load(q));
    a1 = f32x4.pmax(a1, v128.load(q, 16));
    a2 = f32x4.pmax(a2, v128.load(q, 32));
    a3 = f32x4.pmax(a3, v128.load(q, 48));
  }
  for (; i + 4 <= n; i += 4) a0 = f32x4.pmax(a0, v128.load(p + (<usize>i << 2)));
  a0 = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
  let t = max(max(f32x4.extract_lane(a0, 0), f32x4.extract_lane(a0, 1)),
    max(f32x4.extract_lane(a0, 2), f32x4.extract_lane(a0, 3)));
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v > t) t = v;
  }
  return t;
}

/** NaN-propagating column max of n rows (byte stride s) of w floats; used by softmax. */
export function colMax(p: usize, n: i32, s: usize, w: i32): v128 {
  return colOp(MAX, p, n, s, w);
}
