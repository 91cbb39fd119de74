// The reference kernel table: kernel name -> plain TypeScript implementation.
// The js backend registers all of them; the wasm backend registers them for the
// dtypes its WebAssembly kernels do not cover (float64, most int32 work).
import type { KernelFn } from '../../../engine/registry.js';
import { conv2dBackwardInputRef, conv2dBackwardWeightRef, conv2dRef } from './conv.js';
import { binaryRef, copyRef, fillRef, unaryRef, whereRef } from './elementwise.js';
import { gatherRef, indexAddRef, indexSelectRef, scatterAddRef } from './indexing.js';
import { matmulRef } from './matmul.js';
import { avgPool2dBackwardRef, avgPool2dRef, maxPool2dBackwardRef, maxPool2dRef } from './pool.js';
import { argReduceRef, logsumexpRef, reduceRef, softmaxRef } from './reduce.js';

export const REFERENCE_KERNELS: Record<string, KernelFn> = {
  unary: unaryRef,
  binary: binaryRef,
  where: whereRef,
  copy: copyRef,
  fill: fillRef,
  reduce: reduceRef,
  argReduce: argReduceRef,
  softmax: softmaxRef,
  logsumexp: logsumexpRef,
  matmul: matmulRef,
  conv2d: conv2dRef,
  conv2dBackwardInput: conv2dBackwardInputRef,
  conv2dBackwardWeight: conv2dBackwardWeightRef,
  maxPool2d: maxPool2dRef,
  maxPool2dBackward: maxPool2dBackwardRef,
  avgPool2d: avgPool2dRef,
  avgPool2dBackward: avgPool2dBackwardRef,
  gather: gatherRef,
  scatterAdd: scatterAddRef,
  indexSelect: indexSelectRef,
  indexAdd: indexAddRef,
};
