// wasmgrad: tensors, autodiff and neural networks on SIMD WebAssembly.
//   import * as wg from 'wasmgrad';
//   await wg.init();
import './ops/methods.js';
import './grad/rules/index.js';
import { ENGINE, type MemoryInfo } from './engine/engine.js';
import type { Tensor } from './engine/tensor.js';

export type { DType, TypedArray } from './core/dtype.js';
export {
  ArgumentError,
  BackendError,
  DisposedError,
  DTypeError,
  OutOfMemoryError,
  ShapeError,
  WasmgradError,
} from './core/errors.js';
export type { MemoryInfo } from './engine/engine.js';
export type { NestedArray } from './engine/tensor.js';
export { Tensor } from './engine/tensor.js';
export { env, type Runtime, setWasmPaths, type WasmgradEnv, type WasmPaths, type WasmSource } from './env.js';
export { type BackwardOptions, backward } from './grad/backward.js';
export { type GradcheckEntry, GradcheckError, type GradcheckOptions, type GradcheckReport, gradcheck } from './grad/gradcheck.js';
export { customGrad, enableGrad, grad, grads, hessian, hvp, jacobian, jvp, noGrad, stopGradient, valueAndGrad, vjp } from './grad/transforms.js';
export { type BackendInfo, backendInfo, type InitOptions, init } from './init.js';
export { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub, where } from './ops/binary.js';
export { cast, clone, contiguous, detach } from './ops/cast.js';
export { type Conv2dOptions, type ConvTranspose2dOptions, conv2d, conv2dBackwardWeight, convTranspose2d } from './ops/conv.js';
export * from './ops/creation.js';
export { gather, indexAdd, indexSelect, scatterAdd } from './ops/indexing.js';
export { chunk, concat, pad, sliceScatter, split, stack } from './ops/join.js';
export { dot, linear, matmul, outer } from './ops/linalg.js';
export { binaryCrossEntropyWithLogits, crossEntropy, dropout, huberLoss, l1Loss, mseLoss, nllLoss, type Reduction } from './ops/losses.js';
export { type AvgPool2dOptions, avgPool2d, avgPool2dBackward, type MaxPool2dOptions, maxPool2d, maxPool2dBackward } from './ops/pool.js';
export {
  type Axis,
  argmax,
  argmin,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  softmax,
  std,
  sum,
  type VarOptions,
  variance,
  variance as var,
} from './ops/reduce.js';
export {
  abs,
  ceil,
  clamp,
  cos,
  elu,
  erf,
  exp,
  expm1,
  floor,
  gelu,
  leakyRelu,
  log,
  log1p,
  neg,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  softplus,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export type { TensorLike } from './ops/util.js';
export { broadcastTo, broadcastTo as expand, flatten, narrow, permute, reshape, select, slice, squeeze, transpose, unsqueeze } from './ops/views.js';

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

export * as data from './data/index.js';
export * as distributions from './distributions/index.js';
export * as io from './io/index.js';
export * as linalg from './linalg/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export { type Batches, type EpochLogs, evaluate, type FitCallbacks, type FitOptions, fit, type History, type LossFn, type OptimizerLike } from './train/fit.js';
