// One registry of kernels, keyed by backend and kernel name. Ops never call a
// backend directly: they ask the registry for the kernel of the backend that
// holds their inputs. Adding an op or a backend is adding registrations.
import { BackendError } from '../core/errors.js';
import type { Backend, BackendName } from './backend.js';
import type { Tensor } from './tensor.js';
import { moveInputs } from './transfer.js';

export type Attrs = Record<string, any>;

/**
 * A kernel reads `inputs` and writes `outputs`, which the op allocated with
 * their final shapes and dtypes. Inputs may be strided views unless the kernel's
 * op says otherwise.
 */
export type KernelFn = (backend: Backend, inputs: Tensor[], outputs: Tensor[], attrs: Attrs) => void;

const kernels = new Map<string, KernelFn>();

export function registerKernel(backend: BackendName, name: string, fn: KernelFn): void {
  kernels.set(`${backend}/${name}`, fn);
}

export function hasKernel(backend: BackendName, name: string): boolean {
  return kernels.has(`${backend}/${name}`);
}

export function getKernel(backend: BackendName, name: string): KernelFn {
  const k = kernels.get(`${backend}/${name}`);
  if (!k) throw new BackendError(`the ${backend} backend has no kernel '${name}'`);
  return k;
}

export function kernelNames(backend: BackendName): string[] {
  const prefix = `${backend}/`;
  return [...kernels.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/**
 * Runs kernel `name` on the backend holding the outputs. Inputs held by another
 * backend are copied there first (engine/transfer.ts says which moves work).
 */
export function runKernel(name: string, inputs: Tensor[], outputs: Tensor[], attrs: Attrs = {}): void {
  const backend = (outputs[0] ?? inputs[0]).storage.backend;
  for (const t of inputs) {
    if (t.storage.backend !== backend) {
      const [b, moved, release] = moveInputs(name, inputs, outputs);
      try {
        getKernel(b.name, name)(b, moved, outputs, attrs);
      } finally {
        release();
      }
      return;
    }
  }
  getKernel(backend.name, name)(backend, inputs, outputs, attrs);
}
