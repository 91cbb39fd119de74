// col2im over a block of output rows, for the strided input gradient (colgemm.ts).
//
// The column matrix of one image has one row per (channel, kh, kw) tap and one
// column per output pixel of the block: col[(c*kH + kh)*kW + kw][(oh - oh0)*OW + ow]
// (im2col's layout; the forward pass no longer builds it, see stage.ts). Groups need
// no special case: group g's rows are the contiguous slice starting at
// g * (C/groups) * kH * kW, which is exactly what the GEMM's batch stride walks.
import { ConvDesc, rangeStart, rangeEnd } from "./geometry";

/** dst[i*s] += src[i] for i < n. Only unit stride is contiguous enough for SIMD. */
@inline function scatterAddRow(dst: usize, src: usize, n: i32, s: i32): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) {
      const d = dst + (<usize>i << 2);
      v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) {
    const d = dst + (<usize>(i * s) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * The adjoint of im2col: add every column entry of output rows [oh0, oh1) back to
 * the input pixel it was read from (`dx` must be zeroed once beforehand).
 */
export function col2im(dp: usize, col: usize, oh0: i32, oh1: i32, dx: usize): void {
  const d = changetype<ConvDesc>(dp);
  const C = d.C, H = d.H, W = d.W, kH = d.kH, kW = d.kW, OW = d.OW;
  const sH = d.sH, sW = d.sW, pH = d.pH, pW = d.pW, dH = d.dH, dW = d.dW;
  const Pb = (oh1 - oh0) * OW;
  let src = col;
  for (let c = 0; c < C; c++) {
    const xc = dx + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < kH; kh++) {
      const offH = kh * dH - pH;
      for (let kw = 0; kw < kW; kw++) {
        const offW = kw * dW - pW;
        const a = rangeStart(offW, sW, OW), b = rangeEnd(offW, sW, W, OW);
        for (let oh = oh0; oh < oh1; oh++) {
          const ih = oh * sH + offH;
          if (<u32>ih >= <u32>H) continue;
          const row = src + (<usize>((oh - oh0) * OW + a) << 2);
          scatterAddRow(xc + (<usize>(ih * W + a * sW + offW) << 2), row, b - a, sW);
        }
        src += <usize>Pb << 2;
      }
    }
  }
}
