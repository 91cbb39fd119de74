// Every wasm kernel family's manifest in one list, for tests and benchmarks.
import { CONV_F32, GEMM_F32, POOL_F32 } from './conv.js';
import { BINARY_F32, BINARY_I32, COMPARE_F32, COMPARE_I32, COPY_KERNELS, type KernelEntry, UNARY_F32, WHERE_F32 } from './elementwise.js';
import { ARG_REDUCE_F32, REDUCE_F32, SOFTMAX_F32 } from './reduce.js';

export * from './conv.js';
export * from './elementwise.js';
export * from './reduce.js';
export type { KernelEntry };

export const FAMILIES: Record<string, KernelEntry[]> = {
  unary: UNARY_F32,
  binary: [...BINARY_F32, ...BINARY_I32, ...COMPARE_F32, ...COMPARE_I32],
  where: [WHERE_F32],
  copy: COPY_KERNELS,
  reduce: [...REDUCE_F32, ...ARG_REDUCE_F32],
  softmax: SOFTMAX_F32,
  gemm: [GEMM_F32],
  conv: CONV_F32,
  pool: POOL_F32,
};
