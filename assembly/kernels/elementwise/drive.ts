// Strided N-d iteration shared by every elementwise kernel (see assembly/README.md).
// Everything here is @inline and generic over the op type O (ops.ts): each kernel
// gets its own copy of the loops with its op body inlined.
import { desc, at } from "../common";
import { apply, arity, cheap, is, Copy } from "./ops";

/** Element offset of outer index q over dims 0..rank-3 for the strides at slot s. */
@inline function outerOffset(d: usize, rank: i32, q: i32, s: i32): i32 {
  let off = 0;
  for (let k = rank - 3; k >= 0; k--) {
    const n = desc(d, k);
    const r = q / n;
    off += (q - r * n) * desc(d, s + k);
    q = r;
  }
  return off;
}

// The first k (1..4) elements at p, p + s, p + 2s, ... (s in bytes); other lanes 0.
@inline function gather(p: usize, s: usize, k: i32): v128 {
  let v = v128.load32_zero(p);
  if (k > 1) v = v128.load32_lane(p + s, v, 1);
  if (k > 2) v = v128.load32_lane(p + 2 * s, v, 2);
  if (k > 3) v = v128.load32_lane(p + 3 * s, v, 3);
  return v;
}

@inline function scatter(p: usize, s: usize, v: v128, k: i32): void {
  v128.store32_lane(p, v, 0);
  if (k > 1) v128.store32_lane(p + s, v, 1);
  if (k > 2) v128.store32_lane(p + 2 * s, v, 2);
  if (k > 3) v128.store32_lane(p + 3 * s, v, 3);
}

// An input that is contiguous (vector load at the running offset) or a broadcast
// scalar (splat of its only element); `contig` is a constant at every call site.
@inline function ld(p: usize, o: usize, contig: bool): v128 {
  return contig ? v128.load(p + o) : v128.load32_splat(p);
}

@inline function step<O>(y: usize, a: usize, ca: bool, b: usize, cb: bool, c: usize, cc: bool,
                      o: usize, p0: v128, p1: v128): void {
  // Inputs beyond the op's arity are not loaded (a load cannot be optimized away).
  const va = ld(a, o, ca);
  const vb = arity<O>() > 1 ? ld(b, o, cb) : va;
  const vc = arity<O>() > 2 ? ld(c, o, cc) : va;
  v128.store(y + o, apply<O>(va, vb, vc, p0, p1));
}

/** SIMD loop over the whole vectors of a row with a contiguous output; returns the count done. */
@inline function vloop<O>(n: i32, y: usize, a: usize, ca: bool, b: usize, cb: bool,
                       c: usize, cc: bool, p0: v128, p1: v128): i32 {
  let i = 0;
  if (cheap<O>()) {
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      step<O>(y, a, ca, b, cb, c, cc, o, p0, p1);
      step<O>(y, a, ca, b, cb, c, cc, o + 16, p0, p1);
      step<O>(y, a, ca, b, cb, c, cc, o + 32, p0, p1);
      step<O>(y, a, ca, b, cb, c, cc, o + 48, p0, p1);
    }
  }
  for (; i + 4 <= n; i += 4) step<O>(y, a, ca, b, cb, c, cc, <usize>i << 2, p0, p1);
  return i;
}

/** One row of n elements; strides in elements. */
@inline function row<O>(n: i32, y: usize, sy: i32, a: usize, sa: i32, b: usize, sb: i32,
                     c: usize, sc: i32, p0: v128, p1: v128): void {
  let i = 0;
  if (sy == 1) {
    // Inputs beyond the op's arity count as contiguous (they are never loaded).
    const ca = sa == 1, cb = arity<O>() < 2 || sb == 1, cc = arity<O>() < 3 || sc == 1;
    const za = sa == 0, zb = arity<O>() < 2 || sb == 0, zc = arity<O>() < 3 || sc == 0;
    if (ca && cb && cc) {
      if (is<O, Copy>()) {
        memory.copy(y, a, <usize>n << 2);
        return;
      }
      i = vloop<O>(n, y, a, true, b, true, c, true, p0, p1);
    } else if (za && zb && zc) {
      // Every input is one scalar: compute once, then fill.
      const va = v128.load32_splat(a);
      const vb = arity<O>() > 1 ? v128.load32_splat(b) : va;
      const vc = arity<O>() > 2 ? v128.load32_splat(c) : va;
      const v = apply<O>(va, vb, vc, p0, p1);
      for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), v);
    } else if (za && cb && cc) {
      i = vloop<O>(n, y, a, false, b, true, c, true, p0, p1);
    } else if (arity<O>() >= 2 && ca && zb && cc) {
      i = vloop<O>(n, y, a, true, b, false, c, true, p0, p1);
    } else if (arity<O>() == 3 && ca && cb && zc) {
      i = vloop<O>(n, y, a, true, b, true, c, false, p0, p1);
    }
  }
  // The remainder, and strided rows: gather up to four lanes, scatter them back.
  const ya = <usize>sy << 2, aa = <usize>sa << 2, ba = <usize>sb << 2, cs = <usize>sc << 2;
  for (; i < n; i += 4) {
    const k = n - i, u = <usize>i;
    const va = gather(a + u * aa, aa, k);
    const vb = arity<O>() > 1 ? gather(b + u * ba, ba, k) : va;
    const vc = arity<O>() > 2 ? gather(c + u * cs, cs, k) : va;
    scatter(y + u * ya, ya, apply<O>(va, vb, vc, p0, p1), k);
  }
}

/**
 * Runs op over the output described at d: shape, y strides, then the strides of
 * x0, x1, x2 (as many as the op has inputs). Rows are the innermost dim; the dim
 * above it is walked by adding strides, the rest by division once per block.
 */
@inline export function drive<O>(rank: i32, d: usize, x0: usize, x1: usize, x2: usize,
                              y: usize, p0: f32, p1: f32): void {
  let rows = 1;
  for (let k = 0; k < rank - 1; k++) rows *= desc(d, k);
  const n = desc(d, rank - 1);
  if (rows <= 0 || n <= 0) return;
  const inner = rank - 1, outer = rank - 2;
  const m = rank > 1 ? desc(d, outer) : 1;
  const sy = desc(d, rank + inner), s0 = desc(d, 2 * rank + inner);
  const s1 = arity<O>() > 1 ? desc(d, 3 * rank + inner) : 0;
  const s2 = arity<O>() > 2 ? desc(d, 4 * rank + inner) : 0;
  const ty = rank > 1 ? desc(d, rank + outer) : 0;
  const t0 = rank > 1 ? desc(d, 2 * rank + outer) : 0;
  const t1 = rank > 1 && arity<O>() > 1 ? desc(d, 3 * rank + outer) : 0;
  const t2 = rank > 1 && arity<O>() > 2 ? desc(d, 4 * rank + outer) : 0;
  const v0 = f32x4.splat(p0), v1 = f32x4.splat(p1);
  const blocks = rows / m;
  for (let q = 0; q < blocks; q++) {
    let oy = outerOffset(d, rank, q, rank), o0 = outerOffset(d, rank, q, 2 * rank);
    let o1 = arity<O>() > 1 ? outerOffset(d, rank, q, 3 * rank) : 0;
    let o2 = arity<O>() > 2 ? outerOffset(d, rank, q, 4 * rank) : 0;
    for (let j = 0; j < m; j++) {
      row<O>(n, at(y, oy), sy, at(x0, o0), s0, at(x1, o1), s1, at(x2, o2), s2, v0, v1);
      oy += ty; o0 += t0; o1 += t1; o2 += t2;
    }
  }
}
