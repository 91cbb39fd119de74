// Binds GEMM (batched matmul with strided operands), convolution and pooling.
import { mergeDims } from '../../../core/shape.js';
import { forEachStrided } from '../../../core/strided.js';
import { registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { CONV_F32, GEMM_F32, POOL_F32 } from '../manifests/conv.js';
import { withFallback } from './elementwise.js';

const ACT: Record<string, number> = { none: 0, relu: 1 };

registerKernel(
  'wasm',
  'matmul',
  withFallback('matmul', (w, [a, b, bias], [y], attrs) => {
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) return false;
    const r = y.ndim;
    const [M, N] = [y.shape[r - 2], y.shape[r - 1]];
    const K = a.shape[r - 1];
    if (y.size === 0) return true;
    if (K === 0 || y.strides[r - 1] !== 1 || (bias && !bias.isContiguous)) return false;
    const bs = (t: Tensor) => t.strides.slice(0, r - 2);
    const m = mergeDims(y.shape.slice(0, r - 2), [bs(y), bs(a), bs(b)]);
    const last = m.shape.length - 1;
    const batch = m.shape[last];
    const [sC, sA, sB] = m.strides.map((s) => s[last]);
    const work = w.workspace(w.k.f32_gemm_workspace(M, N, K) as number);
    const biasPtr = bias ? w.ptr(bias) : 0;
    const act = ACT[(attrs.act as string) ?? 'none'];
    const outer = m.shape.slice(0, last);
    const outerStrides = m.strides.map((s) => s.slice(0, last));
    // Batch dims that cannot merge into one stride run as a loop of GEMM calls.
    forEachStrided(outer, [0, 0, 0], outerStrides, (_, p) => {
      w.k[GEMM_F32.export](
        batch,
        M,
        N,
        K,
        w.ptr(a) + 4 * p[1],
        sA,
        a.strides[r - 2],
        a.strides[r - 1],
        w.ptr(b) + 4 * p[2],
        sB,
        b.strides[r - 2],
        b.strides[r - 1],
        w.ptr(y) + 4 * p[0],
        sC,
        y.strides[r - 2],
        biasPtr,
        act,
        0,
        work,
      );
    });
    return true;
  }),
);

function convDesc(x: readonly number[], wt: readonly number[], y: readonly number[], a: Record<string, unknown>): number[] {
  const [s, p, d] = [a.stride, a.padding, a.dilation] as [number, number][];
  return [x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], y[2], y[3], s[0], s[1], p[0], p[1], d[0], d[1], a.groups as number];
}

const convExport = new Map(CONV_F32.map((e) => [e.op, e.export]));

/** Runs a conv export; `geom` orders the shapes as (input, weight, output) of the forward conv. */
function bindConv(name: string, geom: (ins: Tensor[], out: Tensor) => [Tensor, Tensor, Tensor]) {
  registerKernel(
    'wasm',
    name,
    withFallback(name, (w, ins, [out], attrs) => {
      if (ins.some((t) => t.dtype !== 'float32' || !t.isContiguous)) return false;
      const [x, wt, y] = geom(ins, out);
      const desc = w.desc(convDesc(x.shape, wt.shape, y.shape, attrs));
      const work = w.workspace(w.k.f32_conv2d_workspace(desc) as number);
      const ptrs = ins.map((t) => w.ptr(t));
      // The forward export always takes a bias pointer; 0 means none.
      if (name === 'conv2d' && ins.length === 2) ptrs.push(0);
      w.k[convExport.get(name) as string](desc, ...ptrs, w.ptr(out), work);
      return true;
    }),
  );
}
bindConv('conv2d', ([x, wt], y) => [x, wt, y]);
bindConv('conv2dBackwardInput', ([dy, wt], dx) => [dx, wt, dy]);
bindConv('conv2dBackwardWeight', ([x, dy], dw) => [x, dw, dy]);

function poolDesc(x: readonly number[], y: readonly number[], a: Record<string, unknown>): number[] {
  const [k, s, p, d] = [a.kernelSize, a.stride, a.padding, a.dilation ?? [1, 1]] as [number, number][];
  return [x[0], x[1], x[2], x[3], k[0], k[1], y[2], y[3], s[0], s[1], p[0], p[1], d[0], d[1]];
}

const poolExport = new Map(POOL_F32.map((e) => [e.op, e.export]));
const f32 = (ts: Tensor[]) => ts.every((t) => t.dtype !== 'float64');

registerKernel(
  'wasm',
  'maxPool2d',
  withFallback('maxPool2d', (w, [x], [y, idx], a) => {
    if (!f32([x])) return false;
    w.k[poolExport.get('maxPool2d') as string](w.desc(poolDesc(x.shape, y.shape, a)), w.ptr(x), w.ptr(y), w.ptr(idx));
    return true;
  }),
);
registerKernel(
  'wasm',
  'maxPool2dBackward',
  withFallback('maxPool2dBackward', (w, [dy, idx], [dx]) => {
    if (!f32([dy])) return false;
    // The backward kernel only needs the plane sizes; the window geometry is in the indices.
    const desc = w.desc([dx.shape[0], dx.shape[1], dx.shape[2], dx.shape[3], 1, 1, dy.shape[2], dy.shape[3], 1, 1, 0, 0, 1, 1]);
    w.k[poolExport.get('maxPool2dBackward') as string](desc, w.ptr(dy), w.ptr(idx), w.ptr(dx));
    return true;
  }),
);
registerKernel(
  'wasm',
  'avgPool2d',
  withFallback('avgPool2d', (w, [x], [y], a) => {
    if (!f32([x])) return false;
    w.k[poolExport.get('avgPool2d') as string](w.desc(poolDesc(x.shape, y.shape, a)), a.countIncludePad ? 1 : 0, w.ptr(x), w.ptr(y));
    return true;
  }),
);
registerKernel(
  'wasm',
  'avgPool2dBackward',
  withFallback('avgPool2dBackward', (w, [dy], [dx], a) => {
    if (!f32([dy])) return false;
    w.k[poolExport.get('avgPool2dBackward') as string](w.desc(poolDesc(dx.shape, dy.shape, a)), a.countIncludePad ? 1 : 0, w.ptr(dy), w.ptr(dx));
    return true;
  }),
);
