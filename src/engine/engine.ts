// The engine owns what is global: the backends, memory accounting, scopes
// (`tidy`), the gradient mode, and the safety net that frees tensors the
// garbage collector found unreachable.
import { arrayCtor, type DType, type TypedArray } from '../core/dtype.js';
import { BackendError, WasmgradError } from '../core/errors.js';
import { fmt, frozenContiguous, type Shape, sizeOf } from '../core/shape.js';
import { gatherStrided } from '../core/strided.js';
import { type Backend, type BackendName, type CpuBackend, isCpuBackend, type Storage } from './backend.js';
import { runKernel } from './registry.js';
import { Tensor } from './tensor.js';

export interface MemoryInfo {
  /** Live tensors (views included). */
  tensors: number;
  /** Bytes of live storage. */
  bytes: number;
  /** Bytes the backend holds from its host: the WASM memory size on the wasm backend. */
  heapBytes: number;
}

interface Scope {
  tensors: Set<Tensor>;
}

class Engine {
  private backends = new Map<BackendName, Backend>();
  private current: Backend | null = null;
  private scopes: Scope[] = [];
  private numTensors = 0;
  private numBytes = 0;
  /** Whether ops are recorded for autodiff (`noGrad` turns it off). */
  gradEnabled = true;

  // Frees the storage of tensors that became unreachable without dispose().
  private finalizer = new FinalizationRegistry<Storage>((storage) => {
    this.numTensors--;
    this.releaseStorage(storage);
  });

  // ---- backends ----

  registerBackend(b: Backend): void {
    this.backends.set(b.name, b);
  }

  hasBackend(name: BackendName): boolean {
    return this.backends.has(name);
  }

  setBackend(name: BackendName): void {
    const b = this.backends.get(name);
    if (!b) throw new BackendError(`backend '${name}' is not initialised: call await wg.init({ backend: '${name}' })`);
    this.current = b;
  }

  get backend(): Backend {
    if (!this.current) throw new BackendError('no backend: call await wg.init() first');
    return this.current;
  }

  getBackend(name: BackendName): Backend | undefined {
    return this.backends.get(name);
  }

  // ---- tensors and storage ----

  /** A new tensor over a new, uninitialised block. */
  empty(shape: Shape, dtype: DType, backend: Backend = this.backend): Tensor {
    const size = sizeOf(shape);
    const storage = backend.allocate(dtype, size);
    const [frozen, strides] = frozenContiguous(shape);
    return this.makeTensor(storage, frozen, strides, 0);
  }

  /**
   * A new view of existing storage. `tracked: false` keeps it out of the scopes
   * (the tape's saved views belong to their node, not to the scope they were made in).
   */
  makeTensor(storage: Storage, shape: Shape, strides: readonly number[], offset: number, tracked = true): Tensor {
    if (storage.refs === 0 && !storage.internal) this.numBytes += storage.bytes;
    storage.refs++;
    const t = new Tensor(storage, shape, strides, offset);
    this.numTensors++;
    const scope = tracked ? this.scopes[this.scopes.length - 1] : undefined;
    // A tensor in a scope is freed by the scope; the garbage-collector safety net
    // is armed only when it leaves scopes (registering costs on every op).
    if (scope) scope.tensors.add(t);
    else this.arm(t);
    return t;
  }

  /** Registers t with the FinalizationRegistry (once). */
  private arm(t: Tensor): void {
    if (t.armed || t.internal) return;
    t.armed = true;
    this.finalizer.register(t, t.storage, t);
  }

  disposeTensor(t: Tensor): void {
    if (t.disposed) return;
    t.disposed = true;
    if (t.armed) this.finalizer.unregister(t);
    if (!t.internal) this.numTensors--;
    const node = t.gradFn;
    t.gradFn = null;
    const grad = t.grad;
    t.grad = null;
    this.releaseStorage(t.storage);
    if (t.ownsNode) node?.release();
    grad?.dispose();
  }

  /** Takes an engine-owned tensor (a cached constant) out of the accounting and the scopes. */
  makeInternal(t: Tensor): Tensor {
    if (t.internal) return t;
    t.internal = true;
    t.kept = true;
    this.untrack(t);
    this.numTensors--;
    if (!t.storage.internal) this.numBytes -= t.storage.bytes;
    t.storage.internal = true;
    if (t.armed) this.finalizer.unregister(t);
    t.armed = false;
    return t;
  }

  private releaseStorage(s: Storage): void {
    if (--s.refs > 0 || s.freed) return;
    s.freed = true;
    if (!s.internal) this.numBytes -= s.bytes;
    s.backend.release(s);
  }

  memory(): MemoryInfo {
    const heapBytes = this.current ? this.current.heapBytes() : 0;
    return { tensors: this.numTensors, bytes: this.numBytes, heapBytes };
  }

  // ---- scopes ----

  /**
   * Runs `fn` and disposes every tensor created inside it, except those it
   * returns (found in arrays and plain objects) and those passed to `keep`.
   */
  tidy<T>(fn: () => T): T {
    this.scopes.push({ tensors: new Set() });
    let result: T;
    let ok = false;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new WasmgradError(
          'tidy: the function returned a Promise; tidy cannot span an await (dispose tensors by hand, or use tidy inside the async function)',
        );
      }
      ok = true;
    } finally {
      const scope = this.scopes.pop() as Scope;
      const keep = new Set<Tensor>();
      if (ok) collectTensors(result!, keep);
      const parent = this.scopes[this.scopes.length - 1];
      for (const t of scope.tensors) {
        if (t.disposed) continue;
        if (keep.has(t) || t.kept) {
          if (parent) parent.tensors.add(t);
          else this.arm(t);
        } else this.disposeTensor(t);
      }
    }
    return result!;
  }

  /** Exempts `t` from every enclosing and future `tidy`. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    this.untrack(t);
    return t;
  }

  /** Removes `t` from the scopes (it is owned elsewhere, e.g. by `.grad`), without pinning it. */
  untrack(t: Tensor): void {
    for (const s of this.scopes) s.tensors.delete(t);
    this.arm(t);
  }

  get inScope(): boolean {
    return this.scopes.length > 0;
  }

  // ---- reading ----

  readSync(t: Tensor, op: string): TypedArray {
    const b = t.storage.backend;
    if (!isCpuBackend(b)) {
      throw new BackendError(`${op}: the tensor ${fmt(t.shape)} lives on the ${b.name} backend; read it with await t.data()`);
    }
    return readCpu(b, t);
  }

  async read(t: Tensor): Promise<TypedArray> {
    const b = t.storage.backend;
    if (isCpuBackend(b)) return readCpu(b, t);
    if (t.isContiguous) return b.read(t.storage, t.offset, t.size);
    // A device backend makes a contiguous copy on the device first.
    const c = this.empty(t.shape, t.dtype, b);
    runKernel('copy', [t], [c]);
    try {
      return await b.read(c.storage, 0, c.size);
    } finally {
      c.dispose();
    }
  }
}

function readCpu(b: CpuBackend, t: Tensor): TypedArray {
  if (t.isContiguous) return b.readSync(t.storage, t.offset, t.size);
  const out = new (arrayCtor(t.dtype))(t.size);
  gatherStrided(b.view(t.storage), t.offset, t.shape, t.strides, out);
  return out;
}

function collectTensors(x: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) {
    out.add(x);
    return;
  }
  if (Array.isArray(x)) {
    for (const v of x) collectTensors(v, out, depth + 1);
  } else if (x instanceof Map) {
    for (const v of x.values()) collectTensors(v, out, depth + 1);
  } else if (Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, out, depth + 1);
  }
}

export const ENGINE = new Engine();
export type { Engine };
