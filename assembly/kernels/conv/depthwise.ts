// Direct SIMD kernels for depthwise convolution (groups == C, so each output channel
// co reads the single input channel co / (Cout/C)). im2col would copy kH*kW values
// per multiply-add here; instead each input plane is copied once into a zero-padded
// buffer in `work`, after which every tap of every output is in bounds and the inner
// loops are branch-free vectors over the output width.
import { madd4 } from "../common";
import { ConvDesc, fillF32, loadS } from "./geometry";
import { plane3x3Pairs } from "./depthwise3";

/** The zero-padded input plane: rows and row length covering every tap of every output. */
@inline export function padRows(d: ConvDesc): i32 { return max(d.H + 2 * d.pH, (d.OH - 1) * d.sH + (d.kH - 1) * d.dH + 1); }
@inline export function padCols(d: ConvDesc): i32 { return max(d.W + 2 * d.pW, (d.OW - 1) * d.sW + (d.kW - 1) * d.dW + 1); }
// The stride-1 input gradient is a "full" correlation of dy padded by (k-1)*dil on each side.
@inline function fullRows(d: ConvDesc): i32 { return (d.kH - 1) * d.dH + max(d.OH, d.H + d.pH); }
@inline function fullCols(d: ConvDesc): i32 { return (d.kW - 1) * d.dW + max(d.OW, d.W + d.pW); }
// NOTE: slack for the stride-2 scatter, whose last vector may touch one float past the plane.
export const SLACK: i32 = 16;

/** Bytes of `work` the depthwise kernels need. */
export function depthwiseWorkspace(dp: usize): i32 {
  const d = changetype<ConvDesc>(dp);
  const a = padRows(d) * padCols(d);
  const mult = d.Cout / d.C, b = mult * (fullRows(d) * fullCols(d) + d.kH * d.kW);
  return (max(a, b) + SLACK) << 2;
}

/** Copy R rows of L floats from `src` (row length lds) to `dst` (row length ldd). */
export function copyRows(dst: usize, ldd: i32, src: usize, lds: i32, R: i32, L: i32): void {
  for (let r = 0; r < R; r++) {
    const s = src + (<usize>(r * lds) << 2), t = dst + (<usize>(r * ldd) << 2);
    let i = 0;
    for (; i + 4 <= L; i += 4) v128.store(t + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
    for (; i < L; i++) store<f32>(t + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
  }
}

/**
 * `nv` (1, 4 or 8, a literal) output vectors at `yp`: b + the sum over `np` input
 * planes (`ps` bytes apart, weights consecutive) of each plane's kH x kW taps, the
 * taps starting at `xr`. nv independent accumulator chains hide the multiply-add
 * latency; 8 accumulators + weight + load fit V8's 15 vector registers.
 */
@inline function block(nv: i32, xr: usize, np: i32, ps: usize, w: usize, kH: i32, kW: i32,
  rowStep: usize, tapStep: usize, sW: i32, yp: usize, bv: v128): void {
  let a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;
  const vs = <usize>(16 * sW);
  let wp = w;
  for (let m = 0; m < np; m++) {
    let r = xr + <usize>m * ps;
    for (let kh = 0; kh < kH; kh++, r += rowStep) {
      let p = r;
      for (let kw = 0; kw < kW; kw++, p += tapStep, wp += 4) {
        const wv = v128.load32_splat(wp);
        a0 = madd4(loadS(p, sW), wv, a0);
        if (nv > 1) {
          a1 = madd4(loadS(p + vs, sW), wv, a1); a2 = madd4(loadS(p + 2 * vs, sW), wv, a2);
          a3 = madd4(loadS(p + 3 * vs, sW), wv, a3);
        }
        if (nv > 4) {
          a4 = madd4(loadS(p + 4 * vs, sW), wv, a4); a5 = madd4(loadS(p + 5 * vs, sW), wv, a5);
          a6 = madd4(loadS(p + 6 * vs, sW), wv, a6); a7 = madd4(loadS(p + 7 * vs, sW), wv, a7);
        }
      }
    }
  }
  v128.store(yp, a0);
  if (nv > 1) { v128.store(yp, a1, 16); v128.store(yp, a2, 32); v128.store(yp, a3, 48); }
  if (nv > 4) { v128.store(yp, a4, 64); v128.store(yp, a5, 80); v128.store(yp, a6, 96); v128.store(yp, a7, 112); }
}

/**
 * y[oh][ow] = b + sum_m sum_{kh,kw} w[m][kh][kw] * xp_m[oh*sH + kh*dH][ow*sW + kw*dW]
 * over an OH x OW plane; the np planes xp_m (row length Wp, every tap in bounds) lie
 * `ps` bytes apart. Row tails run one more block that ends exactly at OW and overlaps
 * the previous one (recomputing a few outputs beats narrow single-chain blocks).
 */
@inline function planeS(xp: usize, Wp: i32, np: i32, ps: usize, w: usize, kH: i32, kW: i32,
  dH: i32, dW: i32, sH: i32, sW: i32, y: usize, OH: i32, OW: i32, b: f32): void {
  const bv = f32x4.splat(b);
  const rowStep = <usize>(dH * Wp) << 2, tapStep = <usize>dW << 2;
  for (let oh = 0; oh < OH; oh++) {
    const xr = xp + (<usize>(oh * sH * Wp) << 2), yr = y + (<usize>(oh * OW) << 2);
    let ow = 0;
    for (; ow + 32 <= OW; ow += 32) block(8, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv);
    if (OW - ow > 16 && OW >= 32) { ow = OW - 32; block(8, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv); ow = OW; }
    for (; ow + 16 <= OW; ow += 16) block(4, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv);
    if (OW - ow > 4 && OW >= 16) { ow = OW - 16; block(4, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv); ow = OW; }
    for (; ow + 4 <= OW; ow += 4) block(1, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv);
    if (ow < OW && OW >= 4) { ow = OW - 4; block(1, xr + (<usize>(ow * sW) << 2), np, ps, w, kH, kW, rowStep, tapStep, sW, yr + (<usize>ow << 2), bv); ow = OW; }
    for (; ow < OW; ow++) { // OW < 4
      let s = b, wp = w;
      for (let m = 0; m < np; m++) {
        let r = xr + <usize>m * ps + (<usize>(ow * sW) << 2);
        for (let kh = 0; kh < kH; kh++, r += rowStep) {
          let p = r;
          for (let kw = 0; kw < kW; kw++, p += tapStep, wp += 4) s += load<f32>(p) * load<f32>(wp);
        }
      }
      store<f32>(yr + (<usize>ow << 2), s);
    }
  }
}

/** planeS specialised for the common strides 1 and 2 (constants fold into the loads), and
 *  3x3 unit-stride planes two rows at a time. */
function plane(xp: usize, Wp: i32, np: i32, ps: usize, w: usize, kH: i32, kW: i32, dH: i32, dW: i32,
  sH: i32, sW: i32, y: usize, OH: i32, OW: i32, b: f32): void {
  if (kH == 3 && kW == 3 && sH == 1 && sW == 1 && dH == 1 && dW == 1 && OW >= 16) {
    // Rows in pairs (depthwise3.ts); an odd last row below.
    const done = plane3x3Pairs(xp, Wp, np, ps, w, y, OH, OW, b);
    if (done == OH) return;
    xp += <usize>(done * Wp) << 2; y += <usize>(done * OW) << 2; OH -= done;
  }
  if (sW == 1) planeS(xp, Wp, np, ps, w, kH, kW, dH, dW, sH, 1, y, OH, OW, b);
  else if (sW == 2) planeS(xp, Wp, np, ps, w, kH, kW, dH, dW, sH, 2, y, OH, OW, b);
  else planeS(xp, Wp, np, ps, w, kH, kW, dH, dW, sH, sW, y, OH, OW, b);
}

export function depthwiseForward(dp: usize, x: usize, w: usize, bias: usize, y: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, H = d.H, W = d.W, Cout = d.Cout, OH = d.OH, OW = d.OW;
  const kk = d.kH * d.kW, mult = Cout / C, Hp = padRows(d), Wp = padCols(d);
  // The border stays zero: each plane only overwrites the interior.
  fillF32(work, Hp * Wp + SLACK, 0);
  const interior = work + (<usize>(d.pH * Wp + d.pW) << 2);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      copyRows(interior, Wp, x + (<usize>((n * C + c) * H * W) << 2), W, H, W);
      for (let m = 0; m < mult; m++) {
        const co = c * mult + m;
        const b: f32 = bias ? load<f32>(bias + (<usize>co << 2)) : 0;
        plane(work, Wp, 1, 0, w + (<usize>(co * kk) << 2), d.kH, d.kW, d.dH, d.dW, d.sH, d.sW,
          y + (<usize>((n * Cout + co) * OH * OW) << 2), OH, OW, b);
      }
    }
  }
}

/** p[ow*s] += w * g[ow] for ow < n; unit and 2 strides in SIMD. */
@inline function scatterRowS(p: usize, g: usize, n: i32, w: f32, s: i32): void {
  const wv = f32x4.splat(w), z = f32x4.splat(0);
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) {
      const q = p + (<usize>i << 2);
      v128.store(q, madd4(v128.load(g + (<usize>i << 2)), wv, v128.load(q)));
    }
  } else if (s == 2) {
    // [v0 v1 v2 v3] lands on p[0], p[2], p[4], p[6]: interleave with zeros and add to
    // two full vectors (the odd lanes add 0, so touching p[7] past the row end is
    // harmless: `p` is always the padded plane in `work`, which has slack).
    for (; i + 4 <= n; i += 4) {
      const q = p + (<usize>i << 3), v = f32x4.mul(v128.load(g + (<usize>i << 2)), wv);
      v128.store(q, f32x4.add(v128.load(q), v128.shuffle<f32>(v, z, 0, 4, 1, 4)));
      v128.store(q, f32x4.add(v128.load(q, 16), v128.shuffle<f32>(v, z, 2, 4, 3, 4)), 16);
    }
  }
  for (; i < n; i++) {
    const q = p + (<usize>(i * s) << 2);
    store<f32>(q, load<f32>(q) + w * load<f32>(g + (<usize>i << 2)));
  }
}

function scatterRow(p: usize, g: usize, n: i32, w: f32, s: i32): void {
  if (s == 1) scatterRowS(p, g, n, w, 1);
  else if (s == 2) scatterRowS(p, g, n, w, 2);
  else scatterRowS(p, g, n, w, s);
}

/**
 * dx = conv_transpose(dy, w). Stride 1 runs as a correlation of the padded dy with the
 * flipped kernel (a gather, so it reuses the vector plane kernel); other strides
 * scatter-add into a padded dx plane, tap by tap (so consecutive vector
 * read-modify-writes never overlap).
 */
export function depthwiseBackwardInput(dp: usize, dy: usize, w: usize, dx: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, H = d.H, W = d.W, Cout = d.Cout, OH = d.OH, OW = d.OW;
  const kH = d.kH, kW = d.kW, dH = d.dH, dW = d.dW, kk = kH * kW, mult = Cout / C;
  if (d.sH == 1 && d.sW == 1) {
    // The `mult` dy planes of input channel c sit one after another in `work`, so one
    // plane() call sums all their contributions into dx.
    const Hq = fullRows(d), Wq = fullCols(d), qH = (kH - 1) * dH, qW = (kW - 1) * dW, pb = Hq * Wq;
    const wf = work + (<usize>(mult * pb + SLACK) << 2);
    fillF32(work, mult * pb + SLACK, 0);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        for (let m = 0; m < mult; m++) {
          const co = c * mult + m, wc = w + (<usize>(co * kk) << 2), wm = wf + (<usize>(m * kk) << 2);
          for (let t = 0; t < kk; t++) store<f32>(wm + (<usize>t << 2), load<f32>(wc + (<usize>(kk - 1 - t) << 2)));
          copyRows(work + (<usize>(m * pb + qH * Wq + qW) << 2), Wq, dy + (<usize>((n * Cout + co) * OH * OW) << 2), OW, OH, OW);
        }
        plane(work + (<usize>(d.pH * Wq + d.pW) << 2), Wq, mult, <usize>pb << 2, wf, kH, kW, dH, dW, 1, 1,
          dx + (<usize>((n * C + c) * H * W) << 2), H, W, 0);
      }
    }
    return;
  }
  const Hp = padRows(d), Wp = padCols(d), sH = d.sH, sW = d.sW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      fillF32(work, Hp * Wp, 0);
      for (let m = 0; m < mult; m++) {
        const co = c * mult + m, wc = w + (<usize>(co * kk) << 2);
        const g = dy + (<usize>((n * Cout + co) * OH * OW) << 2);
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            const wv = load<f32>(wc + (<usize>(kh * kW + kw) << 2));
            for (let oh = 0; oh < OH; oh++) {
              const r = work + (<usize>((oh * sH + kh * dH) * Wp + kw * dW) << 2), gr = g + (<usize>(oh * OW) << 2);
              scatterRow(r, gr, OW, wv, sW);
            }
          }
        }
      }
      copyRows(dx + (<usize>((n * C + c) * H * W) << 2), W, work + (<usize>(d.pH * Wp + d.pW) << 2), Wp, H, W);
    }
  }
}
