// The input gradient of strided convolutions, as GEMM + col2im (the implicit GEMM of
// igemm.ts covers stride 1, where the input gradient is itself a convolution of dy):
// columns = W_g^T dy_g per block of output rows, scattered back with col2im.
import { gemmF32, gemmWorkspaceF32 } from "../gemm/gemm";
import { ConvDesc, align16, fillF32 } from "./geometry";
import { col2im } from "./im2col";

// Column-buffer budget in floats (512 KiB).
const COL_BUDGET: i32 = 1 << 17;

/** Output rows per block: within the budget, and balanced (32 rows with a 28-row
 *  budget become 16 + 16, not 28 + 4, whose short GEMM runs slower). */
function blockRows(d: ConvDesc): i32 {
  const colRow = d.C * d.kH * d.kW * d.OW;
  const r = min(max(COL_BUDGET / max(colRow, 1), 1), d.OH);
  const blocks = (d.OH + r - 1) / r;
  return (d.OH + blocks - 1) / blocks;
}

export function colBackwardInputWorkspace(d: ConvDesc): i32 {
  const Kg = (d.C / d.groups) * d.kH * d.kW, Co = d.Cout / d.groups, rows = blockRows(d), last = d.OH % rows;
  const g = max(gemmWorkspaceF32(Kg, rows * d.OW, Co), last ? gemmWorkspaceF32(Kg, last * d.OW, Co) : 0);
  return align16((Kg * d.groups * rows * d.OW) << 2) + g;
}

export function colBackwardInput(dp: usize, dy: usize, w: usize, dx: usize, work: usize): void {
  const d = changetype<ConvDesc>(dp);
  const N = d.N, C = d.C, G = d.groups, Cout = d.Cout, P = d.OH * d.OW, OW = d.OW, HW = d.H * d.W;
  const Cg = C / G, Co = Cout / G, Kg = Cg * d.kH * d.kW, rows = blockRows(d);
  const gw = work + <usize>align16((Kg * G * rows * OW) << 2);
  fillF32(dx, N * C * HW, 0);
  for (let n = 0; n < N; n++) {
    const dyn = dy + (<usize>(n * Cout * P) << 2), dxn = dx + (<usize>(n * C * HW) << 2);
    for (let oh0 = 0; oh0 < d.OH; oh0 += rows) {
      const oh1 = min(oh0 + rows, d.OH), Pb = (oh1 - oh0) * OW;
      // columns = W_g^T dy_g (A is the weight read transposed through its strides)
      gemmF32(G, Kg, Pb, Co, w, Co * Kg, 1, Kg, dyn + (<usize>(oh0 * OW) << 2), Co * P, P, 1,
        work, Kg * Pb, Pb, 0, 0, 0, gw);
      col2im(dp, work, oh0, oh1, dxn);
    }
  }
}
