// Copies, casts and detaching.
import { type DType, isDType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { checkTensor, runOp } from './util.js';

/** A view sharing x's storage (a new Tensor object, never x itself). */
export function alias(x: Tensor): Tensor {
  return ENGINE.makeTensor(x.storage, x.shape, x.strides, x.offset);
}

/** x converted to `dtype` (float -> int32 truncates toward zero). Differentiable between float dtypes. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  if (!isDType(dtype)) throw new DTypeError(`cast: unknown dtype '${String(dtype)}'`);
  const y = x.dtype === dtype ? alias(x) : runOp('copy', [x], [[x.shape, dtype]])[0];
  record('cast', [x], y);
  return y;
}

/** A contiguous copy of x with its own storage. */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x);
  const [y] = runOp('copy', [x], [[x.shape, x.dtype]]);
  record('clone', [x], y);
  return y;
}

/** x laid out contiguously: a view when it already is, a copy otherwise. */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', x);
  if (!x.isContiguous) return clone(x);
  const y = alias(x);
  record('clone', [x], y);
  return y;
}

/** A view of x cut from the graph: no gradient flows through it. */
export function detach(x: Tensor): Tensor {
  checkTensor('detach', x);
  return alias(x);
}
