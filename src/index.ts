// wasmgrad: tensors, autodiff and neural networks on SIMD WebAssembly.
//   import * as wg from 'wasmgrad';
//   await wg.init();
import './ops/methods.js';
import './grad/rules/index.js';
import { ENGINE, type MemoryInfo } from './engine/engine.js';
import type { Tensor } from './engine/tensor.js';

export { Tensor } from './engine/tensor.js';
export type { NestedArray } from './engine/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export {
  WasmgradError,
  ShapeError,
  DTypeError,
  ArgumentError,
  DisposedError,
  OutOfMemoryError,
  BackendError,
} from './core/errors.js';
export { init, backendInfo, type InitOptions, type BackendInfo } from './init.js';
export type { MemoryInfo } from './engine/engine.js';
export type { TensorLike } from './ops/util.js';

export * from './ops/creation.js';
export * from './ops/binary.js';
export { neg, exp, log, sqrt, rsqrt, abs, sign, tanh, sigmoid, relu, leakyRelu, elu, gelu, softplus, sin, cos, square, reciprocal, clamp, erf, floor, ceil, round, expm1, log1p } from './ops/unary.js';
export { sum, mean, max, min, argmax, argmin, variance, variance as var, std, logsumexp, softmax, logSoftmax, type Axis, type VarOptions } from './ops/reduce.js';
export { reshape, flatten, squeeze, unsqueeze, transpose, permute, broadcastTo, broadcastTo as expand, slice, narrow, select } from './ops/views.js';
export { concat, stack, split, chunk, pad, sliceScatter } from './ops/join.js';
export { gather, scatterAdd, indexSelect, indexAdd } from './ops/indexing.js';
export { matmul, dot, outer } from './ops/linalg.js';
export { conv2d, convTranspose2d, conv2dBackwardWeight, type Conv2dOptions, type ConvTranspose2dOptions } from './ops/conv.js';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward, type MaxPool2dOptions, type AvgPool2dOptions } from './ops/pool.js';
export { crossEntropy, nllLoss, mseLoss, l1Loss, huberLoss, binaryCrossEntropyWithLogits, dropout, type Reduction } from './ops/losses.js';
export { cast, clone, contiguous, detach } from './ops/cast.js';
export { backward, type BackwardOptions } from './grad/backward.js';

/** Live tensors, their bytes, and the bytes the backend holds (the WASM memory size). */
export function memory(): MemoryInfo {
  return ENGINE.memory();
}

/** Runs fn; every tensor created inside is disposed except those it returns. */
export function tidy<T>(fn: () => T): T {
  return ENGINE.tidy(fn);
}

/** Keeps `t` alive past every enclosing tidy. */
export function keep<T extends Tensor>(t: T): T {
  return ENGINE.keep(t);
}

/** Disposes tensors (found in arrays and plain objects). */
export function dispose(x: Tensor | Tensor[] | Record<string, Tensor>): void {
  if (Array.isArray(x)) for (const t of x) t.dispose();
  else if ('dispose' in x && typeof x.dispose === 'function') (x as Tensor).dispose();
  else for (const t of Object.values(x)) t.dispose();
}
