// Weight gradient over the implicit column matrix: dw[r][k] += sum over pixels of
// dy[r][pixel] * col[k][pixel], with col read from the staged input through the tap
// table (stage.ts). The pixels are the reduction here, so SIMD lanes run along them
// (dy rows and tap windows are both contiguous along an output row) and a tile of
// tr output channels x tt taps keeps tr*tt vector accumulators, summed across lanes
// once per block. No packing: dy is read in place and the input only staged.
import { madd4 } from "../common";
import { Plan } from "./stage";

/** Horizontal sum of four lanes. */
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** The first n (1..3) floats at p, zeros elsewhere, reading only those floats. */
@inline function loadHead(p: usize, n: i32): v128 {
  let v = v128.load32_zero(p);
  if (n > 1) v = v128.load32_lane(p, v, 1, 4);
  if (n > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

@inline function addTo(p: usize, v: v128): void { store<f32>(p, load<f32>(p) + hsum(v)); }

/** Vectors per lane summed before the tile's accumulators are added to dw: short
 *  chains keep the float32 sum accurate (one chain over a 40 x 40 image erred 1.4e-5). */
const CHAIN: usize = 64 * 16;

/**
 * tr (literal <= 4) channels x tt (literal 1 or 2) taps over `rows` output rows of OW
 * pixels. dy: channel 0's first pixel (channels `dys` bytes apart, rows OW floats);
 * xb: the block's staged base, rows `rowStep` bytes apart; t0, t1: the taps' offsets;
 * dw: dw[0][tap 0], rows `ldw` bytes apart. A row's last OW % 4 pixels run as one
 * vector with dy's missing lanes zero and the input's masked off (so whatever the
 * buffer holds there, even inf, adds nothing).
 */
@inline function wtileK(tr: i32, tt: i32, rows: i32, OW: i32, dy: usize, dys: usize, xb: usize,
  rowStep: usize, t0: usize, t1: usize, dw: usize, ldw: usize): void {
  const z = f32x4.splat(0);
  let a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
  const body = <usize>(OW & ~3) << 2, tail = OW & 3;
  const mask = i32x4(tail > 0 ? -1 : 0, tail > 1 ? -1 : 0, tail > 2 ? -1 : 0, 0);
  let d = dy, x = xb, chain: usize = 0;
  for (let oh = 0; oh < rows; oh++) {
    const x0 = x + t0, x1 = x + t1;
    for (let o0: usize = 0; o0 < body; o0 += CHAIN) {
      const oe = min(body, o0 + CHAIN);
      for (let o = o0; o < oe; o += 16) {
        const u0 = v128.load(x0 + o), u1 = tt > 1 ? v128.load(x1 + o) : z;
        let g = v128.load(d + o);
        a00 = madd4(g, u0, a00); if (tt > 1) a01 = madd4(g, u1, a01);
        if (tr > 1) { g = v128.load(d + dys + o); a10 = madd4(g, u0, a10); if (tt > 1) a11 = madd4(g, u1, a11); }
        if (tr > 2) { g = v128.load(d + 2 * dys + o); a20 = madd4(g, u0, a20); if (tt > 1) a21 = madd4(g, u1, a21); }
        if (tr > 3) { g = v128.load(d + 3 * dys + o); a30 = madd4(g, u0, a30); if (tt > 1) a31 = madd4(g, u1, a31); }
      }
      chain += oe - o0;
      if (chain >= CHAIN) {
        flush(tr, tt, dw, ldw, a00, a01, a10, a11, a20, a21, a30, a31);
        a00 = z; a01 = z; a10 = z; a11 = z; a20 = z; a21 = z; a30 = z; a31 = z;
        chain = 0;
      }
    }
    if (tail) {
      const u0 = v128.and(v128.load(x0 + body), mask), u1 = tt > 1 ? v128.and(v128.load(x1 + body), mask) : z;
      let g = loadHead(d + body, tail);
      a00 = madd4(g, u0, a00); if (tt > 1) a01 = madd4(g, u1, a01);
      if (tr > 1) { g = loadHead(d + dys + body, tail); a10 = madd4(g, u0, a10); if (tt > 1) a11 = madd4(g, u1, a11); }
      if (tr > 2) { g = loadHead(d + 2 * dys + body, tail); a20 = madd4(g, u0, a20); if (tt > 1) a21 = madd4(g, u1, a21); }
      if (tr > 3) { g = loadHead(d + 3 * dys + body, tail); a30 = madd4(g, u0, a30); if (tt > 1) a31 = madd4(g, u1, a31); }
      chain += 16;
    }
    d += <usize>OW << 2; x += rowStep;
  }
  flush(tr, tt, dw, ldw, a00, a01, a10, a11, a20, a21, a30, a31);
}

/** Adds the tile's accumulators, summed across lanes, to dw. */
@inline function flush(tr: i32, tt: i32, dw: usize, ldw: usize, a00: v128, a01: v128, a10: v128, a11: v128,
  a20: v128, a21: v128, a30: v128, a31: v128): void {
  addTo(dw, a00); if (tt > 1) addTo(dw + 4, a01);
  if (tr > 1) { addTo(dw + ldw, a10); if (tt > 1) addTo(dw + ldw + 4, a11); }
  if (tr > 2) { addTo(dw + 2 * ldw, a20); if (tt > 1) addTo(dw + 2 * ldw + 4, a21); }
  if (tr > 3) { addTo(dw + 3 * ldw, a30); if (tt > 1) addTo(dw + 3 * ldw + 4, a31); }
}

// One function per tile shape (V8 allocates registers per function).
function w4x2(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, t1: usize, dw: usize, ldw: usize): void { wtileK(4, 2, rows, OW, dy, dys, xb, rs, t0, t1, dw, ldw); }
function w3x2(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, t1: usize, dw: usize, ldw: usize): void { wtileK(3, 2, rows, OW, dy, dys, xb, rs, t0, t1, dw, ldw); }
function w2x2(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, t1: usize, dw: usize, ldw: usize): void { wtileK(2, 2, rows, OW, dy, dys, xb, rs, t0, t1, dw, ldw); }
function w1x2(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, t1: usize, dw: usize, ldw: usize): void { wtileK(1, 2, rows, OW, dy, dys, xb, rs, t0, t1, dw, ldw); }
function w4x1(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, dw: usize, ldw: usize): void { wtileK(4, 1, rows, OW, dy, dys, xb, rs, t0, t0, dw, ldw); }
function w3x1(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, dw: usize, ldw: usize): void { wtileK(3, 1, rows, OW, dy, dys, xb, rs, t0, t0, dw, ldw); }
function w2x1(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, dw: usize, ldw: usize): void { wtileK(2, 1, rows, OW, dy, dys, xb, rs, t0, t0, dw, ldw); }
function w1x1(rows: i32, OW: i32, dy: usize, dys: usize, xb: usize, rs: usize, t0: usize, dw: usize, ldw: usize): void { wtileK(1, 1, rows, OW, dy, dys, xb, rs, t0, t0, dw, ldw); }

/**
 * dw[r][k] += sum over `rows` rows of OW pixels of dy[r][pixel] * src[k][pixel], for
 * r < M, k < K: dy row r at dy + r*dys (rows OW floats apart), src[k] at base +
 * tab[k] (rows rowStep bytes apart), dw row r at dw + r*ldw.
 */
export function wgradRun(M: i32, K: i32, tab: usize, rows: i32, OW: i32, dy: usize, dys: usize,
  base: usize, rs: usize, dw: usize, ldw: usize): void {
  // Four channels' dy rows of the block stay in L1 while every tap pair sweeps them.
  for (let r = 0; r < M; r += 4) {
    const tr = min(4, M - r), d = dy + <usize>r * dys, wr = dw + <usize>r * ldw;
    for (let k = 0; k < K; k += 2) {
      const t0 = <usize>load<i32>(tab + (<usize>k << 2)), wk = wr + (<usize>k << 2);
      if (k + 1 < K) {
        const t1 = <usize>load<i32>(tab + (<usize>k << 2), 4);
        if (tr == 4) w4x2(rows, OW, d, dys, base, rs, t0, t1, wk, ldw);
        else if (tr == 3) w3x2(rows, OW, d, dys, base, rs, t0, t1, wk, ldw);
        else if (tr == 2) w2x2(rows, OW, d, dys, base, rs, t0, t1, wk, ldw);
        else w1x2(rows, OW, d, dys, base, rs, t0, t1, wk, ldw);
      } else {
        if (tr == 4) w4x1(rows, OW, d, dys, base, rs, t0, wk, ldw);
        else if (tr == 3) w3x1(rows, OW, d, dys, base, rs, t0, wk, ldw);
        else if (tr == 2) w2x1(rows, OW, d, dys, base, rs, t0, wk, ldw);
        else w1x1(rows, OW, d, dys, base, rs, t0, wk, ldw);
      }
    }
  }
}

/**
 * Adds one block of output rows [oh0, oh1) to the gradient of one group's weight
 * `dw` (p.M x p.K, row-major): `dy` is the group's first output channel (planes
 * p.OH*p.OW apart), `base` the block's staged source (stage.ts: blockBase).
 */
export function wgradBlock(p: Plan, dy: usize, base: usize, oh0: i32, oh1: i32, dw: usize): void {
  wgradRun(p.M, p.K, p.tab, oh1 - oh0, p.OW, dy + (<usize>(oh0 * p.OW) << 2), <usize>(p.OH * p.OW) << 2,
    base, <usize>p.rowStep, dw, <usize>p.K << 2);
}
