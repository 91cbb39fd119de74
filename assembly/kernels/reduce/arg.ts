// f32_arg{max,min}: y (i32, [outer, inner]) gets the first index along r of the
// extreme value; a NaN counts as the extreme and the first NaN wins (PyTorch).
// r == 0 writes 0 (PyTorch refuses empty slices; the caller checks).
import { ldw, stw, isnan4 } from "./math";

/**
 * Contiguous slice: find the extreme with SIMD (NaN tracked in a mask), then scan
 * again for the first lane equal to it (or the first NaN). The second pass stops
 * at the hit, so it costs half a pass on average and keeps the first pass free of
 * index bookkeeping.
 */
@inline function argRow(isMax: bool, p: usize, n: i32): i32 {
  if (n <= 0) return 0;
  const id: f32 = isMax ? -Infinity : Infinity;
  let a0 = f32x4.splat(id), a1 = a0;
  let nan = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const q = p + (<usize>i << 2);
    const v0 = v128.load(q), v1 = v128.load(q, 16);
    a0 = isMax ? f32x4.pmax(a0, v0) : f32x4.pmin(a0, v0);
    a1 = isMax ? f32x4.pmax(a1, v1) : f32x4.pmin(a1, v1);
    nan = v128.or(nan, v128.or(isnan4(v0), isnan4(v1)));
  }
  a0 = isMax ? f32x4.pmax(a0, a1) : f32x4.pmin(a0, a1);
  let m: f32;
  const l0 = f32x4.extract_lane(a0, 0), l1 = f32x4.extract_lane(a0, 1);
  const l2 = f32x4.extract_lane(a0, 2), l3 = f32x4.extract_lane(a0, 3);
  m = isMax ? max(max(l0, l1), max(l2, l3)) : min(min(l0, l1), min(l2, l3));
  let anyNan = v128.any_true(nan);
  for (let k = i; k < n; k++) {
    const v = load<f32>(p + (<usize>k << 2));
    if (v != v) anyNan = true;
    else m = isMax ? max(m, v) : min(m, v);
  }
  // Second pass: lanes that match (x == m, or x is NaN when the extreme is NaN).
  const mv = f32x4.splat(m);
  i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const hit = i32x4.bitmask(anyNan ? isnan4(v) : f32x4.eq(v, mv));
    if (hit) return i + ctz(hit);
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (anyNan ? v != v : v == m) return i;
  }
  return 0; // unreachable
}

/**
 * Strided slice, w <= 4 columns: keep the best value and its row per lane and
 * replace only on a strict improvement, so the first occurrence wins; a NaN
 * replaces a non-NaN best and is never replaced.
 */
@inline function argCols(isMax: bool, p: usize, n: i32, s: usize, w: i32): v128 {
  let best = ldw(p, w);
  let idx = i32x4.splat(0);
  for (let k = 1; k < n; k++) {
    const v = ldw(p + <usize>k * s, w);
    const better = isMax ? f32x4.gt(v, best) : f32x4.lt(v, best);
    const take = v128.or(better, v128.andnot(isnan4(v), isnan4(best)));
    best = v128.bitselect(v, best, take);
    idx = v128.bitselect(i32x4.splat(k), idx, take);
  }
  return idx;
}

@inline function argReduce(isMax: bool, outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      store<i32>(y + (<usize>o << 2), argRow(isMax, x + (<usize>o * <usize>r << 2), r));
    }
    return;
  }
  const s = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * <usize>r * s;
    const py = y + <usize>o * s;
    for (let j = 0; j < inner; j += 4) {
      const w = min(inner - j, 4);
      let v = i32x4.splat(0);
      if (r > 0) v = argCols(isMax, px + (<usize>j << 2), r, s, w);
      stw(py + (<usize>j << 2), v, w); // lane stores are bit copies: fine for i32
    }
  }
}

export function f32_argmax(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  argReduce(true, outer, r, inner, x, y);
}
export function f32_argmin(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  argReduce(false, outer, r, inner, x, y);
}
