// The reduction and softmax kernel family. Each takes a contiguous input seen
// as [outer, r, inner] and reduces over r.
import type { KernelEntry } from './elementwise.js';

/** `f32_reduce_<op>(outer, r, inner, x, y)` */
export const REDUCE_F32: KernelEntry[] = (['sum', 'max', 'min', 'prod'] as const).map((op) => ({
  op,
  name: `f32-r${op}-wasmsimd`,
  export: `f32_reduce_${op}`,
}));

/** `f32_arg<op>(outer, r, inner, x, y)`, y int32 */
export const ARG_REDUCE_F32: KernelEntry[] = (['argmax', 'argmin'] as const).map((op) => ({ op, name: `f32-${op}-wasmsimd`, export: `f32_${op}` }));

/** `(outer, r, inner, x, y)` */
export const SOFTMAX_F32: KernelEntry[] = [
  { op: 'softmax', name: 'f32-softmax-wasmsimd', export: 'f32_softmax' },
  { op: 'logSoftmax', name: 'f32-logsoftmax-wasmsimd', export: 'f32_log_softmax' },
  { op: 'logsumexp', name: 'f32-logsumexp-wasmsimd', export: 'f32_logsumexp' },
];
