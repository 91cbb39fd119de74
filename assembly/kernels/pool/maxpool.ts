// max_pool2d forward (value and flat argmax) and backward, NCHW, PyTorch semantics.
import { PoolDesc, tapStart, tapEnd, colStart, colEnd, fillF32, loadS, select4 } from "./window";

/** One output (scalar): taps [ka,kb) x [la,lb) of the window at (ih0, iw0). */
@inline function maxAt(xc: usize, W: i32, ih0: i32, iw0: i32, dH: i32, dW: i32,
  ka: i32, kb: i32, la: i32, lb: i32, y: usize, idx: usize): void {
  let m = -Infinity as f32;
  // PyTorch starts the index at the first valid tap, so an all -inf window points
  // there; a window with no valid tap at all gets -1.
  let mi = ka < kb && la < lb ? (ih0 + ka * dH) * W + iw0 + la * dW : -1;
  for (let kh = ka; kh < kb; kh++) {
    const rowIdx = (ih0 + kh * dH) * W + iw0;
    for (let kw = la; kw < lb; kw++) {
      const i = rowIdx + kw * dW;
      const v = load<f32>(xc + (<usize>i << 2));
      // NOTE: `v != v` makes NaN the maximum, as in PyTorch's CPU kernel; like it, a
      // later NaN also replaces an earlier one. Selects, not a branch: on random data
      // a branch here mispredicts on most taps.
      const c = v > m || v != v;
      m = select<f32>(v, m, c); mi = select<i32>(i, mi, c);
    }
  }
  store<f32>(y, m); store<i32>(idx, mi);
}

/** Four interior outputs at once (all kW taps valid; rows [ka, kb)), as maxAt does. */
@inline function maxVec(xc: usize, W: i32, ih0: i32, iw0: i32, dH: i32, dW: i32, kW: i32,
  ka: i32, kb: i32, sW: i32, y: usize, idx: usize): void {
  const lanes = i32x4(0, sW, 2 * sW, 3 * sW);
  let m = f32x4.splat(-Infinity), mi = i32x4.add(i32x4.splat((ih0 + ka * dH) * W + iw0), lanes);
  for (let kh = ka; kh < kb; kh++) {
    const rowIdx = (ih0 + kh * dH) * W + iw0;
    for (let kw = 0; kw < kW; kw++) {
      const i = rowIdx + kw * dW;
      const v = loadS(xc + (<usize>i << 2), sW);
      const c = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
      m = select4(v, m, c);
      mi = select4(i32x4.add(i32x4.splat(i), lanes), mi, c);
    }
  }
  v128.store(y, m);
  v128.store(idx, mi);
}

/** One output row: border columns scalar, interior columns four at a time. */
@inline function maxRowS(d: PoolDesc, xc: usize, oh: i32, sW: i32, y: usize, idx: usize): void {
  const W = d.W, kW = d.kW, OW = d.OW, pW = d.pW, dH = d.dH, dW = d.dW;
  const ih0 = oh * d.sH - d.pH, ka = tapStart(ih0, dH, d.kH), kb = tapEnd(ih0, dH, d.H, d.kH);
  const c0 = colStart(d), c1 = ka < kb ? colEnd(d, 0) : c0;
  let ow = 0;
  for (; ow < c0; ow++) {
    const iw0 = ow * sW - pW;
    maxAt(xc, W, ih0, iw0, dH, dW, ka, kb, tapStart(iw0, dW, kW), tapEnd(iw0, dW, W, kW), y + (<usize>ow << 2), idx + (<usize>ow << 2));
  }
  if (c1 - c0 >= 4) {
    for (; ow + 4 <= c1; ow += 4) maxVec(xc, W, ih0, ow * sW - pW, dH, dW, kW, ka, kb, sW, y + (<usize>ow << 2), idx + (<usize>ow << 2));
    // A last vector ending at c1 overlaps the previous one; recomputing is harmless.
    if (ow < c1) { ow = c1 - 4; maxVec(xc, W, ih0, ow * sW - pW, dH, dW, kW, ka, kb, sW, y + (<usize>ow << 2), idx + (<usize>ow << 2)); ow = c1; }
  }
  for (; ow < OW; ow++) {
    const iw0 = ow * sW - pW;
    maxAt(xc, W, ih0, iw0, dH, dW, ka, kb, tapStart(iw0, dW, kW), tapEnd(iw0, dW, W, kW), y + (<usize>ow << 2), idx + (<usize>ow << 2));
  }
}

function maxRow(d: PoolDesc, xc: usize, oh: i32, y: usize, idx: usize): void {
  const sW = d.sW;
  if (sW == 1) maxRowS(d, xc, oh, 1, y, idx);
  else if (sW == 2) maxRowS(d, xc, oh, 2, y, idx);
  else maxRowS(d, xc, oh, sW, y, idx);
}

export function maxpoolForward(dp: usize, x: usize, y: usize, idx: usize): void {
  const d = changetype<PoolDesc>(dp);
  const HW = d.H * d.W, OH = d.OH, OW = d.OW, planes = d.N * d.C;
  for (let p = 0; p < planes; p++) {
    const xc = x + (<usize>(p * HW) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const o = <usize>((p * OH + oh) * OW) << 2;
      maxRow(d, xc, oh, y + o, idx + o);
    }
  }
}

export function maxpoolBackward(dp: usize, dy: usize, idx: usize, dx: usize): void {
  const d = changetype<PoolDesc>(dp);
  const HW = d.H * d.W, P = d.OH * d.OW, planes = d.N * d.C;
  fillF32(dx, planes * HW, 0);
  for (let p = 0; p < planes; p++) {
    const dxc = dx + (<usize>(p * HW) << 2), o = p * P;
    for (let j = 0; j < P; j++) {
      const i = load<i32>(idx + (<usize>(o + j) << 2));
      if (<u32>i >= <u32>HW) continue; // -1: a window without valid taps
      const q = dxc + (<usize>i << 2);
      store<f32>(q, load<f32>(q) + load<f32>(dy + (<usize>(o + j) << 2)));
    }
  }
}
