// The elementwise family: unary, binary (and comparisons), where, copy (with
// dtype conversion) and fill. One thread per output element; every operand,
// the output included, is a strided view whose merged shape, offsets and
// strides travel in the uniform block, so broadcast and sliced views need no
// copies (as the wasm elementwise descriptor).
import { ArgumentError } from '../../../core/errors.js';
import { broadcastStrides, mergeDims } from '../../../core/shape.js';
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { toInt } from '../../js/kernels/elementwise.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { lib, uses } from '../math.js';
import { convert, grid, main1d, Params, PRELUDE, stridedOffsets, type WgslType, wgslType } from '../wgsl.js';

/** f32 unary ops: x, with parameters p0, p1 (floats). */
export const UNARY_F32: Record<string, string> = {
  copy: 'x',
  neg: '-x',
  exp: 'exp_f(x)',
  log: 'log_f(x)',
  sqrt: 'sqrt_f(x)',
  rsqrt: 'rsqrt_f(x)',
  abs: 'abs(x)',
  sign: 'sign_f(x)',
  tanh: 'tanh_f(x)',
  sigmoid: 'sigmoid_f(x)',
  relu: 'relu_f(x)',
  leakyRelu: 'select(x * p0, x, x > 0.0)',
  elu: 'select(p0 * expm1_f(x), x, x > 0.0)',
  gelu: 'gelu_f(x)',
  softplus: 'softplus_f(x, p0, p1)',
  sin: 'sincos_f(x, false)',
  cos: 'sincos_f(x, true)',
  square: 'x * x',
  reciprocal: 'recip_f(x)',
  clamp: 'clamp_f(x, p0, p1)',
  erf: 'erf_f(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)',
  expm1: 'expm1_f(x)',
  log1p: 'log1p_f(x)',
};

/** int32 unary ops that stay in integers (the ops that keep an int32 dtype); q0, q1 are the parameters as saturated ints. */
const UNARY_I32: Record<string, string> = {
  copy: 'x',
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign(x)',
  relu: 'max(x, 0)',
  square: 'x * x',
  clamp: 'min(max(x, q0), q1)',
  floor: 'x',
  ceil: 'x',
  round: 'x',
};

export const BINARY_F32: Record<string, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'pow_f(a, b)',
  maximum: 'max_nan(a, b)',
  minimum: 'min_nan(a, b)',
};

const BINARY_I32: Record<string, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  pow: 'ipow(a, b)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
};

// NOTE: comparisons with NaN must be false (ne true) whatever the compiler assumes about NaN.
const ORDERED = '!is_nan(f32(a)) && !is_nan(f32(b))';
export const COMPARE_F32: Record<string, string> = {
  eq: `select(0, 1, a == b && ${ORDERED})`,
  ne: `select(1, 0, a == b && ${ORDERED})`,
  lt: `select(0, 1, a < b && ${ORDERED})`,
  le: `select(0, 1, a <= b && ${ORDERED})`,
  gt: `select(0, 1, a > b && ${ORDERED})`,
  ge: `select(0, 1, a >= b && ${ORDERED})`,
};
const COMPARE_I32: Record<string, string> = {
  eq: 'select(0, 1, a == b)',
  ne: 'select(0, 1, a != b)',
  lt: 'select(0, 1, a < b)',
  le: 'select(0, 1, a <= b)',
  gt: 'select(0, 1, a > b)',
  ge: 'select(0, 1, a >= b)',
};

const EXTRA = 4; // parameter slots after n, before the shape

export interface MapSpec {
  /** Part of the shader's cache key: must determine `vars`, `expr`, `exprType` and `helpers`. */
  key: string;
  /** The name each input's element has in `expr`. */
  vars: string[];
  expr: string;
  /** The WGSL type of `expr` (converted to the output's). */
  exprType: WgslType;
  /** Extra WGSL functions `expr` calls. */
  helpers?: string;
  /** Slots P(1..4): float parameters p0, p1 and their saturated ints q0, q1 for unary ops. */
  extra?: Params;
}

/** Runs `spec.expr` once per element of `out`, reading each input at its (broadcast) strided position. */
export function mapStrided(be: WebGpuBackend, out: Tensor, ins: Tensor[], spec: MapSpec): void {
  if (out.size === 0) return;
  const strides = [out.strides, ...ins.map((t) => broadcastStrides(t.shape, t.strides, out.shape))];
  const m = mergeDims(out.shape, strides);
  const rank = m.shape.length;
  const tIn = ins.map((t) => wgslType(t.dtype));
  const tOut = wgslType(out.dtype);
  const p = new Params().int(out.size);
  const e = (spec.extra ?? new Params()).build();
  for (let i = 0; i < EXTRA; i++) p.int(e[i] ?? 0);
  p.ints(m.shape);
  const opAt: number[] = [];
  [out, ...ins].forEach((t, k) => {
    opAt.push(p.length);
    p.int(t.offset).ints(m.strides[k]);
  });
  const helpers = spec.helpers ?? '';
  const code = (uniform: string) => {
    const decl = tIn.map((t, k) => `@group(0) @binding(${k}) var<storage, read> x${k}: array<${t}>;`);
    decl.push(`@group(0) @binding(${ins.length}) var<storage, read_write> y: array<${tOut}>;`);
    const args = tIn.map((t, k) => `${spec.vars[k]}: ${t}`).join(', ');
    return `${decl.join('\n')}
${uniform}
${PRELUDE}
${lib(uses(helpers + spec.expr))}
${helpers}
fn f(${args}) -> ${tOut} {
  let p0 = PF(1u); let p1 = PF(2u); let q0 = P(3u); let q1 = P(4u);
  return ${convert(spec.expr, spec.exprType, tOut)};
}
${main1d()}
  if (gid >= PU(0u)) { return; }
  ${stridedOffsets('gid', rank, 1 + EXTRA, opAt)}
  y[o0] = f(${ins.map((_, k) => `x${k}[o${k + 1}]`).join(', ')});
}`;
  };
  be.run({
    key: `ew|${spec.key}|${tIn.join(',')}>${tOut}|r${rank}`,
    code,
    reads: ins.map(buf),
    writes: [buf(out)],
    params: p.build(),
    workgroups: grid(out.size),
  });
}

/** Float parameters as saturated int32 bounds, for int32 clamp (lo/hi may be infinite). */
const satInt = (v: number) => (Number.isNaN(v) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(v))));

function unary(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  const op: string = attrs.op;
  be.checkDTypes(op, [x, y]);
  const p0 = attrs.p0 ?? 0;
  const p1 = attrs.p1 ?? 0;
  const extra = new Params().float(p0, p1).int(satInt(p0), satInt(p1));
  const f = UNARY_F32[op];
  if (f === undefined) throw new ArgumentError(`${op}: not a unary op of the webgpu backend`);
  if (x.dtype === 'int32' && op in UNARY_I32) {
    mapStrided(be, y, [x], { key: `u:${op}`, vars: ['x'], expr: UNARY_I32[op], exprType: 'i32', extra });
  } else if (x.dtype === 'int32') {
    // Everything else computes in float32 and rounds into the output, as the reference does.
    const helpers = `fn g(x: f32, p0: f32, p1: f32) -> f32 { return ${f}; }`;
    mapStrided(be, y, [x], { key: `u:${op}:f`, vars: ['xi'], expr: 'g(f32(xi), p0, p1)', exprType: 'f32', helpers, extra });
  } else {
    mapStrided(be, y, [x], { key: `u:${op}`, vars: ['x'], expr: f, exprType: 'f32', extra });
  }
}

function binary(b: Backend, [x0, x1]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  const op: string = attrs.op;
  be.checkDTypes(op, [x0, x1, y]);
  const isCmp = op in COMPARE_F32;
  const fExpr = isCmp ? COMPARE_F32[op] : BINARY_F32[op];
  if (fExpr === undefined) throw new ArgumentError(`${op}: not a binary op of the webgpu backend`);
  const exprType: WgslType = isCmp ? 'i32' : 'f32';
  if (x0.dtype === 'int32' && x1.dtype === 'int32') {
    const iExpr = isCmp ? COMPARE_I32[op] : BINARY_I32[op];
    if (iExpr !== undefined) {
      mapStrided(be, y, [x0, x1], { key: `b:${op}`, vars: ['a', 'b'], expr: iExpr, exprType: 'i32' });
      return;
    }
  }
  if (x0.dtype === 'float32' && x1.dtype === 'float32') {
    mapStrided(be, y, [x0, x1], { key: `b:${op}`, vars: ['a', 'b'], expr: fExpr, exprType });
    return;
  }
  // Integer ops without an integer form (div) and mixed dtypes compute in float32.
  const helpers = `fn g(a: f32, b: f32) -> ${exprType} { return ${fExpr}; }`;
  mapStrided(be, y, [x0, x1], { key: `b:${op}:f`, vars: ['ai', 'bi'], expr: 'g(f32(ai), f32(bi))', exprType, helpers });
}

function where(b: Backend, [c, x0, x1]: Tensor[], [y]: Tensor[]): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('where', [c, x0, x1, y]);
  const t = wgslType(y.dtype);
  const cond = c.dtype === 'int32' ? 'c != 0' : '(c != 0.0 || is_nan(c))';
  const expr = `select(${convert('b', wgslType(x1.dtype), t)}, ${convert('a', wgslType(x0.dtype), t)}, ${cond})`;
  mapStrided(be, y, [c, x0, x1], { key: 'where', vars: ['c', 'a', 'b'], expr, exprType: t });
}

function copy(b: Backend, [x]: Tensor[], [y]: Tensor[]): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('copy', [x, y]);
  mapStrided(be, y, [x], { key: 'copy', vars: ['x'], expr: 'x', exprType: wgslType(x.dtype) });
}

function fill(b: Backend, _: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('fill', [y]);
  const v: number = attrs.value;
  const isInt = y.dtype === 'int32';
  // The value travels as bits, so NaN and infinities fill too.
  const extra = isInt ? new Params().int(0, 0, toInt(v)) : new Params().float(v);
  mapStrided(be, y, [], { key: 'fill', vars: [], expr: isInt ? 'q0' : 'p0', exprType: isInt ? 'i32' : 'f32', extra });
}

export function registerElementwise(): void {
  registerKernel('webgpu', 'unary', unary);
  registerKernel('webgpu', 'binary', binary);
  registerKernel('webgpu', 'where', where);
  registerKernel('webgpu', 'copy', copy);
  registerKernel('webgpu', 'fill', fill);
}
