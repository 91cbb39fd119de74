// Every webgpu kernel by family: the registry names it registers and what each
// kernel is (dtype, family, shape of the work, backend). Read by the tests
// (which check that the webgpu backend covers every reference kernel) and by
// the benchmarks.
export interface GpuKernelEntry {
  /** The registry name (the reference backend's kernel). */
  op: string;
  /** What runs: dtypes, family, tiling, backend. */
  name: string;
}

const e = (op: string, name: string): GpuKernelEntry => ({ op, name });

export const ELEMENTWISE: GpuKernelEntry[] = [
  e('unary', 'f32|i32-unary-strided-webgpu'),
  e('binary', 'f32|i32-binary-broadcast-strided-webgpu'),
  e('where', 'f32|i32-where-broadcast-strided-webgpu'),
  e('copy', 'f32|i32-copy-convert-strided-webgpu'),
  e('fill', 'f32|i32-fill-strided-webgpu'),
];

export const REDUCE: GpuKernelEntry[] = [
  e('reduce', 'f32|i32-reduce-sum|prod|max|min-row128|thread-webgpu'),
  e('argReduce', 'f32|i32-argmax|argmin-row128|thread-webgpu'),
  e('softmax', 'f32-softmax|logsoftmax-row128|thread-webgpu'),
  e('logsumexp', 'f32-logsumexp-row128|thread-webgpu'),
];

export const GEMM: GpuKernelEntry[] = [e('matmul', 'f32|i32-gemm-128x128-8x8|64x64-4x4|32x32-4x4-vec4-bias-relu-batched-webgpu')];

export const CONV: GpuKernelEntry[] = [
  e('conv2d', 'f32-conv2d-nchw-implicit-gemm-128x128|64x64|32x32-webgpu'),
  e('conv2dBackwardInput', 'f32-conv2d-nchw-backward-input-implicit-gemm-128x128|64x64|32x32-webgpu'),
  e('conv2dBackwardWeight', 'f32-conv2d-nchw-backward-weight-implicit-gemm-128x128|64x64|32x32-webgpu'),
];

export const POOL: GpuKernelEntry[] = [
  e('maxPool2d', 'f32-maxpool2d-nchw-webgpu'),
  e('maxPool2dBackward', 'f32-maxpool2d-nchw-backward-per-plane-webgpu'),
  e('avgPool2d', 'f32-avgpool2d-nchw-webgpu'),
  e('avgPool2dBackward', 'f32-avgpool2d-nchw-backward-gather-webgpu'),
];

export const INDEXING: GpuKernelEntry[] = [
  e('gather', 'f32|i32-gather-strided-webgpu'),
  e('indexSelect', 'f32|i32-indexselect-strided-webgpu'),
  e('scatterAdd', 'f32|i32-scatteradd-as-gather-webgpu'),
  e('indexAdd', 'f32|i32-indexadd-as-gather-webgpu'),
];

export const FAMILIES: Record<string, GpuKernelEntry[]> = {
  elementwise: ELEMENTWISE,
  reduce: REDUCE,
  gemm: GEMM,
  conv: CONV,
  pool: POOL,
  indexing: INDEXING,
};

/** Every registry name the webgpu backend registers. */
export const KERNEL_NAMES: string[] = Object.values(FAMILIES).flatMap((f) => f.map((k) => k.op));
