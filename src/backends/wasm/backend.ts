// The wasm backend: tensors live in one WebAssembly.Memory that TypeScript
// creates and the kernel module imports; only byte offsets and sizes cross
// into the kernels.
import { arrayCtor, bytesPerElement, type DType, type TypedArray } from '../../core/dtype.js';
import { type CpuBackend, Storage } from '../../engine/backend.js';
import type { Tensor } from '../../engine/tensor.js';
import { Allocator } from './allocator.js';
import { compileKernels, type KernelExports, type Variant } from './loader.js';
import { type Call, controlBytes, ThreadPool, threadsAvailable } from './pool.js';
import { warmUp } from './warmup.js';

interface PackEntry {
  key: string;
  version: number;
  ptr: number;
  bytes: number;
}

const INITIAL_PAGES = 256; // 16 MiB
const MAX_PAGES = 65536; // 4 GiB
const DESC_BYTES = 4096;

export interface WasmOptions {
  /** Force a build variant instead of the best one this engine validates. */
  variant?: Variant;
  /** Threads for the large kernels (1: none). More than one needs SharedArrayBuffer; otherwise 1 is used. */
  threads?: number;
}

/** The exports the thread pool can run (GEMM, and the convolutions split by image). */
const PARALLEL = ['f32_gemm', 'f32_gemm_prepacked', 'f32_conv2d', 'f32_conv2d_backward_input', 'f32_conv2d_backward_weight'];

export class WasmBackend implements CpuBackend {
  readonly name = 'wasm' as const;
  readonly sync = true as const;
  private allocator: Allocator;
  private descPtr: number;
  private workPtr = 0;
  private heapI32: Int32Array;
  private workBytes = 0;
  /** Per-thread scratch for the parallel kernels (thread 0 uses workspace()). */
  private threadWork: { ptr: number; bytes: number }[] = [];
  /** The worker threads (null: one thread). */
  pool: ThreadPool | null = null;
  /** Packed copies of matrices used as GEMM's B more than once (weights), by storage and layout. */
  private packs = new Map<Storage, PackEntry[]>();

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly k: KernelExports,
    readonly variant: Variant,
  ) {
    this.allocator = new Allocator(memory, k.heapBase());
    this.heapI32 = new Int32Array(memory.buffer);
    this.descPtr = this.allocator.alloc(DESC_BYTES);
  }

  /** Threads in use (1 without a pool). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  static async create(opts: WasmOptions = {}): Promise<WasmBackend> {
    const threads = Math.max(1, Math.floor(opts.threads ?? 1));
    const threaded = threads > 1 && threadsAvailable();
    const { module, variant } = await compileKernels(opts.variant, threaded);
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: threaded });
    const instance = await WebAssembly.instantiate(module, {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm kernel aborted');
        },
      },
    });
    const be = new WasmBackend(memory, instance.exports as unknown as KernelExports, variant);
    await warmUp(be);
    if (threaded) {
      const ctl = be.allocator.alloc(controlBytes(threads));
      be.pool = await ThreadPool.create(module, memory, ctl, threads, PARALLEL, be.k);
    }
    return be;
  }

  /** A raw block of the heap, outside the tensor accounting (warm-up scratch). */
  rawAlloc(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  rawFree(ptr: number, bytes: number): void {
    this.allocator.release(ptr, bytes);
  }

  /** Stops the worker threads (when the backend is replaced). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  /** Scratch of at least `bytes` for thread t (0: the calling thread). */
  threadWorkspace(t: number, bytes: number): number {
    if (t === 0) return this.workspace(bytes);
    const w = (this.threadWork[t] ??= { ptr: 0, bytes: 0 });
    if (bytes > w.bytes) {
      if (w.bytes) this.allocator.release(w.ptr, w.bytes);
      w.bytes = Math.max(bytes, w.bytes * 2);
      w.ptr = this.allocator.alloc(w.bytes);
    }
    return w.ptr;
  }

  /** Runs one call per thread (calls[0] on this thread), or all of them here without a pool. */
  parallel(calls: Call[]): void {
    // One call runs here: waking the workers for nothing costs tens of microseconds.
    if (this.pool && calls.length > 1) this.pool.run(calls);
    else for (const c of calls) this.k[c.fn](...c.args);
  }

  /** Extra descriptor space for per-thread descriptors: thread t's copy of `values`. */
  threadDesc(t: number, values: readonly number[]): number {
    const at = this.descPtr + 1024 + t * 128;
    new Int32Array(this.memory.buffer, at, values.length).set(values);
    return at;
  }

  allocate(dtype: DType, size: number): Storage {
    const bytes = size * bytesPerElement(dtype);
    return new Storage(this, this.allocator.alloc(bytes), dtype, size, bytes);
  }

  release(s: Storage): void {
    const packs = this.packs.get(s);
    if (packs) {
      for (const p of packs) if (p.bytes) this.allocator.release(p.ptr, p.bytes);
      this.packs.delete(s);
    }
    this.allocator.release(s.handle as number, s.bytes);
  }

  /**
   * B packed for GEMM, cached: a matrix seen as B a second time (a layer's
   * weight, in the same layout) is packed once and kept until its storage is
   * freed; an in-place update (a new storage version) repacks it, so the cache
   * never serves stale data. Null on a first sighting (the GEMM packs it itself).
   */
  packedB(b: Tensor, K: number, N: number, rsB: number, csB: number): number | null {
    const key = `${b.offset}|${K}|${N}|${rsB}|${csB}`;
    let list = this.packs.get(b.storage);
    if (!list) this.packs.set(b.storage, (list = []));
    const e = list.find((p) => p.key === key);
    if (!e) {
      // Two layouts per storage are enough: a weight as B in the forward pass and in backward.
      if (list.length >= 2) {
        const old = list.shift() as PackEntry;
        if (old.bytes) this.allocator.release(old.ptr, old.bytes);
      }
      list.push({ key, version: b.storage.version, ptr: 0, bytes: 0 });
      return null;
    }
    if (!e.bytes) {
      e.bytes = this.k.f32_gemm_packed_b_bytes(K, N) as number;
      e.ptr = this.allocator.alloc(e.bytes);
    } else if (e.version === b.storage.version) {
      return e.ptr;
    }
    this.k.f32_gemm_pack_b(K, N, this.ptr(b), rsB, csB, e.ptr);
    e.version = b.storage.version;
    return e.ptr;
  }

  /** How many packed matrices are cached (tests). */
  get packedCount(): number {
    let n = 0;
    for (const l of this.packs.values()) n += l.filter((p) => p.bytes).length;
    return n;
  }

  view(s: Storage): TypedArray {
    // A fresh view every time: growing the memory detaches the old buffer.
    return new (arrayCtor(s.dtype))(this.memory.buffer, s.handle as number, s.size);
  }

  write(s: Storage, data: TypedArray, offset: number): void {
    this.view(s).set(data, offset);
  }

  readSync(s: Storage, offset: number, size: number): TypedArray {
    return this.view(s).slice(offset, offset + size);
  }

  async read(s: Storage, offset: number, size: number): Promise<TypedArray> {
    return this.readSync(s, offset, size);
  }

  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Byte address of a tensor view's first element. */
  ptr(t: Tensor): number {
    return (t.storage.handle as number) + t.offset * bytesPerElement(t.dtype);
  }

  /** Writes i32 values (a list, then each further list in turn) to the descriptor area; returns its address. */
  desc(values: readonly number[], more: readonly (readonly number[])[] = []): number {
    let heap = this.heapI32;
    if (heap.buffer !== this.memory.buffer) heap = this.heapI32 = new Int32Array(this.memory.buffer);
    let at = this.descPtr >>> 2;
    for (let i = 0; i < values.length; i++) heap[at++] = values[i];
    for (const list of more) for (let i = 0; i < list.length; i++) heap[at++] = list[i];
    return this.descPtr;
  }

  /** A scratch block of at least `bytes`, reused across calls (grown when needed). */
  workspace(bytes: number): number {
    if (bytes <= this.workBytes) return this.workPtr;
    if (this.workBytes) this.allocator.release(this.workPtr, this.workBytes);
    this.workBytes = Math.max(bytes, this.workBytes * 2);
    this.workPtr = this.allocator.alloc(this.workBytes);
    return this.workPtr;
  }
}
