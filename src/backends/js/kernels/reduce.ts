// Reference reductions and softmax. Inputs may be strided; outputs are
// contiguous with the reduced axes kept as size 1 (the op reshapes afterwards).
import { contiguousStrides } from '../../../core/shape.js';
import { forEachStrided } from '../../../core/strided.js';
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);

/** Strides over x's shape that land on the keepdim output: reduced axes get 0. */
function outStridesFor(x: Tensor, axes: readonly number[]): number[] {
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const s = contiguousStrides(keepShape);
  for (const a of axes) s[a] = 0;
  return s;
}

const INIT: Record<string, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/** attrs: { op: 'sum' | 'prod' | 'max' | 'min', axes }. Accumulates in float64. */
export function reduceRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const op: string = attrs.op;
  const xv = view(b, x);
  const acc = new Float64Array(y.size).fill(INIT[op]);
  const os = outStridesFor(x, attrs.axes);
  const step =
    op === 'sum'
      ? (o: number, v: number) => (acc[o] += v)
      : op === 'prod'
        ? (o: number, v: number) => (acc[o] *= v)
        : op === 'max'
          ? (o: number, v: number) => (acc[o] = v > acc[o] || Number.isNaN(v) ? v : acc[o])
          : (o: number, v: number) => (acc[o] = v < acc[o] || Number.isNaN(v) ? v : acc[o]);
  // NOTE: once a slot holds NaN, `v > NaN` is false and it stays NaN: max/min propagate NaN.
  forEachStrided(x.shape, [x.offset, 0], [x.strides, os], (_, p) => step(p[1], xv[p[0]]));
  const yv = view(b, y);
  for (let i = 0; i < y.size; i++) yv[y.offset + i] = acc[i];
}

/** attrs: { op: 'argmax' | 'argmin', axis }. First extreme wins; NaN counts as the extreme. */
export function argReduceRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const isMax = attrs.op === 'argmax';
  const axis: number = attrs.axis;
  const xv = view(b, x);
  const best = new Float64Array(y.size).fill(Number.NaN);
  const idx = new Int32Array(y.size).fill(-1);
  const os = outStridesFor(x, [axis]);
  const len = x.shape[axis];
  let k = 0;
  let inner = 1;
  for (let i = axis + 1; i < x.ndim; i++) inner *= x.shape[i];
  forEachStrided(x.shape, [x.offset, 0], [x.strides, os], (i, p) => {
    k = Math.floor(i / inner) % len;
    const o = p[1];
    const v = xv[p[0]];
    if (idx[o] === -1) {
      best[o] = v;
      idx[o] = k;
    } else if (!Number.isNaN(best[o]) && (Number.isNaN(v) || (isMax ? v > best[o] : v < best[o]))) {
      best[o] = v;
      idx[o] = k;
    }
  });
  const yv = view(b, y);
  for (let i = 0; i < y.size; i++) yv[y.offset + i] = idx[i];
}

const shift = (m: number) => (Number.isFinite(m) ? m : 0);

/**
 * Per-slice max and log(sum(exp(x - max))) along attrs.axis, in float64,
 * indexed like the keepdim output (kept apart, so a huge max loses nothing).
 */
function sliceStats(b: Backend, x: Tensor, axis: number): { max: Float64Array; logSum: Float64Array; os: number[] } {
  const xv = view(b, x);
  const os = outStridesFor(x, [axis]);
  let n = 1;
  x.shape.forEach((d, i) => (n *= i === axis ? 1 : d));
  const max = new Float64Array(n).fill(-Infinity);
  forEachStrided(x.shape, [x.offset, 0], [x.strides, os], (_, p) => {
    const v = xv[p[0]];
    if (v > max[p[1]] || Number.isNaN(v)) max[p[1]] = v;
  });
  const sum = new Float64Array(n);
  forEachStrided(x.shape, [x.offset, 0], [x.strides, os], (_, p) => {
    // An infinite max shifts by 0 (as PyTorch): all -inf gives log(0) = -inf, +inf gives inf.
    sum[p[1]] += Math.exp(xv[p[0]] - shift(max[p[1]]));
  });
  const logSum = new Float64Array(n);
  for (let i = 0; i < n; i++) logSum[i] = Math.log(sum[i]);
  return { max, logSum, os };
}

/** attrs: { axis, log }: softmax or log-softmax; y has x's shape (contiguous). */
export function softmaxRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const { max, logSum, os } = sliceStats(b, x, attrs.axis);
  const xv = view(b, x);
  const yv = view(b, y);
  const log: boolean = attrs.log;
  forEachStrided(x.shape, [x.offset, 0, y.offset], [x.strides, os, y.strides], (_, p) => {
    const m = max[p[1]];
    // (x - max) - log(sum) keeps precision when the max is huge; an infinite max
    // makes the whole slice NaN (inf - inf), as in PyTorch's kernels.
    const v = Number.isFinite(m) ? xv[p[0]] - m - logSum[p[1]] : Number.NaN;
    yv[p[2]] = log ? v : Math.exp(v);
  });
}

/** attrs: { axis }; y is the keepdim shape. */
export function logsumexpRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const { max, logSum } = sliceStats(b, x, attrs.axis);
  const yv = view(b, y);
  for (let i = 0; i < y.size; i++) yv[y.offset + i] = logSum[i] + shift(max[i]);
}
