// The elementwise kernel family: which op runs which WebAssembly export.
// Read by the wasm dispatcher (kernels/elementwise.ts), the tests and the benchmarks.

export interface KernelEntry {
  /** The op (the reference backend's name for it). */
  op: string;
  /** What the kernel is: dtype, family, instruction set. */
  name: string;
  /** The function the module exports. */
  export: string;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const entry = (prefix: string, op: string, dtype = 'f32'): KernelEntry => ({
  op,
  name: `${dtype}-${prefix}${snake(op).replace(/_/g, '')}-wasmsimd`,
  export: `${dtype}_${prefix}${snake(op)}`,
});

export const UNARY_OPS = [
  'copy',
  'neg',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'abs',
  'sign',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'sin',
  'cos',
  'square',
  'reciprocal',
  'clamp',
  'erf',
  'floor',
  'ceil',
  'round',
  'expm1',
  'log1p',
] as const;

/** `f32_v<op>(rank, desc, x, y, p0, p1)` */
export const UNARY_F32: KernelEntry[] = UNARY_OPS.map((op) => entry('v', op));

export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
export const COMPARE_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

/** `<t>_v<op>(rank, desc, a, b, y)` */
export const BINARY_F32: KernelEntry[] = BINARY_OPS.map((op) => entry('v', op));
export const BINARY_I32: KernelEntry[] = (['add', 'sub', 'mul', 'maximum', 'minimum'] as const).map((op) => entry('v', op, 'i32'));
/** `<t>_vcmp_<op>(rank, desc, a, b, y)`, y is int32 */
export const COMPARE_F32: KernelEntry[] = COMPARE_OPS.map((op) => ({ op, name: `f32-vcmp${op}-wasmsimd`, export: `f32_vcmp_${op}` }));
export const COMPARE_I32: KernelEntry[] = COMPARE_OPS.map((op) => ({ op, name: `i32-vcmp${op}-wasmsimd`, export: `i32_vcmp_${op}` }));

/** `f32_where(rank, desc, cond, a, b, y)` */
export const WHERE_F32: KernelEntry = { op: 'where', name: 'f32-where-wasmsimd', export: 'f32_where' };

/** Copies with conversion, `(rank, desc, x, y)` (f32 copy is the unary `copy`). */
export const COPY_KERNELS: (KernelEntry & { from: string; to: string })[] = [
  { op: 'copy', from: 'int32', to: 'int32', name: 'i32-vcopy-wasmsimd', export: 'i32_vcopy' },
  { op: 'copy', from: 'float32', to: 'int32', name: 'f32-i32-vcvt-wasmsimd', export: 'cast_f32_i32' },
  { op: 'copy', from: 'int32', to: 'float32', name: 'i32-f32-vcvt-wasmsimd', export: 'cast_i32_f32' },
];
