// Elementwise unary ops. Each runs the 'unary' kernel family with its op name;
// the gradient rules live in grad/rules/unary.ts.
import type { DType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { add, mul, pow } from './binary.js';
import { cast } from './cast.js';
import { runOp, type TensorLike, toTensor } from './util.js';

/** Ops that keep an int32 input int32; every other op computes in float32 for int32 input. */
const KEEPS_INT = new Set(['neg', 'abs', 'sign', 'relu', 'square', 'clamp', 'floor', 'ceil', 'round', 'copy']);

/** @internal Runs unary kernel `op`; p0/p1 carry the op's parameters. */
export function unaryOp(op: string, x: TensorLike, p0 = 0, p1 = 0, forceFloat = false): Tensor {
  const t = toTensor(op, x);
  const dtype: DType = t.dtype === 'int32' && (forceFloat || !KEEPS_INT.has(op)) ? 'float32' : t.dtype;
  const input = dtype === t.dtype ? t : cast(t, dtype);
  try {
    const [y] = runOp('unary', [input], [[input.shape, dtype]], { op, p0, p1 });
    record(op, [input], y, { p0, p1 });
    return y;
  } finally {
    if (input !== t) input.dispose();
  }
}

export const neg = (x: TensorLike) => unaryOp('neg', x);
export const exp = (x: TensorLike) => unaryOp('exp', x);
export const log = (x: TensorLike) => unaryOp('log', x);
export const sqrt = (x: TensorLike) => unaryOp('sqrt', x);
export const rsqrt = (x: TensorLike) => unaryOp('rsqrt', x);
/** |x|. Its gradient at 0 is 0 (sign(0) = 0), as in PyTorch. */
export const abs = (x: TensorLike) => unaryOp('abs', x);
export const sign = (x: TensorLike) => unaryOp('sign', x);
export const tanh = (x: TensorLike) => unaryOp('tanh', x);
export const sigmoid = (x: TensorLike) => unaryOp('sigmoid', x);
/** max(x, 0). Its gradient at 0 is 0, as in PyTorch. */
export const relu = (x: TensorLike) => unaryOp('relu', x);
export const sin = (x: TensorLike) => unaryOp('sin', x);
export const cos = (x: TensorLike) => unaryOp('cos', x);
export const square = (x: TensorLike) => unaryOp('square', x);
export const reciprocal = (x: TensorLike) => unaryOp('reciprocal', x);
export const erf = (x: TensorLike) => unaryOp('erf', x);
export const floor = (x: TensorLike) => unaryOp('floor', x);
export const ceil = (x: TensorLike) => unaryOp('ceil', x);
/** Rounds half to even, as PyTorch. */
export const round = (x: TensorLike) => unaryOp('round', x);
export const expm1 = (x: TensorLike) => unaryOp('expm1', x);
export const log1p = (x: TensorLike) => unaryOp('log1p', x);

/** x for x > 0, negativeSlope * x otherwise. */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  return unaryOp('leakyRelu', x, negativeSlope);
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  return unaryOp('elu', x, alpha);
}

/**
 * GELU. `approximate: 'none'` (the default, as PyTorch) is the exact
 * 0.5 x (1 + erf(x / sqrt 2)); `'tanh'` is the tanh approximation.
 */
export function gelu(x: TensorLike, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'none') return unaryOp('gelu', x);
  if (approximate !== 'tanh') throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  return geluTanh(x);
}

const tidy = <T>(f: () => T): T => ENGINE.tidy(f);

function geluTanh(x: TensorLike): Tensor {
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  const t = toTensor('gelu', x);
  return tidy(() => mul(mul(t, 0.5), add(tanh(mul(add(t, mul(pow(t, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1)));
}

/** log(1 + exp(beta x)) / beta, and x where beta x > threshold (PyTorch's softplus). */
export function softplus(x: TensorLike, beta = 1, threshold = 20): Tensor {
  return unaryOp('softplus', x, beta, threshold);
}

/** Clamps into [min, max]; either bound may be omitted (null/undefined). NaN stays NaN. */
export function clamp(x: TensorLike, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new ArgumentError('clamp: min and max must not be NaN');
  if (min == null && max == null) throw new ArgumentError('clamp: give at least one of min and max');
  const t = toTensor('clamp', x);
  const fractional = (v: number) => Number.isFinite(v) && !Number.isInteger(v);
  return unaryOp('clamp', t, lo, hi, t.dtype === 'int32' && (fractional(lo) || fractional(hi)));
}
