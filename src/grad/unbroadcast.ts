// Un-broadcasting: the one place where a gradient with a broadcast shape is
// summed back down to the shape of the input it belongs to.
import type { DType } from '../core/dtype.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { cast } from '../ops/cast.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/views.js';

/** Sums `g` over the dims that broadcasting added or expanded, giving `shape` (and `dtype`). */
export function sumToShape(g: Tensor, shape: readonly number[], dtype: DType = g.dtype): Tensor {
  const same = g.ndim === shape.length && g.shape.every((d, i) => d === shape[i]);
  if (same && g.dtype === dtype) return g;
  return ENGINE.tidy(() => {
    let r = g;
    if (!same) {
      const lead = g.ndim - shape.length;
      const axes: number[] = [];
      for (let i = 0; i < g.ndim; i++) {
        if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
      }
      r = axes.length ? sum(g, axes, true) : g;
      r = reshape(r, shape);
    }
    return r.dtype === dtype ? r : cast(r, dtype);
  });
}
