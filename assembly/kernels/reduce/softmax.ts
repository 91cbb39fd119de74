// f32_softmax, f32_log_softmax (y is [outer, r, inner]) and f32_logsumexp (y is
// [outer, inner]) over the r axis of x = [outer, r, inner]. All subtract the
// maximum m first, so exp never overflows, and the specials follow from plain
// arithmetic as in PyTorch: an all -inf slice gives -inf - -inf = NaN (softmax,
// log_softmax), a +inf gives inf - inf = NaN in the sum and so NaN everywhere, a
// NaN makes the sum NaN; logsumexp returns m itself when m is +-inf (no NaN).
// Exponentials below 2^-126 flush to 0 (see expNeg4).
import { expNeg4, log4, ldw, stw, hsum } from "./math";
import { rowMaxNoNaN, colMax } from "./basic";

const SOFTMAX = 0;
const LOG_SOFTMAX = 1;
const LOGSUMEXP = 2;

const ROW_LEAF = 1024; // pairwise-sum leaves, as in basic.ts
const COL_LEAF = 64;

/**
 * sum of exp(x - m) over n contiguous floats, pairwise above ROW_LEAF; the
 * exponentials are also stored to y when y != 0 (softmax; real buffers lie above
 * heapBase, never at 0). Four vectors per step keep the exp polynomials overlapping.
 */
function expSumRow(x: usize, y: usize, n: i32, m: v128): v128 {
  if (n > ROW_LEAF) {
    const h = (n >> 1) & ~15;
    const o = <usize>h << 2;
    return f32x4.add(expSumRow(x, y, h, m), expSumRow(x + o, y ? y + o : 0, n - h, m));
  }
  // One accumulator fed by a small tree: the exp chain is long enough to hide the
  // add latency, and fewer live vectors avoid spills (V8 uses 16 xmm registers).
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const q = x + o;
    const e0 = expNeg4(f32x4.sub(v128.load(q), m));
    const e1 = expNeg4(f32x4.sub(v128.load(q, 16), m));
    const e2 = expNeg4(f32x4.sub(v128.load(q, 32), m));
    const e3 = expNeg4(f32x4.sub(v128.load(q, 48), m));
    if (y) {
      v128.store(y + o, e0);
      v128.store(y + o, e1, 16);
      v128.store(y + o, e2, 32);
      v128.store(y + o, e3, 48);
    }
    acc = f32x4.add(acc, f32x4.add(f32x4.add(e0, e1), f32x4.add(e2, e3)));
  }
  for (; i < n; i += 4) {
    const o = <usize>i << 2;
    const w = min(n - i, 4);
    let e = expNeg4(f32x4.sub(ldw(x + o, w), m));
    // Lanes past the end loaded 0; drop their exp(0 - m) from the sum.
    e = v128.and(e, i32x4.gt_s(i32x4.splat(w), i32x4(0, 1, 2, 3)));
    if (y) stw(y + o, e, w);
    acc = f32x4.add(acc, e);
  }
  return acc;
}

/** Column version: n rows (byte stride s) of w floats; stores to y when y != 0. */
function expSumCols(x: usize, y: usize, n: i32, s: usize, w: i32, m: v128): v128 {
  if (n > COL_LEAF) {
    const h = (n >> 1) & ~1;
    const o = <usize>h * s;
    return f32x4.add(expSumCols(x, y, h, s, w, m), expSumCols(x + o, y ? y + o : 0, n - h, s, w, m));
  }
  // Lanes past w hold exp(0 - 0) = 1 and are never stored or returned.
  let a0 = f32x4.splat(0), a1 = a0;
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o = <usize>k * s;
    const e0 = expNeg4(f32x4.sub(ldw(x + o, w), m));
    const e1 = expNeg4(f32x4.sub(ldw(x + o + s, w), m));
    if (y) { stw(y + o, e0, w); stw(y + o + s, e1, w); }
    a0 = f32x4.add(a0, e0);
    a1 = f32x4.add(a1, e1);
  }
  if (k < n) {
    const o = <usize>k * s;
    const e = expNeg4(f32x4.sub(ldw(x + o, w), m));
    if (y) stw(y + o, e, w);
    a0 = f32x4.add(a0, e);
  }
  return f32x4.add(a0, a1);
}

function hasNaN(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v != v) return true;
  }
  return false;
}

/** logsumexp from max and sum: m + log(sum), or m itself when m is +-inf. */
@inline function lse(m: v128, sum: v128): v128 {
  const inf = f32x4.eq(f32x4.abs(m), f32x4.splat(Infinity));
  return v128.bitselect(m, f32x4.add(m, log4(sum)), inf);
}

@inline function softmaxRow(op: i32, x: usize, y: usize, n: i32): void {
  // m ignores NaN: a NaN in the slice still makes the exp sum NaN, so every
  // output is NaN. Only logsumexp with m = +-inf (whose sum is NaN anyway)
  // must look again to tell "NaN present" (NaN) from "no NaN" (m).
  const m = f32x4.splat(rowMaxNoNaN(x, n));
  const sum = f32x4.splat(hsum(expSumRow(x, op == SOFTMAX ? y : 0, n, m)));
  if (op == LOGSUMEXP) {
    let t = f32x4.extract_lane(lse(m, sum), 0);
    if (abs(t) == Infinity && hasNaN(x, n)) t = NaN;
    store<f32>(y, t);
    return;
  }
  // softmax: y *= 1 / sum; log_softmax: y = (x - m) - log(sum), which keeps
  // x - m exact near the maximum.
  const c = op == SOFTMAX ? f32x4.div(f32x4.splat(1.0), sum) : log4(sum);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    if (op == SOFTMAX) {
      v128.store(y + o, f32x4.mul(v128.load(y + o), c));
      v128.store(y + o, f32x4.mul(v128.load(y + o, 16), c), 16);
    } else {
      v128.store(y + o, f32x4.sub(f32x4.sub(v128.load(x + o), m), c));
      v128.store(y + o, f32x4.sub(f32x4.sub(v128.load(x + o, 16), m), c), 16);
    }
  }
  const c0 = f32x4.extract_lane(c, 0), m0 = f32x4.extract_lane(m, 0);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (op == SOFTMAX) store<f32>(y + o, load<f32>(y + o) * c0);
    else store<f32>(y + o, (load<f32>(x + o) - m0) - c0);
  }
}

@inline function softmaxCols(op: i32, x: usize, y: usize, n: i32, s: usize, w: i32): void {
  const m = colMax(x, n, s, w);
  const sum = expSumCols(x, op == SOFTMAX ? y : 0, n, s, w, m);
  if (op == LOGSUMEXP) {
    stw(y, lse(m, sum), w); // y is [outer, inner] here
    return;
  }
  const c = op == SOFTMAX ? f32x4.div(f32x4.splat(1.0), sum) : log4(sum);
  for (let k = 0; k < n; k++) {
    const o = <usize>k * s;
    if (op == SOFTMAX) stw(y + o, f32x4.mul(ldw(y + o, w), c), w);
    else stw(y + o, f32x4.sub(f32x4.sub(ldw(x + o, w), m), c), w);
  }
}

@inline function softmaxAll(op: i32, outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  const s = <usize>inner << 2;
  const slice = <usize>r * s; // bytes of one [r, inner] slice
  const ys = op == LOGSUMEXP ? s : slice;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * slice;
    const py = y + <usize>o * ys;
    if (inner == 1) {
      softmaxRow(op, px, py, r);
      continue;
    }
    for (let j = 0; j < inner; j += 4) {
      const w = min(inner - j, 4);
      const off = <usize>j << 2;
      softmaxCols(op, px + off, py + off, r, s, w);
    }
  }
}

export function f32_softmax(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  softmaxAll(SOFTMAX, outer, r, inner, x, y);
}
export function f32_log_softmax(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  softmaxAll(LOG_SOFTMAX, outer, r, inner, x, y);
}
export function f32_logsumexp(outer: i32, r: i32, inner: i32, x: usize, y: usize): void {
  softmaxAll(LOGSUMEXP, outer, r, inner, x, y);
}
