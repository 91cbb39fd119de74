// Reference gather / scatter kernels with int32 indices. Each checks every
// index before writing anything, so a bad index leaves all tensors intact.
import { ArgumentError } from '../../../core/errors.js';
import { fmt } from '../../../core/shape.js';
import { forEachStrided } from '../../../core/strided.js';
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);

function checkIndices(op: string, b: Backend, index: Tensor, size: number, axis: number, shape: readonly number[]): void {
  const iv = view(b, index);
  forEachStrided(index.shape, [index.offset], [index.strides], (_, p) => {
    const k = iv[p[0]];
    if (k < 0 || k >= size) {
      throw new ArgumentError(`${op}: index ${k} is out of range for axis ${axis} of size ${size} (shape ${fmt(shape)})`);
    }
  });
}

/** Strides of t over `shape`, with `axis` zeroed (the index supplies that coordinate). */
function stridesSkipping(t: Tensor, axis: number): number[] {
  const s = t.strides.slice();
  s[axis] = 0;
  return s;
}

/** out[..., j, ...] = x[..., index[..., j, ...], ...] along attrs.axis (torch.gather); out has index's shape. */
export function gatherRef(b: Backend, [x, index]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const axis: number = attrs.axis;
  checkIndices('gather', b, index, x.shape[axis], axis, x.shape);
  const [xv, iv, yv] = [view(b, x), view(b, index), view(b, y)];
  const xa = x.strides[axis];
  forEachStrided(y.shape, [y.offset, x.offset, index.offset], [y.strides, stridesSkipping(x, axis), index.strides], (_, p) => {
    yv[p[0]] = xv[p[1] + iv[p[2]] * xa];
  });
}

/** y[..., index[..., j, ...], ...] += src[..., j, ...] along attrs.axis (y accumulates in place). */
export function scatterAddRef(b: Backend, [index, src]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const axis: number = attrs.axis;
  checkIndices('scatterAdd', b, index, y.shape[axis], axis, y.shape);
  const [iv, sv, yv] = [view(b, index), view(b, src), view(b, y)];
  const ya = y.strides[axis];
  forEachStrided(index.shape, [y.offset, index.offset, src.offset], [stridesSkipping(y, axis), index.strides, src.strides], (_, p) => {
    yv[p[0] + iv[p[1]] * ya] += sv[p[2]];
  });
}

/** y = x with its attrs.axis dim replaced by the entries of the 1-D `index`. */
export function indexSelectRef(b: Backend, [x, index]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const axis: number = attrs.axis;
  checkIndices('indexSelect', b, index, x.shape[axis], axis, x.shape);
  const [xv, iv, yv] = [view(b, x), view(b, index), view(b, y)];
  const xa = x.strides[axis];
  const is = new Array(y.ndim).fill(0);
  is[axis] = index.strides[0];
  forEachStrided(y.shape, [y.offset, x.offset, index.offset], [y.strides, stridesSkipping(x, axis), is], (_, p) => {
    yv[p[0]] = xv[p[1] + iv[p[2]] * xa];
  });
}

/** y[..., index[j], ...] += src[..., j, ...] along attrs.axis (y accumulates in place). */
export function indexAddRef(b: Backend, [index, src]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const axis: number = attrs.axis;
  checkIndices('indexAdd', b, index, y.shape[axis], axis, y.shape);
  const [iv, sv, yv] = [view(b, index), view(b, src), view(b, y)];
  const ya = y.strides[axis];
  const is = new Array(src.ndim).fill(0);
  is[axis] = index.strides[0];
  forEachStrided(src.shape, [y.offset, index.offset, src.offset], [stridesSkipping(y, axis), is, src.strides], (_, p) => {
    yv[p[0] + iv[p[1]] * ya] += sv[p[2]];
  });
}
