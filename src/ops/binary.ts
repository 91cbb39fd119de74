// Elementwise binary ops with broadcasting, comparisons and `where`.
// A plain number is allowed on either side and takes the tensor's dtype.
import type { DType } from '../core/dtype.js';
import { broadcastShapes } from '../core/shape.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { cast } from './cast.js';
import { binaryOperands, runOp, type TensorLike, toTensor } from './util.js';

/** Casts the operands to `dtype`, runs `fn`, and frees the casts. */
function withDType<T>(a: Tensor, b: Tensor, dtype: DType, fn: (a: Tensor, b: Tensor) => T): T {
  const ca = a.dtype === dtype ? a : cast(a, dtype);
  const cb = b.dtype === dtype ? b : cast(b, dtype);
  try {
    return fn(ca, cb);
  } finally {
    if (ca !== a) ca.dispose();
    if (cb !== b) cb.dispose();
  }
}

/** @internal Runs binary kernel `op` with broadcasting. */
export function binaryOp(op: string, x: TensorLike, y: TensorLike, floatOnly = false): Tensor {
  const [a, b, promoted] = binaryOperands(op, x, y);
  const dtype: DType = floatOnly && promoted === 'int32' ? 'float32' : promoted;
  const shape = broadcastShapes(op, a.shape, b.shape);
  return withDType(a, b, dtype, (a, b) => {
    const [out] = runOp('binary', [a, b], [[shape, dtype]], { op });
    record(op, [a, b], out);
    return out;
  });
}

export const add = (a: TensorLike, b: TensorLike) => binaryOp('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binaryOp('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binaryOp('mul', a, b);
/** True division: int32 operands give float32, as in PyTorch. */
export const div = (a: TensorLike, b: TensorLike) => binaryOp('div', a, b, true);
export const pow = (a: TensorLike, b: TensorLike) => binaryOp('pow', a, b);
/**
 * Elementwise maximum; NaN propagates. Where a == b the gradient is split
 * evenly between the two inputs, as in PyTorch.
 */
export const maximum = (a: TensorLike, b: TensorLike) => binaryOp('maximum', a, b);
/** Elementwise minimum; NaN propagates; ties split the gradient evenly, as in PyTorch. */
export const minimum = (a: TensorLike, b: TensorLike) => binaryOp('minimum', a, b);

/** Comparisons return int32 tensors of 0 and 1 (wasmgrad has no bool dtype); they have no gradient. */
function compare(op: string, x: TensorLike, y: TensorLike): Tensor {
  const [a, b, dtype] = binaryOperands(op, x, y);
  const shape = broadcastShapes(op, a.shape, b.shape);
  return withDType(a, b, dtype, (a, b) => runOp('binary', [a, b], [[shape, 'int32']], { op })[0]);
}

export const eq = (a: TensorLike, b: TensorLike) => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike) => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike) => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike) => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike) => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike) => compare('ge', a, b);

/**
 * `cond ? a : b` elementwise, broadcasting all three. `cond` is any tensor
 * (nonzero is true); a and b may be numbers.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c0 = toTensor('where', cond, null, 'condition');
  const c = c0.dtype === 'int32' ? c0 : compare('ne', c0, 0);
  try {
    const [ta, tb, dtype] = binaryOperands('where', a, b);
    const shape = broadcastShapes('where', c.shape, broadcastShapes('where', ta.shape, tb.shape));
    return withDType(ta, tb, dtype, (ta, tb) => {
      const [out] = runOp('where', [c, ta, tb], [[shape, dtype]]);
      record('where', [c, ta, tb], out);
      return out;
    });
  } finally {
    if (c !== c0) c.dispose();
  }
}
