// Binds GEMM (batched matmul with strided operands), convolution and pooling.
import { mergeDims } from '../../../core/shape.js';
import { forEachStrided } from '../../../core/strided.js';
import { registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { CONV_F32, GEMM_F32, GEMM_PREPACKED_F32, POOL_F32 } from '../manifests/conv.js';
import { withFallback } from './elementwise.js';

const ACT: Record<string, number> = { none: 0, relu: 1 };

/**
 * Work below which one thread is faster than waking the others. Measured here
 * (2 vCPUs): square GEMMs with 2 threads against 1 ran at 0.52x at 64^3 (0.5
 * MFLOP), 0.90x at 96^3 (1.8 MFLOP), 0.97x at 128^3 (4.2 MFLOP) and 1.15x at
 * 160^3 (8.2 MFLOP); so problems split from 8 MFLOP. Tests lower it to split everything.
 */
export const tuning = { parallelMinFlops: 1 << 23 };

/** Splits [0, n) into `parts` ranges whose starts are multiples of `align` (the last takes the rest). */
export function splitRange(n: number, parts: number, align = 1): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (let t = 0; t < parts && at < n; t++) {
    const end = t === parts - 1 ? n : Math.min(n, Math.ceil(((t + 1) * n) / parts / align) * align);
    if (end > at) out.push([at, end]);
    at = end;
  }
  return out;
}

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
    const wsBytes = w.k.f32_gemm_workspace(M, N, K) as number;
    const biasPtr = bias ? w.ptr(bias) : 0;
    const act = ACT[(attrs.act as string) ?? 'none'];
    const outer = m.shape.slice(0, last);
    const outerStrides = m.strides.map((s) => s.slice(0, last));
    const [rsA, csA, rsB, csB, ldc] = [a.strides[r - 2], a.strides[r - 1], b.strides[r - 2], b.strides[r - 1], y.strides[r - 2]];
    // Threads split the rows of C (whole register tiles), or the batch when there are few rows.
    const T = w.threads;
    const big = 2 * M * N * K * batch >= tuning.parallelMinFlops;
    const byRows = T > 1 && big && M >= 8 * T;
    const byBatch = T > 1 && big && !byRows && batch >= T;
    // Batch dims that cannot merge into one stride run as a loop of GEMM calls.
    // One B for every batch (a weight): use the cached packed copy when there is one.
    const packed = outer.length === 0 && (sB === 0 || batch === 1) ? w.packedB(b, K, N, rsB, csB) : null;
    forEachStrided(outer, [0, 0, 0], outerStrides, (_, p) => {
      const pa = w.ptr(a) + 4 * p[1];
      const pb = w.ptr(b) + 4 * p[2];
      const pc = w.ptr(y) + 4 * p[0];
      const gemm = (nb: number, m0: number, m1: number, b0: number, t: number) => {
        const A = pa + 4 * (b0 * sA + m0 * rsA);
        const C = pc + 4 * (b0 * sC + m0 * ldc);
        const work = w.threadWorkspace(t, wsBytes);
        if (packed !== null) {
          return { fn: GEMM_PREPACKED_F32.export, args: [nb, m1 - m0, N, K, A, sA, rsA, csA, packed, C, sC, ldc, biasPtr, act, 0, work] };
        }
        return { fn: GEMM_F32.export, args: [nb, m1 - m0, N, K, A, sA, rsA, csA, pb + 4 * b0 * sB, sB, rsB, csB, C, sC, ldc, biasPtr, act, 0, work] };
      };
      if (byRows) w.parallel(splitRange(M, T, 8).map(([m0, m1], t) => gemm(batch, m0, m1, 0, t)));
      else if (byBatch) w.parallel(splitRange(batch, T).map(([b0, b1], t) => gemm(b1 - b0, 0, M, b0, t)));
      else w.parallel([gemm(batch, 0, M, 0, 0)]);
    });
    return true;
  }),
);

function convDesc(x: readonly number[], wt: readonly number[], y: readonly number[], a: Record<string, unknown>): number[] {
  const [s, p, d] = [a.stride, a.padding, a.dilation] as [number, number][];
  return [x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], y[2], y[3], s[0], s[1], p[0], p[1], d[0], d[1], a.groups as number];
}

const convExport = new Map(CONV_F32.map((e) => [e.op, e.export]));

/**
 * Runs a conv export; `geom` orders the shapes as (input, weight, output) of the
 * forward conv. With threads, images are split between them; for the weight
 * gradient (a sum over images) each thread writes its own partial sum, and the
 * partials are added at the end.
 */
function bindConv(name: string, geom: (ins: Tensor[], out: Tensor) => [Tensor, Tensor, Tensor]) {
  const fn = convExport.get(name) as string;
  registerKernel(
    'wasm',
    name,
    withFallback(name, (w, ins, [out], attrs) => {
      if (ins.some((t) => t.dtype !== 'float32' || !t.isContiguous)) return false;
      const [x, wt, y] = geom(ins, out);
      const full = convDesc(x.shape, wt.shape, y.shape, attrs);
      const wsBytes = w.k.f32_conv2d_workspace(w.desc(full)) as number;
      const [N, C, H, W] = x.shape;
      const [Cout, , kH, kW] = wt.shape;
      const flops = 2 * N * Cout * y.shape[2] * y.shape[3] * (C / (attrs.groups as number)) * kH * kW;
      const T = w.threads > 1 && flops >= tuning.parallelMinFlops ? Math.min(w.threads, N) : 1;
      const xImage = 4 * C * H * W;
      const yImage = 4 * Cout * y.shape[2] * y.shape[3];
      const parts = splitRange(N, T);
      const partial: number[] = [];
      const calls = parts.map(([n0, n1], t) => {
        const desc = T === 1 ? w.desc(full) : w.threadDesc(t, [n1 - n0, ...full.slice(1)]);
        // A weight-gradient partial sum lives after the thread's scratch (asked for first: asking again may move the block).
        const ownPartial = name === 'conv2dBackwardWeight' && t > 0;
        const work = w.threadWorkspace(t, wsBytes + (ownPartial ? 4 * out.size : 0));
        if (name === 'conv2d') {
          const [xi, wi, bi] = ins;
          return { fn, args: [desc, w.ptr(xi) + n0 * xImage, w.ptr(wi), bi ? w.ptr(bi) : 0, w.ptr(out) + n0 * yImage, work] };
        }
        if (name === 'conv2dBackwardInput') {
          const [dy, wi] = ins;
          return { fn, args: [desc, w.ptr(dy) + n0 * yImage, w.ptr(wi), w.ptr(out) + n0 * xImage, work] };
        }
        const [xi, dy] = ins;
        const dst = ownPartial ? work + wsBytes : w.ptr(out);
        if (ownPartial) partial.push(dst);
        return { fn, args: [desc, w.ptr(xi) + n0 * xImage, w.ptr(dy) + n0 * yImage, dst, work] };
      });
      w.parallel(calls);
      for (const p of partial) w.k.f32_vadd(1, w.desc([out.size, 1, 1, 1]), w.ptr(out), p, w.ptr(out));
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
