// float32 conv2d, NCHW, PyTorch semantics: forward, input gradient, weight gradient.
//
// Paths, chosen from the descriptor alone (so one workspace size serves all three):
// - depthwise (groups == C > 1): direct SIMD kernels (depthwise.ts);
// - otherwise an implicit GEMM (stage.ts, igemm.ts, wgrad.ts): the input is staged
//   once per block of output rows into a zero-padded, column-phase-split buffer (or
//   read in place when unpadded with unit column stride, 1x1 included) and the
//   register tiles read their pixel operand straight from it through a tap table:
//   no im2col copy, no B packing. The weight is packed once per call.
//   - forward: y = W col;
//   - input gradient, stride 1: a forward convolution of dy with the transposed,
//     flipped weight (padding (k-1)*dil - pad); other strides: GEMM + col2im;
//   - weight gradient: dw = dy col^T, reduced along pixels in SIMD lanes.
// - 3x3, unit stride and dilation, 8+ channels in and out per group: Winograd
//   F(2x2, 3x3) for all three passes (winograd.ts, winograd_wgrad.ts).
// Groups index channel ranges of the same staged buffer and weight.
import { ConvDesc, align16, fillF32 } from "./geometry";
import { Plan, PLAN_BYTES, canDirect, stageFloats, initPlan, stage, blockBase, packA } from "./stage";
import { MR, igemmBlock } from "./igemm";
import { wgradBlock } from "./wgrad";
import { colBackwardInput, colBackwardInputWorkspace } from "./colgemm";
import { winoView, winoWeights, winoBlock } from "./winograd";
import { winoWgradView, winoWgrad } from "./winograd_wgrad";
import { depthwiseWorkspace, depthwiseForward, depthwiseBackwardInput } from "./depthwise";
import { depthwiseBackwardWeight } from "./depthwise_weight";

const FWD: i32 = 0, BWD_IN: i32 = 1, BWD_W: i32 = 2;

@inline function isDepthwise(d: ConvDesc): bool { return d.groups == d.C && d.C > 1; }
@inline function isPointwise(d: ConvDesc): bool {
  return d.kH == 1 && d.kW == 1 && d.sH == 1 && d.sW == 1 && d.pH == 0 && d.pW == 0;
}
/** Winograd F(2x2, 3x3) for the forward pass and the (then also 3x3, unit-stride)
 *  input gradient: worth its transforms from 8 channels in and out (the transforms
 *  cost per tile and channel, the saved multiplies per tile and channel pair). */
@inline function isWino(d: ConvDesc): bool {
  return d.kH == 3 && d.kW == 3 && d.sH == 1 && d.sW == 1 && d.dH == 1 && d.dW == 1 &&
    d.C / d.groups >= WINO_MIN && d.Cout / d.groups >= WINO_MIN;
}
const WINO_MIN: i32 = 8;
/** The Winograd view of pass m (FWD or BWD_IN) at p (when p != 0); returns its bytes. */
function wino(m: i32, d: ConvDesc, p: usize): i32 {
  const G = d.groups, Cg = d.C / G, Co = d.Cout / G;
  if (m == FWD) return winoView(p, d.C, d.H, d.W, G, Cg, Co, d.pH, d.pW, d.OH, d.OW);
  return winoView(p, d.Cout, d.OH, d.OW, G, Co, Cg, 2 - d.pH, 2 - d.pW, d.H, d.W);
}
/** The weight gradient's Winograd view at p (when p != 0); returns its bytes. */
function wgradWino(d: ConvDesc, p: usize): i32 {
  return winoWgradView(p, d.C, d.H, d.W, d.Cout, d.groups, d.pH, d.pW, d.OH, d.OW);
}
@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
@inline function off(p: usize, i: i32): usize { return p + (<usize>i << 2); }

/**
 * The implicit-GEMM view of pass `m`: written into the Plan at `p` (with its tap table)
 * when p != 0; returns the bytes of `work` it needs. The input gradient's source is dy
 * (Cout channels of OH x OW) and its output dx; 1x1 convolutions are one row of H*W.
 */
function view(m: i32, d: ConvDesc, p: usize): i32 {
  const G = d.groups, Cg = d.C / G, Co = d.Cout / G;
  let kH = d.kH, kW = d.kW, sH = d.sH, sW = d.sW, dH = d.dH, dW = d.dW;
  let C = d.C, H = d.H, W = d.W, Cin = Cg, M = Co, pT = d.pH, pL = d.pW, OH = d.OH, OW = d.OW;
  if (m == BWD_IN) {
    C = d.Cout; H = d.OH; W = d.OW; Cin = Co; M = Cg;
    pT = (kH - 1) * dH - d.pH; pL = (kW - 1) * dW - d.pW; OH = d.H; OW = d.W;
  }
  if (isPointwise(d)) { W = H * W; H = 1; OW = W; OH = 1; dH = 1; dW = 1; }
  const K = Cin * kH * kW, quad = m == BWD_W, tabBytes = align16(K << 2);
  const packed = m == BWD_W ? 0 : G * roundUp(M, MR) * K * 4;
  const staged = canDirect(pT, pL, sW, OW, quad, H, W, OH, kH, kW, sH, dH, dW) ? 0 : stageFloats(C, OH, OW, kH, kW, sH, sW, dH, dW) * 4;
  if (p) {
    const q = changetype<Plan>(p);
    q.C = C; q.H = H; q.W = W; q.G = G; q.Cin = Cin; q.M = M;
    q.kH = kH; q.kW = kW; q.sH = sH; q.sW = sW; q.dH = dH; q.dW = dW;
    q.pT = pT; q.pL = pL; q.OH = OH; q.OW = OW;
    q.tab = p + PLAN_BYTES; q.packed = q.tab + tabBytes; q.buf = q.packed + packed;
    initPlan(q, quad);
  }
  return PLAN_BYTES + tabBytes + packed + staged;
}

export function conv2dWorkspace(dp: usize): i32 {
  const d = changetype<ConvDesc>(dp);
  if (d.OH <= 0 || d.OW <= 0) return 0;
  if (isDepthwise(d)) return depthwiseWorkspace(dp);
  const bwdIn = isWino(d) ? wino(BWD_IN, d, 0) : d.sH == 1 && d.sW == 1 ? view(BWD_IN, d, 0) : colBackwardInputWorkspace(d);
  const bwdW = isWino(d) ? wgradWino(d, 0) : view(BWD_W, d, 0);
  return max(max(isWino(d) ? wino(FWD, d, 0) : view(FWD, d, 0), bwdW), bwdIn);
}

export function conv2dForward(dp: usize, x: usize, w: usize, bias: usize, y: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, HW = d.H * d.W;
  if (N == 0 || P == 0) return;
  if (isDepthwise(d)) { depthwiseForward(dp, x, w, bias, y, work); return; }
  const Cg = C / G, Co = Cout / G, kk = d.kH * d.kW, K = Cg * kk;
  if (isWino(d)) {
    wino(FWD, d, work);
    const p = changetype<Plan>(work), us = <usize>(16 * roundUp(Co, MR) * Cg) << 2;
    for (let g = 0; g < G; g++) winoWeights(Co, Cg, off(w, g * Co * K), K, kk, false, p.packed + <usize>g * us);
    for (let n = 0; n < N; n++) {
      const xn = off(x, n * C * HW), yn = off(y, n * Cout * P);
      for (let i0 = 0; i0 < p.OH; i0 += p.rowsW) {
        const i1 = min(i0 + p.rowsW, p.OH);
        stage(p, xn, i0, i1);
        for (let g = 0; g < G; g++) {
          winoBlock(p, blockBase(p, xn, g * Cg, i0), i0, i1, p.packed + <usize>g * us,
            off(yn, g * Co * P), bias ? off(bias, g * Co) : 0, d.OH, d.OW);
        }
      }
    }
    return;
  }
  view(FWD, d, work);
  const p = changetype<Plan>(work), panel = <usize>(roundUp(Co, MR) * K) << 2;
  for (let g = 0; g < G; g++) packA(Co, K, MR, off(w, g * Co * K), K, kk, kk, false, p.packed + <usize>g * panel);
  for (let n = 0; n < N; n++) {
    const xn = off(x, n * C * HW), yn = off(y, n * Cout * P);
    for (let oh0 = 0; oh0 < p.OH; oh0 += p.rows) {
      const oh1 = min(oh0 + p.rows, p.OH);
      stage(p, xn, oh0, oh1);
      for (let g = 0; g < G; g++) {
        igemmBlock(p, p.packed + <usize>g * panel, blockBase(p, xn, g * Cg, oh0), oh0, oh1,
          off(yn, g * Co * P), bias ? off(bias, g * Co) : 0);
      }
    }
  }
}

export function conv2dBackwardInput(dp: usize, dy: usize, w: usize, dx: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, HW = d.H * d.W;
  if (N == 0) return;
  if (P == 0) { fillF32(dx, N * C * HW, 0); return; }
  if (isDepthwise(d)) { depthwiseBackwardInput(dp, dy, w, dx, work); return; }
  if (d.sH != 1 || d.sW != 1) { colBackwardInput(dp, dy, w, dx, work); return; }
  const Cg = C / G, Co = Cout / G, kk = d.kH * d.kW, K = Co * kk;
  if (isWino(d)) {
    wino(BWD_IN, d, work);
    const p = changetype<Plan>(work), us = <usize>(16 * roundUp(Cg, MR) * Co) << 2;
    for (let g = 0; g < G; g++) winoWeights(Cg, Co, off(w, g * Co * Cg * kk), kk, Cg * kk, true, p.packed + <usize>g * us);
    for (let n = 0; n < N; n++) {
      const dyn = off(dy, n * Cout * P), dxn = off(dx, n * C * HW);
      for (let i0 = 0; i0 < p.OH; i0 += p.rowsW) {
        const i1 = min(i0 + p.rowsW, p.OH);
        stage(p, dyn, i0, i1);
        for (let g = 0; g < G; g++) {
          winoBlock(p, blockBase(p, dyn, g * Co, i0), i0, i1, p.packed + <usize>g * us, off(dxn, g * Cg * HW), 0, d.H, d.W);
        }
      }
    }
    return;
  }
  view(BWD_IN, d, work);
  const p = changetype<Plan>(work), panel = <usize>(roundUp(Cg, MR) * K) << 2;
  // A[c][(co, t)] = w[co][c][kk-1-t]: rows c are kk apart, channels co Cg*kk apart.
  for (let g = 0; g < G; g++) packA(Cg, K, MR, off(w, g * Co * Cg * kk), kk, Cg * kk, kk, true, p.packed + <usize>g * panel);
  for (let n = 0; n < N; n++) {
    const dyn = off(dy, n * Cout * P), dxn = off(dx, n * C * HW);
    for (let oh0 = 0; oh0 < p.OH; oh0 += p.rows) {
      const oh1 = min(oh0 + p.rows, p.OH);
      stage(p, dyn, oh0, oh1);
      for (let g = 0; g < G; g++) {
        igemmBlock(p, p.packed + <usize>g * panel, blockBase(p, dyn, g * Co, oh0), oh0, oh1, off(dxn, g * Cg * HW), 0);
      }
    }
  }
}

export function conv2dBackwardWeight(dp: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, HW = d.H * d.W;
  const Cg = C / G, Co = Cout / G, K = Cg * d.kH * d.kW;
  if (N == 0 || P == 0) { fillF32(dw, Cout * K, 0); return; }
  if (isDepthwise(d)) { depthwiseBackwardWeight(dp, x, dy, dw, work); return; }
  if (isWino(d)) {
    wgradWino(d, work);
    winoWgrad(work, work + <usize>wino(FWD, d, 0), N, x, dy, dw);
    return;
  }
  view(BWD_W, d, work);
  const p = changetype<Plan>(work);
  fillF32(dw, Cout * K, 0);
  for (let n = 0; n < N; n++) {
    const xn = off(x, n * C * HW), dyn = off(dy, n * Cout * P);
    for (let oh0 = 0; oh0 < p.OH; oh0 += p.rows) {
      const oh1 = min(oh0 + p.rows, p.OH);
      stage(p, xn, oh0, oh1);
      for (let g = 0; g < G; g++) {
        wgradBlock(p, off(dyn, g * Co * P), blockBase(p, xn, g * Cg, oh0), oh0, oh1, off(dw, g * Co * K));
      }
    }
  }
}
