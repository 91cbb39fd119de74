// gather / indexSelect and scatterAdd / indexAdd with int32 indices. A thread
// per output element. The scatters run as gathers: each element of y walks the
// index entries that could land on it and adds the matching src values in
// index order, so there are no races, no float atomics, and the sums come out
// in the reference's order. The cost is y.size x (index length along axis).
//
// Indices cannot be checked before the kernel runs (they live on the GPU): an
// out-of-range index sets an error flag that the next `await data()` turns into
// an ArgumentError naming the op (backend.ts), and leaves that element 0 (gather)
// or adds nothing (scatter).
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { buf, FLAG_OPS, type WebGpuBackend } from '../backend.js';
import { grid, main1d, Params, PRELUDE, wgslType } from '../wgsl.js';

const FLAG_DECL = (binding: number) => `@group(0) @binding(${binding}) var<storage, read_write> flag: array<atomic<u32>, 4>;`;

/**
 * y[c] = x[c with c[axis] -> index[c']] where c' is c for gather and c[axis]
 * alone for indexSelect (given as index strides that are 0 off the axis).
 */
function gatherLike(op: 'gather' | 'indexSelect', be: WebGpuBackend, x: Tensor, index: Tensor, y: Tensor, axis: number, iStrides: number[]): void {
  be.checkDTypes(op, [x, y]);
  if (y.size === 0) return;
  const t = wgslType(x.dtype);
  const r = y.ndim;
  const xs = x.strides.slice();
  xs[axis] = 0;
  const p = new Params().int(y.size, x.shape[axis], x.strides[axis], FLAG_OPS.indexOf(op), y.offset, x.offset, index.offset);
  const at = p.length;
  p.ints(y.shape).ints(y.strides).ints(xs).ints(iStrides);
  const unravel: string[] = [];
  for (let d = r - 1; d >= 0; d--) {
    unravel.push(d > 0 ? `{ let s = PU(${at + d}u); let c = i32(rem % s); rem = rem / s;` : '{ let c = i32(rem);');
    unravel.push(`yo += c * P(${at + r + d}u); xo += c * P(${at + 2 * r + d}u); io += c * P(${at + 3 * r + d}u); }`);
  }
  be.run({
    key: `gather|${t}|r${r}`,
    code: (u) => `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read> ix: array<i32>;
@group(0) @binding(2) var<storage, read_write> y: array<${t}>;
${u}
${FLAG_DECL(4)}
${PRELUDE}
${main1d()}
  if (gid >= PU(0u)) { return; }
  var yo = P(4u); var xo = P(5u); var io = P(6u); var rem = gid;
  ${unravel.join('\n  ')}
  let k = ix[io];
  if (k < 0 || k >= P(1u)) { atomicStore(&flag[0], PU(3u)); y[yo] = ${t}(0); return; }
  y[yo] = x[xo + k * P(2u)];
}`,
    reads: [buf(x), buf(index)],
    writes: [buf(y)],
    params: p.build(),
    workgroups: grid(y.size),
    flag: true,
  });
}

/**
 * y[c] += sum of src[c with c[axis] -> j] over j where index[c with c[axis] -> j] == c[axis]
 * (scatterAdd; c must lie inside index's shape off the axis), or where
 * index[j] == c[axis] (indexAdd: index strides 0 off the axis, index shape = y's).
 */
function scatterLike(
  op: 'scatterAdd' | 'indexAdd',
  be: WebGpuBackend,
  index: Tensor,
  src: Tensor,
  y: Tensor,
  axis: number,
  iShape: number[],
  iStrides: number[],
): void {
  be.checkDTypes(op, [src, y]);
  if (y.size === 0) return;
  const t = wgslType(y.dtype);
  const r = y.ndim;
  const p = new Params().int(y.size, y.shape[axis], iShape[axis], FLAG_OPS.indexOf(op), y.offset, index.offset, src.offset);
  p.int(iStrides[axis], src.strides[axis]);
  const at = p.length;
  p.ints(y.shape).ints(y.strides).ints(iShape).ints(iStrides).ints(src.strides);
  const unravel: string[] = [];
  for (let d = r - 1; d >= 0; d--) {
    unravel.push(d > 0 ? `{ let s = PU(${at + d}u); let c = i32(rem % s); rem = rem / s;` : '{ let c = i32(rem);');
    unravel.push(`yo += c * P(${at + r + d}u);`);
    if (d === axis) unravel.push('tgt = c; }');
    else unravel.push(`inside = inside && c < P(${at + 2 * r + d}u); io += c * P(${at + 3 * r + d}u); so += c * P(${at + 4 * r + d}u); }`);
  }
  be.run({
    key: `scatter|${t}|r${r}|a${axis}`,
    code: (u) => `@group(0) @binding(0) var<storage, read> ix: array<i32>;
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read_write> y: array<${t}>;
${u}
${FLAG_DECL(4)}
${PRELUDE}
${main1d()}
  if (gid >= PU(0u)) { return; }
  var yo = P(4u); var io = P(5u); var so = P(6u); var rem = gid;
  var tgt = 0; var inside = true;
  ${unravel.join('\n  ')}
  if (!inside) { return; }
  var acc = y[yo];
  for (var j = 0; j < P(2u); j++) {
    let k = ix[io + j * P(7u)];
    if (k < 0 || k >= P(1u)) { atomicStore(&flag[0], PU(3u)); }
    if (k == tgt) { acc += src[so + j * P(8u)]; }
  }
  y[yo] = acc;
}`,
    reads: [buf(index), buf(src)],
    writes: [buf(y)],
    params: p.build(),
    workgroups: grid(y.size),
    flag: true,
  });
}

function gather(b: Backend, [x, index]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  gatherLike('gather', b as WebGpuBackend, x, index, y, attrs.axis, index.strides.slice());
}

function indexSelect(b: Backend, [x, index]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const is = new Array<number>(y.ndim).fill(0);
  is[attrs.axis] = index.strides[0];
  gatherLike('indexSelect', b as WebGpuBackend, x, index, y, attrs.axis, is);
}

function scatterAdd(b: Backend, [index, src]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  scatterLike('scatterAdd', b as WebGpuBackend, index, src, y, attrs.axis, [...index.shape], index.strides.slice());
}

function indexAdd(b: Backend, [index, src]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const a: number = attrs.axis;
  const is = new Array<number>(y.ndim).fill(0);
  is[a] = index.strides[0];
  const shape = y.shape.map((d, i) => (i === a ? index.shape[0] : d));
  scatterLike('indexAdd', b as WebGpuBackend, index, src, y, a, shape, is);
}

export function registerIndexing(): void {
  registerKernel('webgpu', 'gather', gather);
  registerKernel('webgpu', 'indexSelect', indexSelect);
  registerKernel('webgpu', 'scatterAdd', scatterAdd);
  registerKernel('webgpu', 'indexAdd', indexAdd);
}
