// float32 conv2d, NCHW, PyTorch semantics: forward, input gradient, weight gradient.
//
// Three paths, chosen from the descriptor alone (so the workspace size is the same
// for all three kernels):
// - depthwise (groups == C): direct SIMD kernels (depthwise.ts);
// - 1x1, stride 1, no padding: the input already is the column matrix, one GEMM;
// - otherwise im2col + GEMM per image, over blocks of output rows so the column
//   buffer stays near L2 size; groups ride on the GEMM's batch dimension.
import { gemmF32, gemmWorkspaceF32 } from "../gemm/gemm";
import { ConvDesc, align16, fillF32 } from "./geometry";
import { im2col, col2im } from "./im2col";
import { depthwiseWorkspace, depthwiseForward, depthwiseBackwardInput } from "./depthwise";
import { depthwiseBackwardWeight } from "./depthwise_weight";

// Column-buffer budget in floats (512 KB, about Zen 3's L2), but never fewer than
// MIN_COLS output pixels per block: the weight-gradient GEMM has K = pixels, and a
// short K makes its C read-modify-write dominate.
const COL_BUDGET: i32 = 1 << 17;
const MIN_COLS: i32 = 256;

@inline function isDepthwise(d: ConvDesc): bool { return d.groups == d.C; }
@inline function isPointwise(d: ConvDesc): bool {
  return d.kH == 1 && d.kW == 1 && d.sH == 1 && d.sW == 1 && d.pH == 0 && d.pW == 0;
}

/** Output rows per im2col block: within the budget, and balanced (32 rows with a
 *  28-row budget become 16 + 16, not 28 + 4, whose short GEMM runs slower). */
function blockRows(d: ConvDesc): i32 {
  const colRow = d.C * d.kH * d.kW * d.OW;
  const r = min(max(max(COL_BUDGET / max(colRow, 1), (MIN_COLS + d.OW - 1) / max(d.OW, 1)), 1), d.OH);
  const blocks = (d.OH + r - 1) / r;
  return (d.OH + blocks - 1) / blocks;
}

/** The largest GEMM workspace over the three GEMM shapes a block of `P` pixels uses. */
function gemmWork3(Co: i32, Kg: i32, P: i32): i32 {
  return max(gemmWorkspaceF32(Co, P, Kg), max(gemmWorkspaceF32(Kg, P, Co), gemmWorkspaceF32(Co, Kg, P)));
}

export function conv2dWorkspace(dp: usize): i32 {
  const d = changetype<ConvDesc>(dp);
  if (d.OH <= 0 || d.OW <= 0) return 0;
  if (isDepthwise(d)) return depthwiseWorkspace(dp);
  const G = d.groups, Co = d.Cout / G, P = d.OH * d.OW;
  if (isPointwise(d)) return gemmWork3(Co, d.C / G, P);
  const Kg = (d.C / G) * d.kH * d.kW, rows = blockRows(d), last = d.OH % rows;
  const g = max(gemmWork3(Co, Kg, rows * d.OW), last ? gemmWork3(Co, Kg, last * d.OW) : 0);
  return align16((Kg * G * rows * d.OW) << 2) + g;
}

/** Where the GEMM's own scratch starts (after the column buffer). */
function gemmWork(d: ConvDesc, work: usize): usize {
  if (isPointwise(d)) return work;
  return work + <usize>align16((d.C * d.kH * d.kW * blockRows(d) * d.OW) << 2);
}

@inline function off(p: usize, i: i32): usize { return p + (<usize>i << 2); }

export function conv2dForward(dp: usize, x: usize, w: usize, bias: usize, y: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, OW = d.OW;
  if (N == 0 || P == 0) return;
  if (isDepthwise(d)) { depthwiseForward(dp, x, w, bias, y, work); return; }
  const Cg = C / G, Co = Cout / G, HW = d.H * d.W, gw = gemmWork(d, work);
  // The GEMM's bias runs along its N (pixel) axis, but conv bias is per output channel
  // (a GEMM row): pre-fill y with it and let the GEMM accumulate on top.
  const acc = bias ? 1 : 0;
  if (bias) {
    for (let i = 0; i < N * Cout; i++) fillF32(off(y, i * P), P, load<f32>(off(bias, i % Cout)));
  }
  if (isPointwise(d)) {
    if (G == 1) { // one call: images on the batch axis, the weight broadcast
      gemmF32(N, Cout, P, C, w, 0, C, 1, x, C * HW, HW, 1, y, Cout * P, P, 0, 0, acc, gw);
      return;
    }
    for (let n = 0; n < N; n++) {
      gemmF32(G, Co, P, Cg, w, Co * Cg, Cg, 1, off(x, n * C * HW), Cg * HW, HW, 1,
        off(y, n * Cout * P), Co * P, P, 0, 0, acc, gw);
    }
    return;
  }
  const Kg = Cg * d.kH * d.kW, rows = blockRows(d);
  for (let n = 0; n < N; n++) {
    const xn = off(x, n * C * HW), yn = off(y, n * Cout * P);
    for (let oh0 = 0; oh0 < d.OH; oh0 += rows) {
      const oh1 = min(oh0 + rows, d.OH), Pb = (oh1 - oh0) * OW;
      im2col(dp, xn, oh0, oh1, work);
      gemmF32(G, Co, Pb, Kg, w, Co * Kg, Kg, 1, work, Kg * Pb, Pb, 1,
        off(yn, oh0 * OW), Co * P, P, 0, 0, acc, gw);
    }
  }
}

export function conv2dBackwardInput(dp: usize, dy: usize, w: usize, dx: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, OW = d.OW, HW = d.H * d.W;
  if (N == 0) return;
  if (P == 0) { fillF32(dx, N * C * HW, 0); return; }
  if (isDepthwise(d)) { depthwiseBackwardInput(dp, dy, w, dx, work); return; }
  const Cg = C / G, Co = Cout / G, gw = gemmWork(d, work);
  if (isPointwise(d)) { // dx = W^T dy directly
    if (G == 1) {
      gemmF32(N, C, P, Cout, w, 0, 1, C, dy, Cout * P, P, 1, dx, C * HW, HW, 0, 0, 0, gw);
      return;
    }
    for (let n = 0; n < N; n++) {
      gemmF32(G, Cg, P, Co, w, Co * Cg, 1, Cg, off(dy, n * Cout * P), Co * P, P, 1,
        off(dx, n * C * HW), Cg * HW, HW, 0, 0, 0, gw);
    }
    return;
  }
  const Kg = Cg * d.kH * d.kW, rows = blockRows(d);
  fillF32(dx, N * C * HW, 0);
  for (let n = 0; n < N; n++) {
    const dyn = off(dy, n * Cout * P), dxn = off(dx, n * C * HW);
    for (let oh0 = 0; oh0 < d.OH; oh0 += rows) {
      const oh1 = min(oh0 + rows, d.OH), Pb = (oh1 - oh0) * OW;
      // columns = W_g^T dy_g (A is the weight read transposed through its strides)
      gemmF32(G, Kg, Pb, Co, w, Co * Kg, 1, Kg, off(dyn, oh0 * OW), Co * P, P, 1,
        work, Kg * Pb, Pb, 0, 0, 0, gw);
      col2im(dp, work, oh0, oh1, dxn);
    }
  }
}

export function conv2dBackwardWeight(dp: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, OW = d.OW, HW = d.H * d.W;
  const Cg = C / G, Co = Cout / G, Kg = Cg * d.kH * d.kW;
  if (N == 0 || P == 0) { fillF32(dw, Cout * Kg, 0); return; }
  if (isDepthwise(d)) { depthwiseBackwardWeight(dp, x, dy, dw, work); return; }
  const gw = gemmWork(d, work);
  if (isPointwise(d)) { // dw += dy_n x_n^T, summed over images
    for (let n = 0; n < N; n++) {
      gemmF32(G, Co, Cg, P, off(dy, n * Cout * P), Co * P, P, 1, off(x, n * C * HW), Cg * HW, 1, HW,
        dw, Co * Cg, Cg, 0, 0, n > 0 ? 1 : 0, gw);
    }
    return;
  }
  const rows = blockRows(d);
  for (let n = 0; n < N; n++) {
    const xn = off(x, n * C * HW), dyn = off(dy, n * Cout * P);
    for (let oh0 = 0; oh0 < d.OH; oh0 += rows) {
      const oh1 = min(oh0 + rows, d.OH), Pb = (oh1 - oh0) * OW;
      im2col(dp, xn, oh0, oh1, work);
      // dw_g += dy_g cols_g^T (B is the column buffer read transposed)
      gemmF32(G, Co, Kg, Pb, off(dyn, oh0 * OW), Co * P, P, 1, work, Kg * Pb, 1, Pb,
        dw, Co * Kg, Kg, 0, 0, n > 0 || oh0 > 0 ? 1 : 0, gw);
    }
  }
}
