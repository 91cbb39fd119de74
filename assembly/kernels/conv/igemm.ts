// Implicit GEMM: y[r][pixel] = bias[r] + sum_k A[r][k] * col[k][pixel], where A is
// the packed weight (stage.ts: packA) and col is read straight from the staged input
// through the tap table (stage.ts). A tile is mr output channels x 4*nv pixels of one
// output row; it keeps the whole K reduction in registers (no K blocking), so a tile
// computed twice gives the same values and row tails can overlap the previous tile.
import { madd4 } from "../common";
import { Plan } from "./stage";

// Rows of the register tile: 4 x 8 in the plain build (8 accumulators, and the adds
// and multiplies saturate the FP ports), 5 x 8 with FMA (10 accumulators; 2 B vectors
// and one splat keep it at 13 of V8's 15 xmm registers), as in gemm.ts.
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;

/** The first n (1..3) lanes of v. */
@inline function storeHead(p: usize, v: v128, n: i32): void {
  v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p, v, 1, 4);
  if (n > 2) v128.store32_lane(p, v, 2, 8);
}

/** Stores an accumulator row of nv vectors (n < 4 pixels: part of one vector). */
@inline function storeRow(nv: i32, y: usize, v0: v128, v1: v128, n: i32): void {
  if (nv == 1 && n < 4) { storeHead(y, v0, n); return; }
  v128.store(y, v0);
  if (nv > 1) v128.store(y, v1, 16);
}

/**
 * One tile of mr (literal, 1..5) rows x 4*nv (literal 1 or 2) pixels. `pa`: the rows'
 * packed panel; `pb`: the tile's first pixel in the staged buffer (tap k adds tab[k]);
 * `y`: row 0's first output pixel, rows `ys` bytes apart; `n`: pixels to store.
 * The 5-row tile (FMA build) splats rows 0-3 from one load by shuffles and row 4 by a
 * load-splat: fewer live loaded vectors (V8 issues a body's loads first), as gemm.ts.
 */
@inline function tileK(mr: i32, nv: i32, K: i32, pa: usize, tab: usize, pb: usize,
  y: usize, ys: usize, bias: usize, n: i32): void {
  let c00 = f32x4.splat(0), c10 = c00, c20 = c00, c30 = c00, c40 = c00;
  if (bias) {
    c00 = v128.load32_splat(bias);
    if (mr > 1) c10 = v128.load32_splat(bias, 4);
    if (mr > 2) c20 = v128.load32_splat(bias, 8);
    if (mr > 3) c30 = v128.load32_splat(bias, 12);
    if (mr > 4) c40 = v128.load32_splat(bias, 16);
  }
  let c01 = c00, c11 = c10, c21 = c20, c31 = c30, c41 = c40;
  const te = tab + (<usize>K << 2);
  for (let t = tab; t < te; t += 4) {
    const p = pb + <usize>load<i32>(t);
    const b0 = v128.load(p);
    const b1 = nv > 1 ? v128.load(p, 16) : b0;
    if (mr == 5) {
      const av = v128.load(pa);
      let a = f32x4.shuffle(av, av, 0, 0, 0, 0);
      c00 = madd4(a, b0, c00); if (nv > 1) c01 = madd4(a, b1, c01);
      a = f32x4.shuffle(av, av, 1, 1, 1, 1);
      c10 = madd4(a, b0, c10); if (nv > 1) c11 = madd4(a, b1, c11);
      a = f32x4.shuffle(av, av, 2, 2, 2, 2);
      c20 = madd4(a, b0, c20); if (nv > 1) c21 = madd4(a, b1, c21);
      a = f32x4.shuffle(av, av, 3, 3, 3, 3);
      c30 = madd4(a, b0, c30); if (nv > 1) c31 = madd4(a, b1, c31);
      a = v128.load32_splat(pa, 16);
      c40 = madd4(a, b0, c40); if (nv > 1) c41 = madd4(a, b1, c41);
    } else {
      let a = v128.load32_splat(pa);
      c00 = madd4(a, b0, c00); if (nv > 1) c01 = madd4(a, b1, c01);
      if (mr > 1) { a = v128.load32_splat(pa, 4); c10 = madd4(a, b0, c10); if (nv > 1) c11 = madd4(a, b1, c11); }
      if (mr > 2) { a = v128.load32_splat(pa, 8); c20 = madd4(a, b0, c20); if (nv > 1) c21 = madd4(a, b1, c21); }
      if (mr > 3) { a = v128.load32_splat(pa, 12); c30 = madd4(a, b0, c30); if (nv > 1) c31 = madd4(a, b1, c31); }
    }
    pa += <usize>(mr << 2);
  }
  storeRow(nv, y, c00, c01, n);
  if (mr > 1) storeRow(nv, y + ys, c10, c11, n);
  if (mr > 2) storeRow(nv, y + 2 * ys, c20, c21, n);
  if (mr > 3) storeRow(nv, y + 3 * ys, c30, c31, n);
  if (mr > 4) storeRow(nv, y + 4 * ys, c40, c41, n);
}

/**
 * A wide tile for one or two rows (few output channels): mr (literal 1 or 2) rows x
 * 4*nv (literal, nv <= 8 / mr) pixels, the same 8 accumulators as a 4 x 8 tile.
 */
@inline function tileW(mr: i32, nv: i32, K: i32, pa: usize, tab: usize, pb: usize,
  y: usize, ys: usize, bias: usize): void {
  let a0 = f32x4.splat(0), b0 = a0;
  if (bias) { a0 = v128.load32_splat(bias); if (mr > 1) b0 = v128.load32_splat(bias, 4); }
  let a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, b1 = b0, b2 = b0, b3 = b0;
  const te = tab + (<usize>K << 2);
  for (let t = tab; t < te; t += 4) {
    const p = pb + <usize>load<i32>(t);
    const w0 = v128.load32_splat(pa), w1 = mr > 1 ? v128.load32_splat(pa, 4) : w0;
    let v = v128.load(p);
    a0 = madd4(w0, v, a0); if (mr > 1) b0 = madd4(w1, v, b0);
    if (nv > 1) { v = v128.load(p, 16); a1 = madd4(w0, v, a1); if (mr > 1) b1 = madd4(w1, v, b1); }
    if (nv > 2) { v = v128.load(p, 32); a2 = madd4(w0, v, a2); if (mr > 1) b2 = madd4(w1, v, b2); }
    if (nv > 3) { v = v128.load(p, 48); a3 = madd4(w0, v, a3); if (mr > 1) b3 = madd4(w1, v, b3); }
    if (nv > 4) { v = v128.load(p, 64); a4 = madd4(w0, v, a4); }
    if (nv > 5) { v = v128.load(p, 80); a5 = madd4(w0, v, a5); }
    if (nv > 6) { v = v128.load(p, 96); a6 = madd4(w0, v, a6); }
    if (nv > 7) { v = v128.load(p, 112); a7 = madd4(w0, v, a7); }
    pa += <usize>(mr << 2);
  }
  v128.store(y, a0);
  if (nv > 1) v128.store(y, a1, 16);
  if (nv > 2) v128.store(y, a2, 32);
  if (nv > 3) v128.store(y, a3, 48);
  if (nv > 4) v128.store(y, a4, 64);
  if (nv > 5) v128.store(y, a5, 80);
  if (nv > 6) v128.store(y, a6, 96);
  if (nv > 7) v128.store(y, a7, 112);
  if (mr > 1) {
    const y1 = y + ys;
    v128.store(y1, b0);
    if (nv > 1) v128.store(y1, b1, 16);
    if (nv > 2) v128.store(y1, b2, 32);
    if (nv > 3) v128.store(y1, b3, 48);
  }
}

// One function per tile shape, so that V8 allocates registers for one loop at a time.
// Arguments: K, packed panel, tap table, staged pixel, output, row stride, bias, pixels.
function t1x1(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void { tileK(1, 1, K, pa, tb, pb, y, ys, b, n); }
function t2x1(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void { tileK(2, 1, K, pa, tb, pb, y, ys, b, n); }
function t3x1(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void { tileK(3, 1, K, pa, tb, pb, y, ys, b, n); }
function t4x1(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void { tileK(4, 1, K, pa, tb, pb, y, ys, b, n); }
function t5x1(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void { tileK(5, 1, K, pa, tb, pb, y, ys, b, n); }
function t3x2(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileK(3, 2, K, pa, tb, pb, y, ys, b, 8); }
function t4x2(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileK(4, 2, K, pa, tb, pb, y, ys, b, 8); }
function t5x2(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileK(5, 2, K, pa, tb, pb, y, ys, b, 8); }
function w1x2(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 2, K, pa, tb, pb, y, ys, b); }
function w1x3(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 3, K, pa, tb, pb, y, ys, b); }
function w1x4(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 4, K, pa, tb, pb, y, ys, b); }
function w1x5(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 5, K, pa, tb, pb, y, ys, b); }
function w1x6(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 6, K, pa, tb, pb, y, ys, b); }
function w1x7(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 7, K, pa, tb, pb, y, ys, b); }
function w1x8(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(1, 8, K, pa, tb, pb, y, ys, b); }
function w2x2(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(2, 2, K, pa, tb, pb, y, ys, b); }
function w2x3(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(2, 3, K, pa, tb, pb, y, ys, b); }
function w2x4(K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { tileW(2, 4, K, pa, tb, pb, y, ys, b); }

/** The most vectors per tile for mr rows: 8 accumulators (10 for the 5-row FMA tile). */
@inline function widest(mr: i32): i32 { return mr == 1 ? 8 : mr == 2 ? 4 : 2; }

/** One tile of mr rows x nv vectors (nv <= widest(mr)); n < 4 pixels only with nv = 1. */
export function tile(mr: i32, nv: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize, n: i32): void {
  if (nv == 1) {
    if (mr == 1) t1x1(K, pa, tb, pb, y, ys, b, n);
    else if (mr == 2) t2x1(K, pa, tb, pb, y, ys, b, n);
    else if (mr == 3) t3x1(K, pa, tb, pb, y, ys, b, n);
    else if (mr == 4) t4x1(K, pa, tb, pb, y, ys, b, n);
    else t5x1(K, pa, tb, pb, y, ys, b, n);
  } else if (mr == 1) {
    if (nv == 2) w1x2(K, pa, tb, pb, y, ys, b);
    else if (nv == 3) w1x3(K, pa, tb, pb, y, ys, b);
    else if (nv == 4) w1x4(K, pa, tb, pb, y, ys, b);
    else if (nv == 5) w1x5(K, pa, tb, pb, y, ys, b);
    else if (nv == 6) w1x6(K, pa, tb, pb, y, ys, b);
    else if (nv == 7) w1x7(K, pa, tb, pb, y, ys, b);
    else w1x8(K, pa, tb, pb, y, ys, b);
  } else if (mr == 2) {
    if (nv == 2) w2x2(K, pa, tb, pb, y, ys, b);
    else if (nv == 3) w2x3(K, pa, tb, pb, y, ys, b);
    else w2x4(K, pa, tb, pb, y, ys, b);
  } else if (mr == 3) t3x2(K, pa, tb, pb, y, ys, b);
  else if (mr == 4) t4x2(K, pa, tb, pb, y, ys, b);
  else t5x2(K, pa, tb, pb, y, ys, b);
}

/** `count` tiles of mr rows x widest(mr) vectors, side by side (the dispatch and call
 *  of tile() per tile cost ~10% when K is short, as in Winograd's products). */
@inline function runK(mr: i32, count: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void {
  const step = <usize>(16 * widest(mr));
  for (let i = 0; i < count; i++, pb += step, y += step) {
    if (mr > 2) tileK(mr, 2, K, pa, tb, pb, y, ys, b, 8);
    else tileW(mr, widest(mr), K, pa, tb, pb, y, ys, b);
  }
}
function run1(n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { runK(1, n, K, pa, tb, pb, y, ys, b); }
function run2(n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { runK(2, n, K, pa, tb, pb, y, ys, b); }
function run3(n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { runK(3, n, K, pa, tb, pb, y, ys, b); }
function run4(n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { runK(4, n, K, pa, tb, pb, y, ys, b); }
function run5(n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void { runK(5, n, K, pa, tb, pb, y, ys, b); }

/** `n` pixels (a multiple of 4, or fewer than 4) of rows [0, mr): full-width tiles, then
 *  one tile for the rest. */
export function tileRow(mr: i32, n: i32, K: i32, pa: usize, tb: usize, pb: usize, y: usize, ys: usize, b: usize): void {
  const V = widest(mr), count = n / (4 * V), done = count * 4 * V;
  if (count > 0) {
    if (mr == 1) run1(count, K, pa, tb, pb, y, ys, b);
    else if (mr == 2) run2(count, K, pa, tb, pb, y, ys, b);
    else if (mr == 3) run3(count, K, pa, tb, pb, y, ys, b);
    else if (mr == 4) run4(count, K, pa, tb, pb, y, ys, b);
    else run5(count, K, pa, tb, pb, y, ys, b);
  }
  if (done < n) {
    const o = <usize>done << 2, r = n - done;
    tile(mr, (r + 3) >> 2, K, pa, tb, pb + o, y + o, ys, b, min(4, r));
  }
}

/**
 * Output rows [oh0, oh1) of one group: `A` its packed weight (p.M rows), `base` where
 * the block's staged source starts (stage.ts: blockBase), `y` the group's output
 * (channel planes p.OH*p.OW apart), `bias` 0 or the group's p.M biases. A row of OW
 * pixels runs as full-width tiles, then one tile just wide enough for the rest that
 * ends at OW (overlapping its neighbour by up to 3 pixels, computed twice); rows
 * narrower than 4 store part of a tile. Every output row sweeps all of A (L1 or L2)
 * over the few staged rows it reads (L1).
 */
export function igemmBlock(p: Plan, A: usize, base: usize, oh0: i32, oh1: i32, y: usize, bias: usize): void {
  const M = p.M, K = p.K, OW = p.OW, tab = p.tab, ys = <usize>(p.OH * OW) << 2;
  for (let oh = oh0; oh < oh1; oh++) {
    const pr = base + <usize>(oh - oh0) * <usize>p.rowStep, yr = y + (<usize>(oh * OW) << 2);
    for (let r = 0; r < M; r += MR) {
      const mr = min(MR, M - r), V = widest(mr), pa = A + (<usize>(r * K) << 2);
      const yt = yr + <usize>r * ys, br = bias ? bias + (<usize>r << 2) : 0;
      const full = OW / (4 * V) * 4 * V;
      if (full > 0) tileRow(mr, full, K, pa, tab, pr, yt, ys, br);
      const ow = full;
      if (ow < OW) {
        let nv = (OW - ow + 3) >> 2;
        if (4 * nv > OW && OW >= 4) { // a row narrower than the tile: whole vectors first
          nv = OW >> 2;
          tile(mr, nv, K, pa, tab, pr, yt, ys, br, 4);
          nv = 1;
        }
        const o = max(0, OW - 4 * nv);
        tile(mr, nv, K, pa, tab, pr + (<usize>o << 2), yt + (<usize>o << 2), ys, br, min(4, OW - o));
      }
    }
  }
}
