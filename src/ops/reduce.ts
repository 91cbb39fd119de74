// Reductions along any set of axes, arg-reductions, softmax and friends.
// The kernels write the keepdim shape; dropping the reduced dims is a view.
import { type DType, floatOf } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { fmt, normalizeAxes, normalizeAxis } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { div, sub } from './binary.js';
import { cast, contiguous } from './cast.js';
import { sqrt, square } from './unary.js';
import { checkTensor, runOp } from './util.js';
import { flatten, permute, reshape } from './views.js';

export type Axis = number | number[] | null | undefined;

function keepShape(x: Tensor, axes: number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The result's shape: the reduced dims kept as 1, or dropped. */
function outShape(x: Tensor, axes: number[], keepdim: boolean): number[] {
  return keepdim ? keepShape(x, axes) : x.shape.filter((_, i) => !axes.includes(i));
}

function reduceOp(op: 'sum' | 'max' | 'min', x: Tensor, axis: Axis, keepdim: boolean): Tensor {
  checkTensor(op, x);
  const axes = normalizeAxes(op, axis, x.ndim, x.shape);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ArgumentError(`${op}: cannot reduce over an empty axis (shape ${fmt(x.shape)})`);
  }
  // The kernels write [outer, inner] contiguously, which is either shape; the
  // rules reshape to the keepdim shape to broadcast back.
  const [y] = runOp('reduce', [x], [[outShape(x, axes, keepdim), x.dtype]], { op, axes });
  record(op, [x], y, { axes, keepShape: keepShape(x, axes) });
  return y;
}

/** Sum over `axis` (all axes when omitted). */
export function sum(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  return reduceOp('sum', x, axis, keepdim);
}

/**
 * Maximum over `axis` (values only, like torch.amax). Ties share the gradient
 * evenly, as torch.amax does.
 */
export function max(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  return reduceOp('max', x, axis, keepdim);
}

/** Minimum over `axis`; ties share the gradient evenly, as torch.amin does. */
export function min(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  return reduceOp('min', x, axis, keepdim);
}

/** Mean over `axis`; int32 input gives float32. */
export function mean(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  checkTensor('mean', x);
  const axes = normalizeAxes('mean', axis, x.ndim, x.shape);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  return ENGINE.tidy(() => {
    const xf = x.dtype === 'int32' ? cast(x, 'float32') : x;
    return div(sum(xf, axes, keepdim), n);
  });
}

export interface VarOptions {
  /** Subtracted from the count in the divisor (1: Bessel's correction, PyTorch's default). */
  correction?: number;
  keepdim?: boolean;
}

/** Variance over `axis` with `correction` (default 1, as PyTorch). */
export function variance(x: Tensor, axis?: Axis, opts: VarOptions | boolean = {}): Tensor {
  checkTensor('var', x);
  const o = typeof opts === 'boolean' ? { keepdim: opts } : opts;
  const correction = o.correction ?? 1;
  const axes = normalizeAxes('var', axis, x.ndim, x.shape);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  return ENGINE.tidy(() => {
    const xf = x.dtype === 'int32' ? cast(x, 'float32') : x;
    const d = sub(xf, mean(xf, axes, true));
    // NOTE: n - correction <= 0 gives inf or NaN, as in PyTorch.
    return div(sum(square(d), axes, o.keepdim ?? false), Math.max(n - correction, 0));
  });
}

/** Standard deviation over `axis` with `correction` (default 1). */
export function std(x: Tensor, axis?: Axis, opts: VarOptions | boolean = {}): Tensor {
  return ENGINE.tidy(() => sqrt(variance(x, axis, opts)));
}

function argOp(op: 'argmax' | 'argmin', x: Tensor, axis: number | null | undefined, keepdim: boolean): Tensor {
  checkTensor(op, x);
  if (x.size === 0) throw new ArgumentError(`${op}: cannot reduce an empty tensor (shape ${fmt(x.shape)})`);
  if (axis === undefined || axis === null) {
    const f = flatten(x);
    try {
      const r = argOp(op, f, 0, false);
      if (!keepdim) return r;
      const k = reshape(
        r,
        x.shape.map(() => 1),
      );
      r.dispose();
      return k;
    } finally {
      f.dispose();
    }
  }
  const a = normalizeAxis(op, axis, x.ndim, x.shape);
  if (x.ndim === 0) return runOp('fill', [], [[[], 'int32']], { value: 0 })[0];
  return runOp('argReduce', [x], [[outShape(x, [a], keepdim), 'int32']], { op, axis: a })[0];
}

/** Index of the first maximum along `axis` (over the flattened tensor when omitted); int32. */
export function argmax(x: Tensor, axis?: number | null, keepdim = false): Tensor {
  return argOp('argmax', x, axis, keepdim);
}

/** Index of the first minimum along `axis`; int32. */
export function argmin(x: Tensor, axis?: number | null, keepdim = false): Tensor {
  return argOp('argmin', x, axis, keepdim);
}

/**
 * Moves `axes` to the end and merges them into one, so a one-axis kernel can
 * reduce several axes. Returns the reshaped tensor and its reduced axis.
 */
function mergeAxes(x: Tensor, axes: number[]): Tensor {
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const p = permute(x, [...rest, ...axes]);
  const r = reshape(p, [...rest.map((i) => x.shape[i]), -1]);
  p.dispose();
  return r;
}

/** log(sum(exp(x))) over `axis`, computed stably. */
export function logsumexp(x: Tensor, axis: number | number[], keepdim = false): Tensor {
  checkTensor('logsumexp', x);
  if (axis === undefined || axis === null) throw new ArgumentError('logsumexp: axis is required');
  const axes = normalizeAxes('logsumexp', axis, x.ndim, x.shape);
  const xf = x.dtype === 'int32' ? cast(x, 'float32') : x;
  try {
    if (axes.length !== 1) {
      return ENGINE.tidy(() => {
        const m = mergeAxes(xf, axes);
        const r = logsumexp(m, -1, false);
        return keepdim ? reshape(r, keepShape(x, axes)) : r;
      });
    }
    const a = axes[0];
    const src = contiguous(xf);
    try {
      const [y] = runOp('logsumexp', [src], [[outShape(x, [a], keepdim), src.dtype]], { axis: a });
      record('logsumexp', [src], y, { axis: a, keepShape: keepShape(x, [a]) });
      return y;
    } finally {
      src.dispose();
    }
  } finally {
    if (xf !== x) xf.dispose();
  }
}

function softmaxOp(op: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  checkTensor(op, x);
  const a = normalizeAxis(op, axis, x.ndim, x.shape);
  const dtype: DType = floatOf(x.dtype);
  const xf = x.dtype === dtype ? x : cast(x, dtype);
  const src = contiguous(xf);
  try {
    const [y] = runOp('softmax', [src], [[x.shape, dtype]], { axis: a, log: op === 'logSoftmax' });
    record(op, [src], y, { axis: a });
    return y;
  } finally {
    src.dispose();
    if (xf !== x) xf.dispose();
  }
}

/** exp(x) / sum(exp(x)) along `axis` (default: the last), computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp('softmax', x, axis);
}

/** x - logsumexp(x) along `axis` (default: the last). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp('logSoftmax', x, axis);
}
