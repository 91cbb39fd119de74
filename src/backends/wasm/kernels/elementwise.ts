// Binds the elementwise kernel family: float32 (and some int32) work runs in
// WebAssembly; other dtypes run the reference kernels over the same memory.
import { broadcastStrides, mergeDims } from '../../../core/shape.js';
import type { Backend } from '../../../engine/backend.js';
import { type KernelFn, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { REFERENCE_KERNELS } from '../../js/kernels/index.js';
import type { WasmBackend } from '../backend.js';
import { BINARY_F32, BINARY_I32, COMPARE_F32, COMPARE_I32, COPY_KERNELS, UNARY_F32, WHERE_F32 } from '../manifests/elementwise.js';

const MAX_RANK = 8;

/**
 * Calls an elementwise export over strided operands: merges dims, writes the
 * descriptor (shape, output strides, input strides) and passes the pointers
 * (inputs, then output, then any scalar parameters). False if it cannot.
 */
export function callStrided(w: WasmBackend, fn: string, out: Tensor, ins: Tensor[], p0 = 0, p1 = 0): boolean {
  if (out.size === 0) return true;
  const strides = [out.strides];
  for (const t of ins) strides.push(broadcastStrides(t.shape, t.strides, out.shape));
  const m = mergeDims(out.shape, strides);
  const rank = m.shape.length;
  if (rank > MAX_RANK) return false;
  const d = w.desc(m.shape, m.strides);
  const f = w.k[fn];
  const y = w.ptr(out);
  // Fixed-arity calls: a spread call into WebAssembly is several times slower.
  if (ins.length === 1) f(rank, d, w.ptr(ins[0]), y, p0, p1);
  else if (ins.length === 2) f(rank, d, w.ptr(ins[0]), w.ptr(ins[1]), y);
  else f(rank, d, w.ptr(ins[0]), w.ptr(ins[1]), w.ptr(ins[2]), y);
  return true;
}

const table = (entries: { op: string; export: string }[]) => new Map(entries.map((e) => [e.op, e.export]));
const unaryF32 = table(UNARY_F32);
const binaryF32 = table([...BINARY_F32, ...COMPARE_F32]);
const binaryI32 = table([...BINARY_I32, ...COMPARE_I32]);

/** A kernel that tries `fast` and falls back to the reference kernel when it declines. */
export function withFallback(name: string, fast: (w: WasmBackend, inputs: Tensor[], outputs: Tensor[], attrs: Record<string, unknown>) => boolean): KernelFn {
  const ref = REFERENCE_KERNELS[name];
  return (b: Backend, inputs, outputs, attrs) => {
    if (!fast(b as WasmBackend, inputs, outputs, attrs)) ref(b, inputs, outputs, attrs);
  };
}

registerKernel(
  'wasm',
  'unary',
  withFallback('unary', (w, [x], [y], a) => {
    const fn = unaryF32.get(a.op as string);
    if (!fn || x.dtype !== 'float32' || y.dtype !== 'float32') return false;
    return callStrided(w, fn, y, [x], (a.p0 as number) ?? 0, (a.p1 as number) ?? 0);
  }),
);

registerKernel(
  'wasm',
  'binary',
  withFallback('binary', (w, [a, b], [y], attrs) => {
    const op = attrs.op as string;
    const fn = a.dtype === 'float32' && b.dtype === 'float32' ? binaryF32.get(op) : a.dtype === 'int32' && b.dtype === 'int32' ? binaryI32.get(op) : undefined;
    if (!fn) return false;
    return callStrided(w, fn, y, [a, b]);
  }),
);

registerKernel(
  'wasm',
  'where',
  withFallback('where', (w, [c, a, b], [y]) => {
    if (c.dtype !== 'int32' || a.dtype !== 'float32' || b.dtype !== 'float32') return false;
    return callStrided(w, WHERE_F32.export, y, [c, a, b]);
  }),
);

registerKernel(
  'wasm',
  'copy',
  withFallback('copy', (w, [x], [y]) => {
    if (x.dtype === 'float32' && y.dtype === 'float32') return callStrided(w, unaryF32.get('copy') as string, y, [x]);
    const k = COPY_KERNELS.find((e) => e.from === x.dtype && e.to === y.dtype);
    return k ? callStrided(w, k.export, y, [x]) : false;
  }),
);

// Filling runs TypedArray.fill over the heap: already as fast as a kernel.
registerKernel('wasm', 'fill', REFERENCE_KERNELS.fill);
for (const name of ['gather', 'scatterAdd', 'indexSelect', 'indexAdd']) registerKernel('wasm', name, REFERENCE_KERNELS[name]);
