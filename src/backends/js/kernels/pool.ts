// Reference 2-D max and average pooling (NCHW) and their backward passes.
// attrs: { kernelSize, stride, padding, dilation } as [h, w] pairs; avg adds countIncludePad.
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);

interface PoolGeom {
  planes: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
}

function geom(xShape: readonly number[], yShape: readonly number[], a: Attrs): PoolGeom {
  const d = a.dilation ?? [1, 1];
  return {
    planes: xShape[0] * xShape[1],
    H: xShape[2],
    W: xShape[3],
    OH: yShape[2],
    OW: yShape[3],
    kH: a.kernelSize[0],
    kW: a.kernelSize[1],
    sH: a.stride[0],
    sW: a.stride[1],
    pH: a.padding[0],
    pW: a.padding[1],
    dH: d[0],
    dW: d[1],
  };
}

/** inputs [x] -> [y, indices (int32, flat h*W+w within each plane)]. */
export function maxPool2dRef(b: Backend, [x]: Tensor[], [y, idx]: Tensor[], attrs: Attrs): void {
  const g = geom(x.shape, y.shape, attrs);
  const [xv, yv, iv] = [view(b, x), view(b, y), view(b, idx)];
  for (let p = 0; p < g.planes; p++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++) {
        let best = -Infinity;
        let bi = -1;
        for (let kh = 0; kh < g.kH; kh++) {
          const h = oh * g.sH - g.pH + kh * g.dH;
          if (h < 0 || h >= g.H) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const w = ow * g.sW - g.pW + kw * g.dW;
            if (w < 0 || w >= g.W) continue;
            const v = xv[x.offset + (p * g.H + h) * g.W + w];
            // PyTorch's rule: the first maximum wins, and every NaN takes over (so the last NaN wins).
            if (bi < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bi = h * g.W + w;
            }
          }
        }
        const o = (p * g.OH + oh) * g.OW + ow;
        yv[y.offset + o] = best;
        iv[idx.offset + o] = bi;
      }
}

/** inputs [dy, indices] -> dx (sums where windows overlap). */
export function maxPool2dBackwardRef(b: Backend, [dy, idx]: Tensor[], [dx]: Tensor[]): void {
  const plane = dx.shape[2] * dx.shape[3];
  const oplane = dy.shape[2] * dy.shape[3];
  const [dyv, iv, dxv] = [view(b, dy), view(b, idx), view(b, dx)];
  const acc = new Float64Array(dx.size);
  for (let i = 0; i < dy.size; i++) {
    const p = Math.floor(i / oplane);
    const k = iv[idx.offset + i];
    if (k >= 0) acc[p * plane + k] += dyv[dy.offset + i];
  }
  for (let i = 0; i < dx.size; i++) dxv[dx.offset + i] = acc[i];
}

/** Visits each output window's in-bounds taps and its divisor. */
function forEachWindow(g: PoolGeom, includePad: boolean, fn: (o: number, taps: number[], divisor: number) => void): void {
  for (let p = 0; p < g.planes; p++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++) {
        const taps: number[] = [];
        for (let kh = 0; kh < g.kH; kh++) {
          const h = oh * g.sH - g.pH + kh;
          if (h < 0 || h >= g.H) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const w = ow * g.sW - g.pW + kw;
            if (w >= 0 && w < g.W) taps.push((p * g.H + h) * g.W + w);
          }
        }
        fn((p * g.OH + oh) * g.OW + ow, taps, includePad ? g.kH * g.kW : taps.length);
      }
}

/** inputs [x] -> y; attrs.countIncludePad (PyTorch's default true). */
export function avgPool2dRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const g = geom(x.shape, y.shape, attrs);
  const [xv, yv] = [view(b, x), view(b, y)];
  forEachWindow(g, attrs.countIncludePad, (o, taps, div) => {
    let s = 0;
    for (const t of taps) s += xv[x.offset + t];
    yv[y.offset + o] = s / div;
  });
}

/** inputs [dy] -> dx. */
export function avgPool2dBackwardRef(b: Backend, [dy]: Tensor[], [dx]: Tensor[], attrs: Attrs): void {
  const g = geom(dx.shape, dy.shape, attrs);
  const [dyv, dxv] = [view(b, dy), view(b, dx)];
  const acc = new Float64Array(dx.size);
  forEachWindow(g, attrs.countIncludePad, (o, taps, div) => {
    for (const t of taps) acc[t] += dyv[dy.offset + o] / div;
  });
  for (let i = 0; i < dx.size; i++) dxv[dx.offset + i] = acc[i];
}
