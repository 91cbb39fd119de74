// Reductions (sum, prod, max, min over any set of axes) and argmax/argmin.
// The input may be strided: its dims split into kept dims (one output element
// each) and reduced dims, each merged as far as the strides allow. Short
// reductions run one thread per output; long ones one workgroup per output
// with a tree in workgroup memory (float32 partial sums, so the error grows
// like log n, where the reference accumulates in float64).
import { contiguousStrides } from '../../../core/shape.js';
import type { Backend } from '../../../engine/backend.js';
import { ENGINE } from '../../../engine/engine.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { grid, main1d, Params, PRELUDE, splitDims, stridedOffsets, type WgslType, wgslType } from '../wgsl.js';

/** Reductions at least this long get a workgroup per output. */
export const ROW_MIN = 64;
export const ROW_WG = 128;
/**
 * Fewer outputs than this, each at least SPLIT_LEN long, would leave most of a
 * GPU idle: the reduction then runs in two passes, several workgroups per output.
 */
const SPLIT_OUTER = 64;
const SPLIT_LEN = 16384;

const COMBINE: Record<string, Record<WgslType, string>> = {
  sum: { f32: 'a + b', i32: 'a + b' },
  prod: { f32: 'a * b', i32: 'a * b' },
  max: { f32: 'max_nan(a, b)', i32: 'max(a, b)' },
  min: { f32: 'min_nan(a, b)', i32: 'min(a, b)' },
};
const INIT: Record<string, Record<WgslType, string>> = {
  sum: { f32: '0.0', i32: '0' },
  prod: { f32: '1.0', i32: '1' },
  max: { f32: '-inf_f()', i32: 'i32(-2147483647) - 1' },
  min: { f32: 'inf_f()', i32: '2147483647' },
};

/**
 * Parameters and index code shared by the reduction kernels: output `o`
 * (u32) gives `k0` (x's base offset) and `k1..` (the other operands' offsets
 * over the kept dims); reduced index `r` gives `r0` (x) and `r1..`.
 * Params: [nOut, len, kept shape, per operand: offset + kept strides,
 * reduced shape, per operand: 0 + reduced strides].
 */
export function reduction(x: Tensor, axes: readonly number[], others: { offset: number; strides: number[] }[]) {
  const { kept, red, outer, len } = splitDims(x.shape, [x.strides.slice(), ...others.map((o) => o.strides)], axes);
  const p = new Params().int(outer, len);
  const kShape = p.length;
  p.ints(kept.shape);
  const kAt: number[] = [];
  [x.offset, ...others.map((o) => o.offset)].forEach((off, k) => {
    kAt.push(p.length);
    p.int(off).ints(kept.strides[k]);
  });
  const rShape = p.length;
  p.ints(red.shape);
  const rAt: number[] = [];
  red.strides.forEach((s) => {
    rAt.push(p.length);
    p.int(0).ints(s);
  });
  const kr = kept.shape.length;
  const rr = red.shape.length;
  return {
    params: p.build(),
    outer,
    len,
    /** The rank signature for cache keys. */
    sig: `k${kr}r${rr}`,
    keptCode: (lin: string) => stridedOffsets(lin, kr, kShape, kAt, 'k'),
    redCode: (lin: string) => stridedOffsets(lin, rr, rShape, rAt, 'r'),
  };
}

/** Output offsets of a contiguous keepdim result over x's dims: reduced dims get stride 0. */
export function keepdimStrides(x: Tensor, axes: readonly number[]): number[] {
  const s = contiguousStrides(x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  for (const a of axes) s[a] = 0;
  return s;
}

function reduce(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  const op: string = attrs.op;
  be.checkDTypes(op, [x, y]);
  if (y.size === 0) return;
  const t = wgslType(x.dtype);
  const to = wgslType(y.dtype);
  const r = reduction(x, attrs.axes, [{ offset: y.offset, strides: keepdimStrides(x, attrs.axes) }]);
  if (r.outer < SPLIT_OUTER && r.len >= SPLIT_LEN) {
    splitReduce(be, x, y, op, r);
    return;
  }
  const row = r.len >= ROW_MIN;
  const head = `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> y: array<${to}>;
UNIFORM
${PRELUDE}
fn comb(a: ${t}, b: ${t}) -> ${t} { return ${COMBINE[op][t]}; }`;
  const body = row
    ? `var<workgroup> sh: array<${t}, ${ROW_WG}>;
${main1d(ROW_WG)}
  if (wgid >= PU(0u)) { return; }
  ${r.keptCode('wgid')}
  var acc: ${t} = ${INIT[op][t]};
  for (var i = lid; i < PU(1u); i += ${ROW_WG}u) {
    ${r.redCode('i')}
    acc = comb(acc, x[k0 + r0]);
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { y[k1] = ${to === t ? 'sh[0]' : `${to}(sh[0])`}; }
}`
    : `${main1d()}
  if (gid >= PU(0u)) { return; }
  ${r.keptCode('gid')}
  var acc: ${t} = ${INIT[op][t]};
  for (var i = 0u; i < PU(1u); i++) {
    ${r.redCode('i')}
    acc = comb(acc, x[k0 + r0]);
  }
  y[k1] = ${to === t ? 'acc' : `${to}(acc)`};
}`;
  be.run({
    key: `reduce|${op}|${t}>${to}|${r.sig}|${row ? 'row' : 'thread'}`,
    code: (u) => `${head.replace('UNIFORM', u)}\n${body}`,
    reads: [buf(x)],
    writes: [buf(y)],
    params: r.params,
    workgroups: row ? grid(r.outer, 1) : grid(r.outer),
  });
}

/** Pass 1: `parts` workgroups per output reduce chunks into a [outer, parts] scratch; pass 2 reduces that. */
function splitReduce(be: WebGpuBackend, x: Tensor, y: Tensor, op: string, r: ReturnType<typeof reduction>): void {
  const t = wgslType(x.dtype);
  const parts = Math.min(1024, Math.ceil(r.len / 4096));
  const chunk = Math.ceil(r.len / parts);
  const at = r.params.length;
  const params = new Int32Array(at + 2);
  params.set(r.params);
  params[at] = parts;
  params[at + 1] = chunk;
  const tmp = ENGINE.empty([r.outer, parts], x.dtype, be);
  try {
    be.run({
      key: `reduce-split|${op}|${t}|${r.sig}`,
      code: (u) => `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> y: array<${t}>;
${u}
${PRELUDE}
fn comb(a: ${t}, b: ${t}) -> ${t} { return ${COMBINE[op][t]}; }
var<workgroup> sh: array<${t}, ${ROW_WG}>;
${main1d(ROW_WG)}
  let parts = PU(${at}u); let chunk = PU(${at + 1}u);
  if (wgid >= PU(0u) * parts) { return; }
  let o = wgid / parts; let part = wgid % parts;
  ${r.keptCode('o')}
  var acc: ${t} = ${INIT[op][t]};
  let end = min(PU(1u), (part + 1u) * chunk);
  for (var i = part * chunk + lid; i < end; i += ${ROW_WG}u) {
    ${r.redCode('i')}
    acc = comb(acc, x[k0 + r0]);
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { y[wgid] = sh[0]; }
}`,
      reads: [buf(x)],
      writes: [buf(tmp)],
      params,
      workgroups: grid(r.outer * parts, 1),
    });
    reduce(be, [tmp], [y], { op, axes: [1] });
  } finally {
    tmp.dispose();
  }
}

/**
 * argmax / argmin: the first extreme wins and NaN counts as the extreme (the
 * first NaN). Partial results combine as (value, index) pairs: NaN first,
 * then the better value, then the lower index, which makes the tree order-free.
 */
function argReduce(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes(attrs.op, [x, y]);
  if (y.size === 0) return;
  const t = wgslType(x.dtype);
  const axis: number = attrs.axis;
  const r = reduction(x, [axis], [{ offset: y.offset, strides: keepdimStrides(x, [axis]) }]);
  const row = r.len >= ROW_MIN;
  const better = attrs.op === 'argmax' ? 'q > p' : 'q < p';
  const nan = (v: string) => (t === 'f32' ? `is_nan(${v})` : 'false');
  const head = `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> y: array<i32>;
UNIFORM
${PRELUDE}
struct VI { v: ${t}, i: i32 }
fn comb(a: VI, b: VI) -> VI {
  if (b.i < 0) { return a; }
  if (a.i < 0) { return b; }
  let p = a.v; let q = b.v;
  let pn = ${nan('p')}; let qn = ${nan('q')};
  var first = b;
  if (a.i < b.i) { first = a; }
  if (pn && qn) { return first; }
  if (pn) { return a; }
  if (qn) { return b; }
  if (${better}) { return b; }
  if (p == q) { return first; }
  return a;
}`;
  const body = row
    ? `var<workgroup> sh: array<VI, ${ROW_WG}>;
${main1d(ROW_WG)}
  if (wgid >= PU(0u)) { return; }
  ${r.keptCode('wgid')}
  var acc = VI(x[0], -1);
  for (var i = lid; i < PU(1u); i += ${ROW_WG}u) {
    ${r.redCode('i')}
    acc = comb(acc, VI(x[k0 + r0], i32(i)));
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { y[k1] = sh[0].i; }
}`
    : `${main1d()}
  if (gid >= PU(0u)) { return; }
  ${r.keptCode('gid')}
  var acc = VI(x[0], -1);
  for (var i = 0u; i < PU(1u); i++) {
    ${r.redCode('i')}
    acc = comb(acc, VI(x[k0 + r0], i32(i)));
  }
  y[k1] = acc.i;
}`;
  be.run({
    key: `argreduce|${attrs.op}|${t}|${r.sig}|${row ? 'row' : 'thread'}`,
    code: (u) => `${head.replace('UNIFORM', u)}\n${body}`,
    reads: [buf(x)],
    writes: [buf(y)],
    params: r.params,
    workgroups: row ? grid(r.outer, 1) : grid(r.outer),
  });
}

export function registerReduce(): void {
  registerKernel('webgpu', 'reduce', reduce);
  registerKernel('webgpu', 'argReduce', argReduce);
}
