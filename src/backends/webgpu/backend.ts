// The webgpu backend: tensors live in GPU storage buffers; kernels are WGSL
// compute shaders. Dispatches are recorded into one command encoder and
// submitted lazily: before a read, before a queue.writeBuffer (which would
// otherwise overtake the recorded work), and every MAX_PENDING dispatches.
import { arrayCtor, type DType, type TypedArray } from '../../core/dtype.js';
import { ArgumentError, BackendError, DTypeError, OutOfMemoryError } from '../../core/errors.js';
import { type Backend, Storage } from '../../engine/backend.js';
import type { Tensor } from '../../engine/tensor.js';
import { BufferPool, MAP_MODE_READ, UniformArena, USAGE } from './buffers.js';

const MAX_PENDING = 256;
const COMPUTE_STAGE = 0x4; // GPUShaderStage.COMPUTE

/** One dispatch: a cached shader, its buffers and its uniform block. */
export interface Dispatch {
  /** Identifies the shader source: equal keys must give equal code. */
  key: string;
  /** The WGSL source; `uniform` is the declaration of the params block `U` (binding after the storage buffers). */
  code: (uniform: string) => string;
  /** Bound read-only from binding 0, in order. */
  reads: GPUBuffer[];
  /** Bound read_write after the reads. */
  writes: GPUBuffer[];
  /** The uniform block: i32 words (floats bitcast), read in WGSL as P(i) / PF(i). */
  params: Int32Array;
  workgroups: [number, number, number];
  /** Binds the error flag buffer (atomic u32s) after the uniform block. */
  flag?: boolean;
}

/** Codes kernels store in the error flag; read back with the next `data()`. */
export const FLAG_OPS = ['', 'gather', 'scatterAdd', 'indexSelect', 'indexAdd'];

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly sync = false as const;
  readonly dtypes = ['float32', 'int32'] as const;
  readonly pool: BufferPool;
  private uniforms: UniformArena;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private pipelines = new Map<string, GPUComputePipeline>();
  private layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private flagBuf: GPUBuffer;
  /** Why the device was lost, once it was. */
  lostReason: string | null = null;
  private deviceError: string | null = null;
  readonly maxBindingBytes: number;

  constructor(
    readonly device: GPUDevice,
    readonly adapterName: string,
  ) {
    this.pool = new BufferPool(device);
    this.uniforms = new UniformArena(device, device.limits.minUniformBufferOffsetAlignment);
    this.maxBindingBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    this.flagBuf = device.createBuffer({ size: 16, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    device.lost.then((info) => {
      this.lostReason = info.message || String(info.reason ?? 'unknown');
    });
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.deviceError ??= ev.error.message;
    };
  }

  // ---- the Backend contract ----

  allocate(dtype: DType, size: number): Storage {
    this.check();
    if (dtype === 'float64') {
      throw new DTypeError('webgpu: float64 tensors cannot live on the webgpu backend (WGSL has no 64-bit floats); use float32');
    }
    const bytes = size * 4;
    if (bytes > this.maxBindingBytes) {
      throw new OutOfMemoryError(`out of memory: a tensor of ${bytes} bytes exceeds the GPU's largest binding (${this.maxBindingBytes} bytes)`);
    }
    return new Storage(this, this.pool.acquire(bytes), dtype, size, bytes);
  }

  release(s: Storage): void {
    if (this.lostReason) return;
    this.pool.release(s.handle as GPUBuffer);
  }

  write(s: Storage, data: TypedArray, offset: number): void {
    this.check();
    // NOTE: writeBuffer runs at once on the queue; recorded work that should come first must be submitted first.
    if (this.encoder) this.flush();
    this.device.queue.writeBuffer(s.handle as GPUBuffer, offset * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  async read(s: Storage, offset: number, size: number): Promise<TypedArray> {
    this.check();
    const ctor = arrayCtor(s.dtype);
    const bytes = size * 4;
    // The error flag comes back with the data, in the same round trip.
    const staging = this.device.createBuffer({ size: bytes + 16, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    const enc = this.commandEncoder();
    if (bytes) enc.copyBufferToBuffer(s.handle as GPUBuffer, offset * 4, staging, 0, bytes);
    enc.copyBufferToBuffer(this.flagBuf, 0, staging, bytes, 16);
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ);
    } catch (e) {
      staging.destroy();
      this.check();
      throw new BackendError(`webgpu: reading a tensor back failed: ${(e as Error).message}`);
    }
    const range = staging.getMappedRange();
    const out = new ctor(range.slice(0, bytes));
    const flag = new Uint32Array(range.slice(bytes, bytes + 16));
    staging.unmap();
    staging.destroy();
    this.check();
    if (flag[0]) {
      this.device.queue.writeBuffer(this.flagBuf, 0, new Uint32Array(4));
      const op = FLAG_OPS[flag[0]] ?? 'indexing';
      throw new ArgumentError(`${op}: an index was out of range (checked on the GPU, so it shows at the next read; the result of that ${op} is undefined)`);
    }
    return out;
  }

  heapBytes(): number {
    return this.pool.held;
  }

  // ---- dispatching ----

  /** Throws a clear BackendError once the device is lost or reported an error. */
  check(): void {
    if (this.lostReason !== null) {
      throw new BackendError(`webgpu: the GPU device was lost (${this.lostReason}); call await wg.init({ backend: 'webgpu' }) again`);
    }
    if (this.deviceError !== null) {
      const msg = this.deviceError;
      this.deviceError = null;
      throw new BackendError(`webgpu: the device reported an error: ${msg}`);
    }
  }

  /** Throws a DTypeError naming `op` for float64 operands (WGSL has no f64). */
  checkDTypes(op: string, tensors: Tensor[]): void {
    for (const t of tensors) {
      if (t.dtype === 'float64') {
        throw new DTypeError(`${op}: float64 is not supported on the webgpu backend (WGSL has no 64-bit floats); cast to float32 first`);
      }
    }
  }

  run(d: Dispatch): void {
    this.check();
    const nvec = Math.max(1, Math.ceil(d.params.length / 4));
    const key = `${d.key}|r${d.reads.length}w${d.writes.length}u${nvec}${d.flag ? 'f' : ''}`;
    const layout = this.layout(d.reads.length, d.writes.length, !!d.flag);
    let pipe = this.pipelines.get(key);
    if (!pipe) {
      const ubind = d.reads.length + d.writes.length;
      const decl = `@group(0) @binding(${ubind}) var<uniform> U: array<vec4<i32>, ${nvec}>;`;
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code: d.code(decl) });
      pipe = this.device.createComputePipeline({ layout: layout.pipeline, compute: { module, entryPoint: 'main' } });
      this.device.popErrorScope().then((err) => {
        // The cause, which beats the 'invalid pipeline' errors that follow from it.
        if (err) this.deviceError = `shader ${d.key}: ${err.message}`;
      });
      this.pipelines.set(key, pipe);
    }
    const params = new Int32Array(nvec * 4);
    params.set(d.params);
    // NOTE: binding one buffer both read-only and writable in a dispatch is a
    // validation error (in-place ops do it): read from a copy instead.
    const scratch: GPUBuffer[] = [];
    const reads = d.reads.map((b) => {
      if (!d.writes.includes(b)) return b;
      const tmp = this.pool.acquire(b.size);
      this.commandEncoder().copyBufferToBuffer(b, 0, tmp, 0, b.size);
      scratch.push(tmp);
      return tmp;
    });
    const u = this.uniforms.alloc(params);
    const entries: GPUBindGroupEntry[] = [...reads, ...d.writes].map((buffer, i) => ({ binding: i, resource: { buffer } }));
    entries.push({ binding: entries.length, resource: { buffer: u.buffer, offset: u.offset, size: u.size } });
    if (d.flag) entries.push({ binding: entries.length, resource: { buffer: this.flagBuf } });
    const group = this.device.createBindGroup({ layout: layout.group, entries });
    const pass = this.computePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
    for (const b of scratch) this.pool.release(b);
    if (++this.pending >= MAX_PENDING || this.uniforms.full) this.flush();
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    this.uniforms.upload(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    this.pool.afterSubmit();
  }

  /** Waits until the GPU has finished everything submitted (for benchmarks). */
  async finish(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  private commandEncoder(): GPUCommandEncoder {
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = (this.encoder ??= this.device.createCommandEncoder()).beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private layout(nr: number, nw: number, flag: boolean) {
    const sig = `${nr}r${nw}w${flag ? 'f' : ''}`;
    let l = this.layouts.get(sig);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      const add = (type: GPUBufferBindingType) => entries.push({ binding: entries.length, visibility: COMPUTE_STAGE, buffer: { type } });
      for (let i = 0; i < nr; i++) add('read-only-storage');
      for (let i = 0; i < nw; i++) add('storage');
      add('uniform');
      if (flag) add('storage');
      const group = this.device.createBindGroupLayout({ entries });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(sig, l);
    }
    return l;
  }

  /** Frees every GPU resource (wg.init with another device, or tests). */
  destroy(): void {
    this.flush();
    this.pool.destroyAll();
    this.uniforms.destroy();
    this.flagBuf.destroy();
  }
}

/** The GPU buffer holding a tensor's storage. */
export const buf = (t: Tensor): GPUBuffer => t.storage.handle as GPUBuffer;
