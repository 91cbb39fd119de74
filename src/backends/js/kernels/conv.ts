// Reference 2-D convolution (NCHW, weights [Cout, Cin/groups, kH, kW], as PyTorch)
// and its two backward convolutions, as direct loops. Inputs are contiguous.
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);

/** Geometry shared by the three kernels. attrs: { stride, padding, dilation, groups } as [h, w] pairs. */
export interface ConvGeom {
  N: number;
  C: number;
  H: number;
  W: number;
  Cout: number;
  kH: number;
  kW: number;
  OH: number;
  OW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
  groups: number;
}

export function convGeom(xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], attrs: Attrs): ConvGeom {
  return {
    N: xShape[0],
    C: xShape[1],
    H: xShape[2],
    W: xShape[3],
    Cout: wShape[0],
    kH: wShape[2],
    kW: wShape[3],
    OH: yShape[2],
    OW: yShape[3],
    sH: attrs.stride[0],
    sW: attrs.stride[1],
    pH: attrs.padding[0],
    pW: attrs.padding[1],
    dH: attrs.dilation[0],
    dW: attrs.dilation[1],
    groups: attrs.groups,
  };
}

/**
 * Visits every (output position, weight tap, input position) triple that is
 * inside the input: the one loop nest all three kernels share.
 */
function forEachTap(g: ConvGeom, fn: (xi: number, wi: number, yi: number) => void): void {
  const cinG = g.C / g.groups;
  const coutG = g.Cout / g.groups;
  for (let n = 0; n < g.N; n++)
    for (let co = 0; co < g.Cout; co++) {
      const grp = Math.floor(co / coutG);
      for (let oh = 0; oh < g.OH; oh++)
        for (let ow = 0; ow < g.OW; ow++) {
          const yi = ((n * g.Cout + co) * g.OH + oh) * g.OW + ow;
          for (let ci = 0; ci < cinG; ci++) {
            const c = grp * cinG + ci;
            for (let kh = 0; kh < g.kH; kh++) {
              const h = oh * g.sH - g.pH + kh * g.dH;
              if (h < 0 || h >= g.H) continue;
              for (let kw = 0; kw < g.kW; kw++) {
                const w = ow * g.sW - g.pW + kw * g.dW;
                if (w < 0 || w >= g.W) continue;
                fn(((n * g.C + c) * g.H + h) * g.W + w, ((co * cinG + ci) * g.kH + kh) * g.kW + kw, yi);
              }
            }
          }
        }
    }
}

/** inputs [x, w, bias?] -> y */
export function conv2dRef(b: Backend, [x, w, bias]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const g = convGeom(x.shape, w.shape, y.shape, attrs);
  const [xv, wv, yv] = [view(b, x), view(b, w), view(b, y)];
  const acc = new Float64Array(y.size);
  forEachTap(g, (xi, wi, yi) => (acc[yi] += xv[x.offset + xi] * wv[w.offset + wi]));
  const bv = bias ? view(b, bias) : null;
  const plane = g.OH * g.OW;
  for (let i = 0; i < y.size; i++) {
    const co = Math.floor(i / plane) % g.Cout;
    yv[y.offset + i] = acc[i] + (bv ? bv[bias.offset + co] : 0);
  }
}

/** inputs [dy, w] -> dx; attrs.inputShape gives [N, C, H, W]. */
export function conv2dBackwardInputRef(b: Backend, [dy, w]: Tensor[], [dx]: Tensor[], attrs: Attrs): void {
  const g = convGeom(dx.shape, w.shape, dy.shape, attrs);
  const [dyv, wv, dxv] = [view(b, dy), view(b, w), view(b, dx)];
  const acc = new Float64Array(dx.size);
  forEachTap(g, (xi, wi, yi) => (acc[xi] += dyv[dy.offset + yi] * wv[w.offset + wi]));
  for (let i = 0; i < dx.size; i++) dxv[dx.offset + i] = acc[i];
}

/** inputs [x, dy] -> dw */
export function conv2dBackwardWeightRef(b: Backend, [x, dy]: Tensor[], [dw]: Tensor[], attrs: Attrs): void {
  const g = convGeom(x.shape, dw.shape, dy.shape, attrs);
  const [xv, dyv, dwv] = [view(b, x), view(b, dy), view(b, dw)];
  const acc = new Float64Array(dw.size);
  forEachTap(g, (xi, wi, yi) => (acc[wi] += xv[x.offset + xi] * dyv[dy.offset + yi]));
  for (let i = 0; i < dw.size; i++) dwv[dw.offset + i] = acc[i];
}
