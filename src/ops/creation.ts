// Creating tensors: from values, constants, ranges and random numbers.
import { arrayCtor, type DType, dtypeOfArray, isDType, type TypedArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { globalRandom } from '../core/random.js';
import { checkShape, fmt, type Shape, sizeOf } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { runKernel } from '../engine/registry.js';
import type { NestedArray, Tensor } from '../engine/tensor.js';
import { checkTensor, fromTypedArray } from './util.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  shape?: number[];
}

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64 or int32)`);
  return dtype;
}

function finish(t: Tensor, opts?: CreateOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Infers the shape of nested arrays and checks that they are rectangular. */
function inferShape(values: unknown): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(op: string, values: unknown, shape: number[], out: number[], dim = 0): void {
  if (dim === shape.length) {
    if (typeof values === 'boolean') out.push(values ? 1 : 0);
    else if (typeof values === 'number') out.push(values);
    else throw new ArgumentError(`${op}: expected numbers, got ${values === null ? 'null' : typeof values}`);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new ShapeError(`${op}: nested arrays are not rectangular: expected length ${shape[dim]} at depth ${dim}, shape ${fmt(shape)}`);
  }
  for (const v of values) flatten(op, v, shape, out, dim + 1);
}

/**
 * A tensor from a number, nested arrays or a typed array. Numbers default to
 * float32; a typed array keeps its dtype (Int32Array -> int32, Float64Array -> float64).
 */
export function tensor(values: number | boolean | NestedArray | TypedArray | boolean[], opts: TensorOptions = {}): Tensor {
  const op = 'tensor';
  let data: number[] | TypedArray;
  let shape: number[];
  let dtype: DType;
  if (ArrayBuffer.isView(values)) {
    data = values as TypedArray;
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new DTypeError(`${op}: unsupported typed array ${(values as object).constructor.name} (use Float32Array, Float64Array or Int32Array)`);
    }
    shape = opts.shape ? checkShape(op, opts.shape) : [data.length];
    dtype = opts.dtype ? checkDType(op, opts.dtype) : dtypeOfArray(data);
  } else {
    shape = inferShape(values);
    const flat: number[] = [];
    flatten(op, values, shape, flat);
    data = flat;
    if (opts.shape) shape = checkShape(op, opts.shape);
    dtype = opts.dtype ? checkDType(op, opts.dtype) : 'float32';
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(`${op}: ${data.length} values do not fill shape ${fmt(shape)}`);
  }
  const ctor = arrayCtor(dtype);
  const typed = data instanceof ctor ? (data as TypedArray) : ctor.from(data as ArrayLike<number>);
  return finish(fromTypedArray(typed, shape, dtype), opts);
}

function normShape(op: string, shape: number | readonly number[]): number[] {
  return checkShape(op, typeof shape === 'number' ? [shape] : [...shape]);
}

function filled(op: string, shape: number | Shape, value: number, opts: CreateOptions): Tensor {
  const s = normShape(op, shape);
  const dtype = checkDType(op, opts.dtype ?? 'float32');
  const t = ENGINE.empty(s, dtype);
  runKernel('fill', [], [t], { value });
  return finish(t, opts);
}

export function full(shape: number | Shape, value: number, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

export function zeros(shape: number | Shape, opts: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}

export function ones(shape: number | Shape, opts: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}

export function zerosLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  checkTensor('zerosLike', x);
  return full(x.shape, 0, { dtype: x.dtype, ...opts });
}

export function onesLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  checkTensor('onesLike', x);
  return full(x.shape, 1, { dtype: x.dtype, ...opts });
}

export function fullLike(x: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  checkTensor('fullLike', x);
  return full(x.shape, value, { dtype: x.dtype, ...opts });
}

/**
 * Values from start to end (exclusive) by step, like torch.arange:
 * `arange(end)`, `arange(start, end, step?)`. float32 unless `dtype` says otherwise.
 */
export function arange(startOrEnd: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  const [start, stop] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new ArgumentError(`arange: invalid range start=${start} end=${stop} step=${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = checkDType('arange', opts.dtype ?? 'float32');
  const data = new (arrayCtor(dtype))(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(fromTypedArray(data, [n], dtype), opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = checkDType('linspace', opts.dtype ?? 'float32');
  const data = new (arrayCtor(dtype))(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = i === steps - 1 && steps > 1 ? end : start + i * step;
  return finish(fromTypedArray(data, [steps], dtype), opts);
}

/** The n x m identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, opts: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const dtype = checkDType('eye', opts.dtype ?? 'float32');
  const data = new (arrayCtor(dtype))(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(fromTypedArray(data, [n, m], dtype), opts);
}

function randomTensor(op: string, shape: number | Shape, opts: CreateOptions, draw: () => number, floatOnly = true): Tensor {
  const s = normShape(op, shape);
  const dtype = checkDType(op, opts.dtype ?? 'float32');
  if (floatOnly && dtype === 'int32') throw new DTypeError(`${op}: dtype must be float32 or float64, got int32`);
  const data = new (arrayCtor(dtype))(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return finish(fromTypedArray(data, s, dtype), opts);
}

/** Uniform in [0, 1). Reproducible after `seed(n)`. */
export function rand(shape: number | Shape, opts: CreateOptions = {}): Tensor {
  return randomTensor('rand', shape, opts, () => globalRandom.uniform());
}

/** Standard normal. Reproducible after `seed(n)`. */
export function randn(shape: number | Shape, opts: CreateOptions = {}): Tensor {
  return randomTensor('randn', shape, opts, () => globalRandom.normal());
}

/** Integers uniform in [low, high); int32 unless `dtype` says otherwise. */
export function randint(low: number, high: number, shape: number | Shape, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ArgumentError(`randint: need integers low < high, got low=${low} high=${high}`);
  }
  return randomTensor('randint', shape, { dtype: 'int32', ...opts }, () => globalRandom.int(low, high), false);
}

/** Seeds the generator behind every random op, initialiser and shuffle. */
export function seed(n: number): void {
  if (!Number.isFinite(n)) throw new ArgumentError(`seed: expected a finite number, got ${n}`);
  globalRandom.seed(n);
}
