// Moving tensors between backends, and where an op runs in 'auto' mode.
//
// The rules (kept simple so that every step is synchronous and correct):
// 1. A kernel runs on the backend that holds its outputs. An input held by
//    another backend is copied there first when that can be done synchronously:
//    CPU -> GPU can (queue.writeBuffer); GPU -> CPU cannot (mapAsync is async).
// 2. In 'auto' mode (wg.init({ backend: 'auto' })) runOp places an op's outputs:
//    on the GPU when any input already lives there, or when the op's largest
//    tensor has at least `threshold` elements; otherwise on WASM. float64 stays
//    on WASM (WGSL has no f64). Creation ops (tensor, zeros, randn, ...) put
//    data on WASM.
// 3. So data only moves CPU -> GPU, when a GPU op needs it, and results on the
//    GPU stay there: read them with `await t.data()` (dataSync, item, toArray
//    and toString throw a BackendError that says so).
// 4. An in-place update of a CPU tensor with a GPU operand (an optimizer step on
//    a small parameter whose gradient came from the GPU) moves that tensor's
//    storage to the GPU for good in 'auto' mode, and throws otherwise.
import type { DType } from '../core/dtype.js';
import { BackendError, DTypeError } from '../core/errors.js';
import { type Shape, sizeOf } from '../core/shape.js';
import { type Backend, type BackendName, type CpuBackend, isCpuBackend, type Storage } from './backend.js';
import { ENGINE } from './engine.js';
import type { Tensor } from './tensor.js';

export interface AutoPolicy {
  cpu: BackendName;
  gpu: BackendName;
  /** Ops whose largest tensor has at least this many elements run on the GPU. */
  threshold: number;
}

let policy: AutoPolicy | null = null;

/** Turns 'auto' placement on (or off with null). Set by wg.init. */
export function setAutoPolicy(p: AutoPolicy | null): void {
  policy = p;
}

export function autoPolicy(): AutoPolicy | null {
  return policy;
}

const holds = (b: Backend, dtype: DType) => !b.dtypes || b.dtypes.includes(dtype);

/**
 * The backend an op's outputs go to, given the tensors it reads (`tensors`)
 * and its outputs. Outside 'auto' mode: the first tensor's backend, or the
 * current one. Throws a DTypeError naming `op` when that backend cannot hold an
 * output's dtype.
 */
export function placeOp(op: string, tensors: Tensor[], outputs: [Shape, DType][]): Backend {
  let target = tensors[0]?.storage.backend ?? ENGINE.backend;
  const gpu = policy && ENGINE.getBackend(policy.gpu);
  const cpu = policy && ENGINE.getBackend(policy.cpu);
  if (gpu && cpu) {
    let n = 0;
    for (const t of tensors) n = Math.max(n, t.size);
    for (const [s] of outputs) n = Math.max(n, sizeOf(s));
    const onGpu = tensors.some((t) => t.storage.backend === gpu);
    const fits = outputs.every(([, d]) => holds(gpu, d)) && tensors.every((t) => holds(gpu, t.dtype));
    target = onGpu || (fits && n >= (policy as AutoPolicy).threshold) ? gpu : cpu;
  }
  for (const [, d] of outputs) {
    if (!holds(target, d)) {
      const why = target.name === 'webgpu' ? ' (WGSL has no 64-bit floats)' : '';
      const fix = policy ? 'an input lives on the GPU: read it with await t.data() for a CPU copy' : 'cast to float32 first';
      throw new DTypeError(`${op}: ${d} is not supported on the ${target.name} backend${why}; ${fix}`);
    }
  }
  return target;
}

/** A contiguous copy of a CPU tensor on `to` (synchronous: a write into the new block). */
function copyTo(t: Tensor, to: Backend): Tensor {
  const data = ENGINE.readSync(t, 'transfer');
  const c = ENGINE.empty(t.shape, t.dtype, to);
  if (data.length) to.write(c.storage, data, 0);
  return c;
}

/**
 * Moves a CPU storage block (every view of it) to `to`.
 * NOTE: Storage's backend and handle are readonly to the rest of the engine;
 * changing them here, on the block shared by all views, keeps the views consistent.
 */
function migrate(s: Storage, to: Backend): void {
  const from = s.backend as CpuBackend;
  const data = from.readSync(s, 0, s.size);
  const fresh = to.allocate(s.dtype, s.size);
  if (data.length) to.write(fresh, data, 0);
  from.release(s);
  const w = s as unknown as { backend: Backend; handle: unknown };
  w.backend = to;
  w.handle = fresh.handle;
}

/**
 * For runKernel when inputs live on different backends: returns the backend
 * to run on, the inputs there, and a function that frees the copies.
 */
export function moveInputs(name: string, inputs: Tensor[], outputs: Tensor[]): [Backend, Tensor[], () => void] {
  let target = (outputs[0] ?? inputs[0]).storage.backend;
  const device = inputs.find((t) => !isCpuBackend(t.storage.backend) && t.storage.backend !== target)?.storage.backend;
  if (device && isCpuBackend(target)) {
    // Rule 4: the outputs follow the GPU operand (only in 'auto' mode, where tensors are expected to move).
    const what = `${name}: an input lives on the ${device.name} backend and the output on ${target.name}`;
    if (!policy || ENGINE.getBackend(policy.gpu) !== device) {
      throw new BackendError(`${what}; reading from the GPU is asynchronous: await t.data() and make a new tensor`);
    }
    for (const o of outputs) {
      if (!holds(device, o.dtype)) throw new BackendError(`${what}; ${o.dtype} cannot live on ${device.name}: await t.data() first`);
    }
    for (const o of outputs) if (o.storage.backend === target) migrate(o.storage, device);
    target = device;
  }
  const copies: Tensor[] = [];
  const moved = inputs.map((t) => {
    if (t.storage.backend === target) return t;
    if (!isCpuBackend(t.storage.backend)) {
      throw new BackendError(`${name}: an input lives on the ${t.device} backend and cannot be read synchronously on ${target.name}; await t.data() first`);
    }
    const c = copyTo(t, target);
    copies.push(c);
    return c;
  });
  return [target, moved, () => copies.forEach((c) => c.dispose())];
}
