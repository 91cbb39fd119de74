// Uninitialised float tensors for parameters that an initialiser fills next.
import type { DType } from '../core/dtype.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';

export function empty(shape: number[], dtype: DType = 'float32'): Tensor {
  return ENGINE.empty(shape, dtype);
}
