// What every op shares: turning arguments into tensors, allocating outputs and
// running a kernel so that a failure leaves nothing behind.
import { type DType, isFloat, promoteTypes, type TypedArray } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import type { Shape } from '../core/shape.js';
import type { Backend } from '../engine/backend.js';
import { ENGINE } from '../engine/engine.js';
import { type Attrs, runKernel } from '../engine/registry.js';
import { Tensor } from '../engine/tensor.js';
import { placeOp } from '../engine/transfer.js';

/** A tensor, or a plain number standing for a 0-D tensor. */
export type TensorLike = Tensor | number;

/** Checks that `x` is a live Tensor. */
export function checkTensor(op: string, x: unknown, name = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new ArgumentError(
      `${op}: ${name} must be a Tensor${typeof x === 'number' ? ' (this argument does not accept a plain number)' : `, got ${describe(x)}`}`,
    );
  }
  return x.assertAlive(op);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}

const SCALAR_CACHE_LIMIT = 512;
const scalarCache = new Map<string, Tensor>();

/**
 * A cached, engine-owned 0-D tensor on `backend` (the current one by default;
 * ops pass their other operand's, so no transfer is needed). Never handed to
 * users as a result.
 */
export function scalar(value: number, dtype: DType, backend: Backend = ENGINE.backend): Tensor {
  const key = `${backend.name}|${dtype}|${Object.is(value, -0) ? '-0' : value}`;
  const hit = scalarCache.get(key);
  if (hit && !hit.disposed) return hit;
  if (scalarCache.size >= SCALAR_CACHE_LIMIT) {
    for (const t of scalarCache.values()) t.dispose();
    scalarCache.clear();
  }
  const t = ENGINE.makeInternal(ENGINE.empty([], dtype, backend));
  runKernel('fill', [], [t], { value });
  scalarCache.set(key, t);
  return t;
}

/** Frees the cached constants of a backend (when it is shut down). */
export function clearScalarCache(): void {
  for (const t of scalarCache.values()) t.dispose();
  scalarCache.clear();
}

/** The dtype a plain number takes next to a tensor of dtype `other`. */
export function numberDType(value: number, other: DType | null): DType {
  if (other === null) return 'float32';
  if (other === 'int32' && !Number.isInteger(value)) return 'float32';
  return other;
}

/** Turns a TensorLike into a tensor; numbers adopt `like`'s dtype (PyTorch's scalar promotion). */
export function toTensor(op: string, x: TensorLike, like: Tensor | null = null, name = 'input'): Tensor {
  if (typeof x === 'number') return scalar(x, numberDType(x, like?.dtype ?? null), like?.storage.backend);
  return checkTensor(op, x, name);
}

/** Two operands of a binary op as tensors of one promoted dtype (casting where needed). */
export function binaryOperands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  if (typeof a === 'number' && typeof b === 'number') {
    return [scalar(a, 'float32'), scalar(b, 'float32'), 'float32'];
  }
  const ta = typeof a === 'number' ? null : checkTensor(op, a, 'first operand');
  const tb = typeof b === 'number' ? null : checkTensor(op, b, 'second operand');
  const A = ta ?? scalar(a as number, numberDType(a as number, tb!.dtype), tb!.storage.backend);
  const B = tb ?? scalar(b as number, numberDType(b as number, ta!.dtype), ta!.storage.backend);
  return [A, B, promoteTypes(A.dtype, B.dtype)];
}

/**
 * Allocates the outputs and runs kernel `name`; on any failure frees the
 * outputs and rethrows. The outputs go where engine/transfer.ts places them:
 * beside the inputs (or `placeWith`, for an op that fills its output from
 * tensors it does not pass as inputs), or by size in 'auto' mode.
 */
export function runOp(name: string, inputs: Tensor[], outputs: [Shape, DType][], attrs: Attrs = {}, placeWith: Tensor[] = inputs): Tensor[] {
  const outs: Tensor[] = [];
  try {
    const backend = placeOp(attrs.op ?? name, placeWith, outputs);
    for (const [shape, dtype] of outputs) outs.push(ENGINE.empty(shape, dtype, backend));
    runKernel(name, inputs, outs, attrs);
    return outs;
  } catch (e) {
    for (const o of outs) o.dispose();
    throw e;
  }
}

/** A new tensor holding `data` (already in the dtype's typed array). */
export function fromTypedArray(data: TypedArray, shape: Shape, dtype: DType): Tensor {
  const t = ENGINE.empty(shape, dtype);
  if (data.length) t.storage.backend.write(t.storage, data, 0);
  return t;
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a floating-point tensor, got ${x.dtype} with shape [${x.shape.join(',')}]`);
}

/** Positive integer check for sizes, strides and the like. */
export function checkInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}
