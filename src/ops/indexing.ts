// Gathering and scattering with int32 indices (torch.gather, scatter_add,
// index_select, index_add). Indices are checked before anything is written.
import { DTypeError, ShapeError } from '../core/errors.js';
import { fmt, normalizeAxis } from '../core/shape.js';
import { runKernel } from '../engine/registry.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { checkTensor, runOp } from './util.js';

function checkIndex(op: string, index: Tensor): void {
  checkTensor(op, index, 'index');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}`);
}

/** out[i][j] = x[index[i][j]][j] for axis 0 (and so on): torch.gather. out has index's shape. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  checkIndex('gather', index);
  const a = normalizeAxis('gather', axis, x.ndim, x.shape);
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(`gather: index of shape ${fmt(index.shape)} does not fit input ${fmt(x.shape)} along axis ${a}`);
  }
  const [y] = runOp('gather', [x, index], [[index.shape, x.dtype]], { axis: a });
  record('gather', [x, index], y, { axis: a });
  return y;
}

/** x with src added at the positions index gives along axis: torch.scatter_add (out of place). */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor('scatterAdd', x);
  checkIndex('scatterAdd', index);
  checkTensor('scatterAdd', src, 'src');
  const a = normalizeAxis('scatterAdd', axis, x.ndim, x.shape);
  if (index.ndim !== x.ndim || src.ndim !== x.ndim || index.shape.some((d, i) => d > src.shape[i] || (i !== a && d > x.shape[i]))) {
    throw new ShapeError(`scatterAdd: index ${fmt(index.shape)} and src ${fmt(src.shape)} do not fit input ${fmt(x.shape)} along axis ${a}`);
  }
  if (src.dtype !== x.dtype) throw new DTypeError(`scatterAdd: src dtype ${src.dtype} differs from input dtype ${x.dtype}`);
  const [y] = runOp('copy', [x], [[x.shape, x.dtype]]);
  try {
    runKernel('scatterAdd', [index, src], [y], { axis: a });
  } catch (e) {
    y.dispose();
    throw e;
  }
  record('scatterAdd', [x, index, src], y, { axis: a });
  return y;
}

function checkIndex1d(op: string, index: Tensor): void {
  checkIndex(op, index);
  if (index.ndim !== 1) throw new ShapeError(`${op}: index must be 1-D, got shape ${fmt(index.shape)}`);
}

/** The entries of x along `axis` listed by the 1-D `index`: torch.index_select. */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x);
  checkIndex1d('indexSelect', index);
  const a = normalizeAxis('indexSelect', axis, x.ndim, x.shape);
  const shape = x.shape.map((d, i) => (i === a ? index.shape[0] : d));
  const [y] = runOp('indexSelect', [x, index], [[shape, x.dtype]], { axis: a });
  record('indexSelect', [x, index], y, { axis: a });
  return y;
}

/** x with src[..., j, ...] added at x[..., index[j], ...]: torch.index_add (out of place). */
export function indexAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor('indexAdd', x);
  checkIndex1d('indexAdd', index);
  checkTensor('indexAdd', src, 'src');
  const a = normalizeAxis('indexAdd', axis, x.ndim, x.shape);
  if (src.ndim !== x.ndim || src.shape.some((d, i) => (i === a ? d !== index.shape[0] : d !== x.shape[i]))) {
    throw new ShapeError(`indexAdd: src of shape ${fmt(src.shape)} does not fit input ${fmt(x.shape)} with ${index.shape[0]} indices along axis ${a}`);
  }
  if (src.dtype !== x.dtype) throw new DTypeError(`indexAdd: src dtype ${src.dtype} differs from input dtype ${x.dtype}`);
  const [y] = runOp('copy', [x], [[x.shape, x.dtype]]);
  try {
    runKernel('indexAdd', [index, src], [y], { axis: a });
  } catch (e) {
    y.dispose();
    throw e;
  }
  record('indexAdd', [x, index, src], y, { axis: a });
  return y;
}
