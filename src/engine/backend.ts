// The contract every backend fulfils. A backend owns device memory (a WASM heap,
// plain ArrayBuffers, GPU buffers) and runs kernels that the registry
// (engine/registry.ts) binds to it by name.
import type { DType, TypedArray } from '../core/dtype.js';

export type BackendName = 'js' | 'wasm' | 'webgpu';

/** A block of device memory holding `size` elements of one dtype. */
export class Storage {
  /** Tensors (views) sharing this block. Freed when it drops to zero. */
  refs = 0;
  /** Bumped by every in-place write, so caches and the tape can detect stale data. */
  version = 0;
  freed = false;
  /** Engine-owned (cached constants): left out of wg.memory(). */
  internal = false;

  constructor(
    readonly backend: Backend,
    /** Backend-specific handle: a byte offset (wasm), an ArrayBuffer (js), a GPUBuffer (webgpu). */
    readonly handle: unknown,
    readonly dtype: DType,
    readonly size: number,
    readonly bytes: number,
  ) {}
}

export interface Backend {
  readonly name: BackendName;
  /** True when data can be read synchronously (`dataSync`). */
  readonly sync: boolean;
  /** The dtypes it can hold; every dtype when absent (webgpu: no float64). */
  readonly dtypes?: readonly DType[];
  /** Allocates an uninitialised block; throws OutOfMemoryError when it cannot. */
  allocate(dtype: DType, size: number): Storage;
  release(storage: Storage): void;
  /** Copies `data` into the storage starting at element `offset`. */
  write(storage: Storage, data: TypedArray, offset: number): void;
  /** A copy of `size` elements starting at element `offset`. */
  read(storage: Storage, offset: number, size: number): Promise<TypedArray>;
  /** Total bytes the backend holds from its host (the WASM memory size, for instance). */
  heapBytes(): number;
}

/** A backend whose memory JavaScript can address directly. */
export interface CpuBackend extends Backend {
  readonly sync: true;
  /** A typed array over the whole storage; always fresh (valid after the memory grew). */
  view(storage: Storage): TypedArray;
  readSync(storage: Storage, offset: number, size: number): TypedArray;
}

export function isCpuBackend(b: Backend): b is CpuBackend {
  return b.sync;
}
