// The depthwise 3x3, unit-stride, undilated kernel (the common depthwise layer), two
// output rows at a time: a loaded input vector of row r feeds output row r's tap
// (kh = 0..2 of the upper row) and the row below's, so each load serves two
// multiply-adds. Per step of the tap loop: 4 loaded vectors and 2 weight splats plus
// 8 accumulators stay within V8's 15 vector registers, even though V8 issues all of a
// loop body's loads first (the one-row kernel of depthwise.ts, 8 accumulators and 9
// loads per step, spills; unrolling its taps spilled far worse).
import { madd4 } from "../common";

/**
 * Rows oh and oh+1, 16 pixels at `xr` (the padded input row oh at the block's first
 * column; rows `rs` bytes apart): y0, y1 = b + sum over the np planes (`ps` bytes
 * apart, 9 weights each from w) of the 3x3 correlation.
 */
@inline function pair(xr: usize, rs: usize, np: i32, ps: usize, w: usize, y0: usize, y1: usize, bv: v128): void {
  let a0 = bv, a1 = bv, a2 = bv, a3 = bv, b0 = bv, b1 = bv, b2 = bv, b3 = bv;
  let wp = w;
  for (let m = 0; m < np; m++, wp += 36) {
    let r = xr + <usize>m * ps;
    // input row 0: the upper row's first kernel row only
    for (let kw: usize = 0; kw < 12; kw += 4) {
      const wa = v128.load32_splat(wp + kw), p = r + kw;
      a0 = madd4(v128.load(p), wa, a0); a1 = madd4(v128.load(p, 16), wa, a1);
      a2 = madd4(v128.load(p, 32), wa, a2); a3 = madd4(v128.load(p, 48), wa, a3);
    }
    r += rs;
    // input rows 1 and 2: kernel row kh of the upper row, kh - 1 of the lower
    for (let kh: usize = 12; kh < 36; kh += 12, r += rs) {
      for (let kw: usize = 0; kw < 12; kw += 4) {
        const wa = v128.load32_splat(wp + kh + kw), wb = v128.load32_splat(wp + kh + kw - 12), p = r + kw;
        let v = v128.load(p); a0 = madd4(v, wa, a0); b0 = madd4(v, wb, b0);
        v = v128.load(p, 16); a1 = madd4(v, wa, a1); b1 = madd4(v, wb, b1);
        v = v128.load(p, 32); a2 = madd4(v, wa, a2); b2 = madd4(v, wb, b2);
        v = v128.load(p, 48); a3 = madd4(v, wa, a3); b3 = madd4(v, wb, b3);
      }
    }
    // input row 3: the lower row's last kernel row only
    for (let kw: usize = 0; kw < 12; kw += 4) {
      const wb = v128.load32_splat(wp + 24 + kw), p = r + kw;
      b0 = madd4(v128.load(p), wb, b0); b1 = madd4(v128.load(p, 16), wb, b1);
      b2 = madd4(v128.load(p, 32), wb, b2); b3 = madd4(v128.load(p, 48), wb, b3);
    }
  }
  v128.store(y0, a0); v128.store(y0, a1, 16); v128.store(y0, a2, 32); v128.store(y0, a3, 48);
  v128.store(y1, b0); v128.store(y1, b1, 16); v128.store(y1, b2, 32); v128.store(y1, b3, 48);
}

/**
 * Output rows [0, OH & ~1) of an OH x OW plane (OW >= 16) from np padded planes (row
 * length Wp, every tap in bounds): 16-pixel blocks, the last one overlapping its
 * neighbour so that it ends at OW. Returns the rows done (an odd last row is left to
 * the one-row kernel).
 */
export function plane3x3Pairs(xp: usize, Wp: i32, np: i32, ps: usize, w: usize, y: usize, OH: i32, OW: i32, b: f32): i32 {
  const bv = f32x4.splat(b), rs = <usize>Wp << 2, ys = <usize>OW << 2;
  for (let oh = 0; oh + 1 < OH; oh += 2) {
    const xr = xp + <usize>oh * rs, yr = y + <usize>oh * ys;
    for (let ow = 0; ow < OW; ow += 16) {
      const o = <usize>min(ow, OW - 16) << 2;
      pair(xr + o, rs, np, ps, w, yr + o, yr + ys + o, bv);
    }
  }
  return OH & ~1;
}
