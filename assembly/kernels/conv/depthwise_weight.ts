// Weight gradient of depthwise convolution: dw[co][kh][kw] = sum over images and
// output pixels of dy[co][oh][ow] * xpad[c][oh*sH + kh*dH][ow*sW + kw*dW], with the
// input plane copied once into a zero-padded buffer (see depthwise.ts).
import { madd4 } from "../common";
import { ConvDesc, fillF32, loadS } from "./geometry";
import { padRows, padCols, copyRows, SLACK } from "./depthwise";

/** Horizontal sum of four lanes. */
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** The `r` (1..3) first lanes of `p`, zeros elsewhere, reading only those lanes. */
@inline function loadHead(p: usize, r: i32): v128 {
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (r > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (r > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** sum over the OH x OW plane of g[oh][ow] * xp[oh*sH][ow*sW] (one weight tap). */
@inline function tapDotS(xp: usize, Wp: i32, sH: i32, sW: i32, g: usize, OH: i32, OW: i32): f32 {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let s: f32 = 0;
  const vs = <usize>(16 * sW);
  for (let oh = 0; oh < OH; oh++) {
    const xr = xp + (<usize>(oh * sH * Wp) << 2), gr = g + (<usize>(oh * OW) << 2);
    let ow = 0;
    for (; ow + 16 <= OW; ow += 16) {
      const p = xr + (<usize>(ow * sW) << 2), q = gr + (<usize>ow << 2);
      a0 = madd4(loadS(p, sW), v128.load(q), a0); a1 = madd4(loadS(p + vs, sW), v128.load(q, 16), a1);
      a2 = madd4(loadS(p + 2 * vs, sW), v128.load(q, 32), a2); a3 = madd4(loadS(p + 3 * vs, sW), v128.load(q, 48), a3);
    }
    for (; ow + 4 <= OW; ow += 4) a0 = madd4(loadS(xr + (<usize>(ow * sW) << 2), sW), v128.load(gr + (<usize>ow << 2)), a0);
    for (; ow < OW; ow++) s += load<f32>(xr + (<usize>(ow * sW) << 2)) * load<f32>(gr + (<usize>ow << 2));
  }
  return s + hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
}

function tapDot(xp: usize, Wp: i32, sH: i32, sW: i32, g: usize, OH: i32, OW: i32): f32 {
  if (sW == 1) return tapDotS(xp, Wp, sH, 1, g, OH, OW);
  if (sW == 2) return tapDotS(xp, Wp, sH, 2, g, OH, OW);
  return tapDotS(xp, Wp, sH, sW, g, OH, OW);
}

/**
 * All nine taps of a 3x3 kernel in one pass, added to dw[0..8]: each dy vector feeds
 * nine accumulators (one pass over the planes instead of nine; nine independent
 * chains also hide the multiply-add latency). The row tail is one masked vector:
 * dy lanes past OW are zero and their products are masked off, so whatever the
 * padded buffer holds there (even inf) cannot leak in. (The mask only on the tail:
 * in the body it cost half again the multiplies and adds.)
 */
@inline function taps3x3S(xp: usize, Wp: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  g: usize, OH: i32, OW: i32, dw: usize): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
  const rs = <usize>(dH * Wp) << 2, ts = <usize>dW << 2, tail = OW & 3, body = <usize>(OW - tail) << 2;
  const mask = i32x4(tail > 0 ? -1 : 0, tail > 1 ? -1 : 0, tail > 2 ? -1 : 0, 0);
  const xs = <usize>sW; // body: x advances sW floats per dy float
  for (let oh = 0; oh < OH; oh++) {
    const xr = xp + (<usize>(oh * sH * Wp) << 2), gr = g + (<usize>(oh * OW) << 2);
    for (let o: usize = 0; o < body; o += 16) {
      const p = xr + o * xs, gv = v128.load(gr + o);
      a0 = madd4(gv, loadS(p, sW), a0);
      a1 = madd4(gv, loadS(p + ts, sW), a1);
      a2 = madd4(gv, loadS(p + 2 * ts, sW), a2);
      a3 = madd4(gv, loadS(p + rs, sW), a3);
      a4 = madd4(gv, loadS(p + rs + ts, sW), a4);
      a5 = madd4(gv, loadS(p + rs + 2 * ts, sW), a5);
      a6 = madd4(gv, loadS(p + 2 * rs, sW), a6);
      a7 = madd4(gv, loadS(p + 2 * rs + ts, sW), a7);
      a8 = madd4(gv, loadS(p + 2 * rs + 2 * ts, sW), a8);
    }
    if (tail) {
      const p = xr + body * xs, gv = loadHead(gr + body, tail), m = mask;
      a0 = f32x4.add(a0, v128.and(f32x4.mul(gv, loadS(p, sW)), m));
      a1 = f32x4.add(a1, v128.and(f32x4.mul(gv, loadS(p + ts, sW)), m));
      a2 = f32x4.add(a2, v128.and(f32x4.mul(gv, loadS(p + 2 * ts, sW)), m));
      a3 = f32x4.add(a3, v128.and(f32x4.mul(gv, loadS(p + rs, sW)), m));
      a4 = f32x4.add(a4, v128.and(f32x4.mul(gv, loadS(p + rs + ts, sW)), m));
      a5 = f32x4.add(a5, v128.and(f32x4.mul(gv, loadS(p + rs + 2 * ts, sW)), m));
      a6 = f32x4.add(a6, v128.and(f32x4.mul(gv, loadS(p + 2 * rs, sW)), m));
      a7 = f32x4.add(a7, v128.and(f32x4.mul(gv, loadS(p + 2 * rs + ts, sW)), m));
      a8 = f32x4.add(a8, v128.and(f32x4.mul(gv, loadS(p + 2 * rs + 2 * ts, sW)), m));
    }
  }
  store<f32>(dw, load<f32>(dw) + hsum(a0)); store<f32>(dw, load<f32>(dw, 4) + hsum(a1), 4);
  store<f32>(dw, load<f32>(dw, 8) + hsum(a2), 8); store<f32>(dw, load<f32>(dw, 12) + hsum(a3), 12);
  store<f32>(dw, load<f32>(dw, 16) + hsum(a4), 16); store<f32>(dw, load<f32>(dw, 20) + hsum(a5), 20);
  store<f32>(dw, load<f32>(dw, 24) + hsum(a6), 24); store<f32>(dw, load<f32>(dw, 28) + hsum(a7), 28);
  store<f32>(dw, load<f32>(dw, 32) + hsum(a8), 32);
}

function taps3x3(xp: usize, Wp: i32, sH: i32, sW: i32, dH: i32, dW: i32, g: usize, OH: i32, OW: i32, dw: usize): void {
  if (sW == 1) taps3x3S(xp, Wp, sH, 1, dH, dW, g, OH, OW, dw);
  else if (sW == 2) taps3x3S(xp, Wp, sH, 2, dH, dW, g, OH, OW, dw);
  else taps3x3S(xp, Wp, sH, sW, dH, dW, g, OH, OW, dw);
}

export function depthwiseBackwardWeight(dp: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, H = d.H, W = d.W, Cout = d.Cout, OH = d.OH, OW = d.OW;
  const kH = d.kH, kW = d.kW, kk = kH * kW, mult = Cout / C, Hp = padRows(d), Wp = padCols(d);
  fillF32(dw, Cout * kk, 0);
  fillF32(work, Hp * Wp + SLACK, 0);
  const interior = work + (<usize>(d.pH * Wp + d.pW) << 2);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      copyRows(interior, Wp, x + (<usize>((n * C + c) * H * W) << 2), W, H, W);
      for (let m = 0; m < mult; m++) {
        const co = c * mult + m, g = dy + (<usize>((n * Cout + co) * OH * OW) << 2);
        if (kH == 3 && kW == 3) {
          taps3x3(work, Wp, d.sH, d.sW, d.dH, d.dW, g, OH, OW, dw + (<usize>(co * 9) << 2));
          continue;
        }
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            const p = dw + (<usize>(co * kk + kh * kW + kw) << 2);
            const xp = work + (<usize>(kh * d.dH * Wp + kw * d.dW) << 2);
            store<f32>(p, load<f32>(p) + tapDot(xp, Wp, d.sH, d.sW, g, OH, OW));
          }
        }
      }
    }
  }
}
