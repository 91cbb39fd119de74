// Reference elementwise kernels: unary, binary, comparisons, where, casts,
// copy and fill, over strided views with broadcasting. Computed in float64 and
// rounded by the output's typed array. This file is the specification that every
// fast backend is tested against.

import { erf, gelu, roundHalfEven, sigmoid, softplus } from '../../../core/math.js';
import { broadcastStrides, type Shape } from '../../../core/shape.js';
import { forEachStrided } from '../../../core/strided.js';
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

export type UnaryFn = (x: number, p0: number, p1: number) => number;
export type BinaryFn = (a: number, b: number) => number;

export const UNARY_REF: Record<string, UnaryFn> = {
  copy: (x) => x,
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  // sign(NaN) = 0, as PyTorch (it computes (0 < x) - (x < 0)).
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  leakyRelu: (x, slope) => (x > 0 ? x : x * slope),
  elu: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  gelu,
  softplus: (x, beta, threshold) => softplus(x, beta, threshold),
  sin: Math.sin,
  cos: Math.cos,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // NOTE: NaN passes through clamp, as in PyTorch (Math.min/max propagate NaN).
  clamp: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  expm1: Math.expm1,
  log1p: Math.log1p,
};

export const BINARY_REF: Record<string, BinaryFn> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's (and PyTorch's) pow: 1^y = 1 and (-1)^(+-inf) = 1, where Math.pow gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
  maximum: Math.max,
  minimum: Math.min,
};

export const COMPARE_REF: Record<string, BinaryFn> = {
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);
const stridesIn = (t: Tensor, shape: Shape) => broadcastStrides(t.shape, t.strides, shape);

/** y = f(x) elementwise; attrs: { op, p0, p1 }. x may be strided, y any view of the same shape. */
export function unaryRef(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const f = UNARY_REF[attrs.op];
  const p0 = attrs.p0 ?? 0;
  const p1 = attrs.p1 ?? 0;
  const xv = view(b, x);
  const yv = view(b, y);
  const isIntOut = y.dtype === 'int32';
  forEachStrided(y.shape, [y.offset, x.offset], [y.strides, stridesIn(x, y.shape)], (_, p) => {
    const v = f(xv[p[1]], p0, p1);
    yv[p[0]] = isIntOut ? toInt(v) : v;
  });
}

/** y = a op b with broadcasting; attrs: { op }. Comparisons write int32 0/1. */
export function binaryRef(b: Backend, [x0, x1]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const f = BINARY_REF[attrs.op] ?? COMPARE_REF[attrs.op];
  const av = view(b, x0);
  const bv = view(b, x1);
  const yv = view(b, y);
  const isIntOut = y.dtype === 'int32';
  forEachStrided(y.shape, [y.offset, x0.offset, x1.offset], [y.strides, stridesIn(x0, y.shape), stridesIn(x1, y.shape)], (_, p) => {
    const v = f(av[p[1]], bv[p[2]]);
    yv[p[0]] = isIntOut ? toInt(v) : v;
  });
}

/** y = cond ? a : b with broadcasting. */
export function whereRef(b: Backend, [c, x0, x1]: Tensor[], [y]: Tensor[]): void {
  const cv = view(b, c);
  const av = view(b, x0);
  const bv = view(b, x1);
  const yv = view(b, y);
  const strides = [y.strides, stridesIn(c, y.shape), stridesIn(x0, y.shape), stridesIn(x1, y.shape)];
  forEachStrided(y.shape, [y.offset, c.offset, x0.offset, x1.offset], strides, (_, p) => {
    yv[p[0]] = cv[p[1]] !== 0 ? av[p[2]] : bv[p[3]];
  });
}

/** Copies x (any strides, broadcastable to y) into y, converting the dtype. */
export function copyRef(b: Backend, [x]: Tensor[], [y]: Tensor[]): void {
  const xv = view(b, x);
  const yv = view(b, y);
  const isIntOut = y.dtype === 'int32' && x.dtype !== 'int32';
  forEachStrided(y.shape, [y.offset, x.offset], [y.strides, stridesIn(x, y.shape)], (_, p) => {
    yv[p[0]] = isIntOut ? toInt(xv[p[1]]) : xv[p[1]];
  });
}

/** Fills y with attrs.value. */
export function fillRef(b: Backend, _: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const yv = view(b, y);
  const v = y.dtype === 'int32' ? toInt(attrs.value) : attrs.value;
  if (y.isContiguous) {
    yv.fill(v, y.offset, y.offset + y.size);
    return;
  }
  forEachStrided(y.shape, [y.offset], [y.strides], (_, p) => {
    yv[p[0]] = v;
  });
}

/** float -> int32 as PyTorch's .int(): truncate toward zero; NaN -> 0; saturate. */
export function toInt(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v >= 2147483647) return 2147483647;
  if (v <= -2147483648) return -2147483648;
  return Math.trunc(v);
}
