// GEMM, convolution and pooling kernels.
import type { KernelEntry } from './elementwise.js';

/** 4x8 register tile in the simd build, 5x8 in the relaxed build (FMA frees registers). */
export const GEMM_F32: KernelEntry = { op: 'matmul', name: 'f32-gemm-4x8-wasmsimd', export: 'f32_gemm' };
/** The same GEMM with B packed once and reused (weights). */
export const GEMM_PREPACKED_F32: KernelEntry = { op: 'matmul', name: 'f32-gemm-4x8-prepacked-wasmsimd', export: 'f32_gemm_prepacked' };

export const CONV_F32: KernelEntry[] = [
  { op: 'conv2d', name: 'f32-conv2d-nchw-wasmsimd', export: 'f32_conv2d' },
  { op: 'conv2dBackwardInput', name: 'f32-conv2d-nchw-backward-input-wasmsimd', export: 'f32_conv2d_backward_input' },
  { op: 'conv2dBackwardWeight', name: 'f32-conv2d-nchw-backward-weight-wasmsimd', export: 'f32_conv2d_backward_weight' },
];

export const POOL_F32: KernelEntry[] = [
  { op: 'maxPool2d', name: 'f32-maxpool2d-nchw-wasmsimd', export: 'f32_maxpool2d' },
  { op: 'maxPool2dBackward', name: 'f32-maxpool2d-nchw-backward-wasmsimd', export: 'f32_maxpool2d_backward' },
  { op: 'avgPool2d', name: 'f32-avgpool2d-nchw-wasmsimd', export: 'f32_avgpool2d' },
  { op: 'avgPool2dBackward', name: 'f32-avgpool2d-nchw-backward-wasmsimd', export: 'f32_avgpool2d_backward' },
];
