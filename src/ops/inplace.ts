// In-place updates (PyTorch's trailing underscore): the data of `t` changes,
// its storage version goes up (so the tape can detect a stale saved tensor)
// and nothing is recorded. Meant for optimizers and initialisers, under noGrad.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, fmt, shapesEqual } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { runKernel } from '../engine/registry.js';
import type { Tensor } from '../engine/tensor.js';
import { cast } from './cast.js';
import { checkTensor, type TensorLike, toTensor } from './util.js';

function target(op: string, t: Tensor): Tensor {
  checkTensor(op, t);
  if (ENGINE.gradEnabled && (t.requiresGrad || t.gradFn)) {
    throw new ArgumentError(`${op}: a tensor that requires a gradient cannot be changed in place while recording; wrap the update in wg.noGrad`);
  }
  return t;
}

function inplaceBinary(op: string, name: string, t: Tensor, other: TensorLike): Tensor {
  target(op, t);
  let o = toTensor(op, other, t, 'other');
  const shape = broadcastShapes(op, t.shape, o.shape);
  if (!shapesEqual(shape, t.shape)) throw new ShapeError(`${op}: the result shape ${fmt(shape)} differs from the tensor's shape ${fmt(t.shape)}`);
  if (o.dtype !== t.dtype) o = cast(o, t.dtype);
  try {
    // Elementwise kernels read element i before writing element i, so the output may alias the input.
    runKernel('binary', [t, o], [t], { op: name });
  } finally {
    if (o !== other && typeof other !== 'number') o.dispose();
  }
  t.storage.version++;
  return t;
}

export const add_ = (t: Tensor, other: TensorLike) => inplaceBinary('add_', 'add', t, other);
export const sub_ = (t: Tensor, other: TensorLike) => inplaceBinary('sub_', 'sub', t, other);
export const mul_ = (t: Tensor, other: TensorLike) => inplaceBinary('mul_', 'mul', t, other);
export const div_ = (t: Tensor, other: TensorLike) => inplaceBinary('div_', 'div', t, other);

/** Copies `src` (broadcast to t's shape, converted to t's dtype) into t. */
export function copy_(t: Tensor, src: Tensor): Tensor {
  target('copy_', t);
  checkTensor('copy_', src, 'src');
  const shape = broadcastShapes('copy_', t.shape, src.shape);
  if (!shapesEqual(shape, t.shape)) throw new ShapeError(`copy_: src of shape ${fmt(src.shape)} does not broadcast to ${fmt(t.shape)}`);
  runKernel('copy', [src], [t]);
  t.storage.version++;
  return t;
}

export function fill_(t: Tensor, value: number): Tensor {
  target('fill_', t);
  runKernel('fill', [], [t], { value });
  t.storage.version++;
  return t;
}

export const zero_ = (t: Tensor) => fill_(t, 0);
