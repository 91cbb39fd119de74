// avg_pool2d forward and backward, NCHW, PyTorch semantics without ceil mode, with
// dilation as an extension. countIncludePad = 1 divides by kH*kW (padding counts as
// zeros; without ceil mode every window lies inside the padded input), 0 by the
// number of non-padding taps. Interior columns (whole window inside the row) run
// four outputs at a time; border columns are scalar with clipped tap ranges.
import { PoolDesc, tapStart, tapEnd, colStart, colEnd, fillF32, loadS } from "./window";

@inline function divisor(d: PoolDesc, cip: i32, rows: i32, cols: i32): f32 {
  return <f32>(cip ? d.kH * d.kW : rows * cols);
}

@inline function avgRowS(d: PoolDesc, cip: i32, xc: usize, oh: i32, sW: i32, y: usize): void {
  const W = d.W, kW = d.kW, OW = d.OW, pW = d.pW, dH = d.dH, dW = d.dW;
  const ih0 = oh * d.sH - d.pH, ka = tapStart(ih0, dH, d.kH), kb = tapEnd(ih0, dH, d.H, d.kH);
  const c0 = colStart(d), c1 = colEnd(d, 0);
  for (let ow = 0; ow < OW; ow++) {
    if (ow == c0 && c1 - c0 >= 4) { // the interior, then resume after it
      const dv = f32x4.splat(divisor(d, cip, kb - ka, kW));
      for (; ow < c1; ow += 4) {
        ow = min(ow, c1 - 4); // a last vector overlapping the previous one
        const iw0 = ow * sW - pW;
        let s = f32x4.splat(0);
        for (let kh = ka; kh < kb; kh++) {
          const row = xc + (<usize>((ih0 + kh * dH) * W + iw0) << 2);
          for (let kw = 0; kw < kW; kw++) s = f32x4.add(s, loadS(row + (<usize>(kw * dW) << 2), sW));
        }
        v128.store(y + (<usize>ow << 2), f32x4.div(s, dv));
      }
      ow = c1 - 1;
      continue;
    }
    const iw0 = ow * sW - pW, la = tapStart(iw0, dW, kW), lb = tapEnd(iw0, dW, W, kW);
    let s: f32 = 0;
    for (let kh = ka; kh < kb; kh++) {
      const row = xc + (<usize>((ih0 + kh * dH) * W + iw0) << 2);
      for (let kw = la; kw < lb; kw++) s += load<f32>(row + (<usize>(kw * dW) << 2));
    }
    store<f32>(y + (<usize>ow << 2), s / divisor(d, cip, kb - ka, lb - la));
  }
}

function avgRow(d: PoolDesc, cip: i32, xc: usize, oh: i32, y: usize): void {
  const sW = d.sW;
  if (sW == 1) avgRowS(d, cip, xc, oh, 1, y);
  else if (sW == 2) avgRowS(d, cip, xc, oh, 2, y);
  else avgRowS(d, cip, xc, oh, sW, y);
}

export function avgpoolForward(dp: usize, countIncludePad: i32, x: usize, y: usize): void {
  const d = changetype<PoolDesc>(dp);
  const HW = d.H * d.W, OH = d.OH, OW = d.OW, planes = d.N * d.C;
  for (let p = 0; p < planes; p++) {
    const xc = x + (<usize>(p * HW) << 2);
    for (let oh = 0; oh < OH; oh++) avgRow(d, countIncludePad, xc, oh, y + (<usize>((p * OH + oh) * OW) << 2));
  }
}

/**
 * Scatter one output row's gradient. Interior columns add four outputs' shares at
 * once, tap by tap, so that consecutive vector read-modify-writes never overlap;
 * stride 2 interleaves the shares with zeros (the odd lanes add 0, one float past
 * the last tap included, hence colEnd's `extra`).
 */
@inline function avgBackRowS(d: PoolDesc, cip: i32, dxc: usize, oh: i32, sW: i32, g: usize): void {
  const W = d.W, kW = d.kW, OW = d.OW, pW = d.pW, dH = d.dH, dW = d.dW;
  const ih0 = oh * d.sH - d.pH, ka = tapStart(ih0, dH, d.kH), kb = tapEnd(ih0, dH, d.H, d.kH);
  let c0 = colStart(d), c1 = colEnd(d, sW == 2 ? 1 : 0);
  if (sW > 2 || c1 - c0 < 4) c1 = c0; // no vector part
  const n4 = (c1 - c0) & ~3, dv = f32x4.splat(divisor(d, cip, kb - ka, kW)), z = f32x4.splat(0);
  for (let kh = ka; kh < kb; kh++) {
    const row = dxc + (<usize>((ih0 + kh * dH) * W + c0 * sW - pW) << 2);
    for (let kw = 0; kw < kW; kw++) {
      const r = row + (<usize>(kw * dW) << 2);
      for (let j = 0; j < n4; j += 4) {
        const v = f32x4.div(v128.load(g + (<usize>(c0 + j) << 2)), dv);
        const q = r + (<usize>(j * sW) << 2);
        if (sW == 1) v128.store(q, f32x4.add(v128.load(q), v));
        else {
          v128.store(q, f32x4.add(v128.load(q), v128.shuffle<f32>(v, z, 0, 4, 1, 4)));
          v128.store(q, f32x4.add(v128.load(q, 16), v128.shuffle<f32>(v, z, 2, 4, 3, 4)), 16);
        }
      }
    }
  }
  for (let ow = 0; ow < OW; ow++) {
    if (ow == c0 && n4 > 0) { ow += n4 - 1; continue; }
    const iw0 = ow * sW - pW, la = tapStart(iw0, dW, kW), lb = tapEnd(iw0, dW, W, kW);
    const v = load<f32>(g + (<usize>ow << 2)) / divisor(d, cip, kb - ka, lb - la);
    for (let kh = ka; kh < kb; kh++) {
      const row = dxc + (<usize>((ih0 + kh * dH) * W + iw0) << 2);
      for (let kw = la; kw < lb; kw++) {
        const q = row + (<usize>(kw * dW) << 2);
        store<f32>(q, load<f32>(q) + v);
      }
    }
  }
}

function avgBackRow(d: PoolDesc, cip: i32, dxc: usize, oh: i32, g: usize): void {
  const sW = d.sW;
  if (sW == 1) avgBackRowS(d, cip, dxc, oh, 1, g);
  else if (sW == 2) avgBackRowS(d, cip, dxc, oh, 2, g);
  else avgBackRowS(d, cip, dxc, oh, sW, g);
}

export function avgpoolBackward(dp: usize, countIncludePad: i32, dy: usize, dx: usize): void {
  const d = changetype<PoolDesc>(dp);
  const HW = d.H * d.W, OH = d.OH, OW = d.OW, planes = d.N * d.C;
  fillF32(dx, planes * HW, 0);
  for (let p = 0; p < planes; p++) {
    const dxc = dx + (<usize>(p * HW) << 2);
    for (let oh = 0; oh < OH; oh++) avgBackRow(d, countIncludePad, dxc, oh, dy + (<usize>((p * OH + oh) * OW) << 2));
  }
}
