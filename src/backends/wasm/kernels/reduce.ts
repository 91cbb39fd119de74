// Binds reductions and the softmax family. The kernels take a contiguous
// input seen as [outer, r, inner]; a reduction over several axes runs once per
// run of adjacent reduced axes.
import { ENGINE } from '../../../engine/engine.js';
import { registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import type { WasmBackend } from '../backend.js';
import { ARG_REDUCE_F32, REDUCE_F32, SOFTMAX_F32 } from '../manifests/reduce.js';
import { callStrided, withFallback } from './elementwise.js';

const exportOf = (entries: { op: string; export: string }[]) => new Map(entries.map((e) => [e.op, e.export]));
const reduceFns = exportOf(REDUCE_F32);
const argFns = exportOf(ARG_REDUCE_F32);
const softmaxFns = exportOf(SOFTMAX_F32);

const prod = (s: readonly number[], from: number, to: number) => {
  let p = 1;
  for (let i = from; i < to; i++) p *= s[i];
  return p;
};

/** A contiguous float32 copy of x in wasm memory (or x itself), and how to let it go. */
function contiguousF32(w: WasmBackend, x: Tensor): [Tensor, () => void] {
  if (x.isContiguous) return [x, () => {}];
  const c = ENGINE.empty(x.shape, 'float32', w);
  callStrided(w, 'f32_vcopy', c, [x]);
  return [c, () => c.dispose()];
}

/** Runs of adjacent axes: [0, 2, 3] -> [[0, 0], [2, 3]]. */
function runs(axes: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const a of axes) {
    const last = out[out.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else out.push([a, a]);
  }
  return out;
}

registerKernel(
  'wasm',
  'reduce',
  withFallback('reduce', (w, [x], [y], attrs) => {
    const fn = reduceFns.get(attrs.op as string);
    if (!fn || x.dtype !== 'float32') return false;
    const axes = attrs.axes as number[];
    if (axes.length === 0) return callStrided(w, 'f32_vcopy', y, [x]);
    let [src, release] = contiguousF32(w, x);
    const shape = [...x.shape];
    const groups = runs(axes).reverse();
    groups.forEach(([a0, a1], i) => {
      const outer = prod(shape, 0, a0);
      const r = prod(shape, a0, a1 + 1);
      const inner = prod(shape, a1 + 1, shape.length);
      for (let k = a0; k <= a1; k++) shape[k] = 1;
      const dst = i === groups.length - 1 ? y : ENGINE.empty(shape, 'float32', w);
      w.k[fn](outer, r, inner, w.ptr(src), w.ptr(dst));
      release();
      src = dst;
      release = dst === y ? () => {} : () => dst.dispose();
    });
    return true;
  }),
);

registerKernel(
  'wasm',
  'argReduce',
  withFallback('argReduce', (w, [x], [y], attrs) => {
    const fn = argFns.get(attrs.op as string);
    if (!fn || x.dtype !== 'float32' || x.ndim === 0) return false;
    const a = attrs.axis as number;
    const [src, release] = contiguousF32(w, x);
    w.k[fn](prod(x.shape, 0, a), x.shape[a], prod(x.shape, a + 1, x.ndim), w.ptr(src), w.ptr(y));
    release();
    return true;
  }),
);

function softmaxFamily(name: string, pick: (attrs: Record<string, unknown>) => string) {
  registerKernel(
    'wasm',
    name,
    withFallback(name, (w, [x], [y], attrs) => {
      if (x.dtype !== 'float32' || x.ndim === 0) return false;
      const a = attrs.axis as number;
      const [src, release] = contiguousF32(w, x);
      w.k[softmaxFns.get(pick(attrs)) as string](prod(x.shape, 0, a), x.shape[a], prod(x.shape, a + 1, x.ndim), w.ptr(src), w.ptr(y));
      release();
      return true;
    }),
  );
}
softmaxFamily('softmax', (a) => (a.log ? 'logSoftmax' : 'softmax'));
softmaxFamily('logsumexp', () => 'logsumexp');
