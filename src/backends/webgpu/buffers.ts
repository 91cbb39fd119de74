// GPU memory: a pool of storage buffers reused by size class, and an arena for
// the small uniform blocks each dispatch takes.
//
// NOTE: GPUBufferUsage and friends are globals only where WebGPU is native; in
// Node they come from the implementation's module. Their values are fixed by the
// WebGPU specification, so they are spelled out here.
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_MODE_READ = 0x1;

/**
 * The size a request of `bytes` is served with: at least 16 bytes (vec4 bindings
 * need multiples of 16), powers of two up to 64 KiB, then steps of a quarter of
 * a power of two (at most 25% slack).
 */
export function sizeClass(bytes: number): number {
  const n = Math.max(16, bytes);
  if (n <= 65536) return 2 ** Math.ceil(Math.log2(n));
  const step = 2 ** (Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

/**
 * Storage buffers by size class. A released buffer may still be read by
 * recorded, unsubmitted commands: handing it out again is safe because
 * commands run in recording order and the backend submits before any
 * queue.writeBuffer; destroying it is not, so evicted buffers are destroyed only
 * after the next submit.
 */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;
  private doomed: GPUBuffer[] = [];
  /** Bytes of every buffer created and not yet destroyed. */
  held = 0;

  constructor(
    private device: GPUDevice,
    /** Free bytes kept for reuse before the pool starts destroying buffers. */
    private keepBytes = 512 * 2 ** 20,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const hit = list?.pop();
    if (hit) {
      this.freeBytes -= size;
      return hit;
    }
    this.held += size;
    return this.device.createBuffer({ size, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  }

  release(buf: GPUBuffer): void {
    const size = buf.size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buf);
    this.freeBytes += size;
    if (this.freeBytes > this.keepBytes) this.evict(this.keepBytes / 2);
  }

  /** Frees pooled buffers (largest first) until at most `target` free bytes remain. */
  evict(target = 0): void {
    const sizes = [...this.free.keys()].sort((a, b) => b - a);
    for (const size of sizes) {
      const list = this.free.get(size) as GPUBuffer[];
      while (list.length && this.freeBytes > target) {
        this.doomed.push(list.pop() as GPUBuffer);
        this.freeBytes -= size;
        this.held -= size;
      }
    }
  }

  /** Called after each queue.submit: evicted buffers can go now. */
  afterSubmit(): void {
    for (const b of this.doomed) b.destroy();
    this.doomed.length = 0;
  }

  destroyAll(): void {
    this.evict(0);
    this.afterSubmit();
  }
}

export interface UniformSlice {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/**
 * Uniform blocks for the dispatches of one batch, packed into 64 KiB chunks at
 * the device's offset alignment and uploaded just before the batch is
 * submitted. NOTE: one buffer per dispatch rewritten in place would be wrong:
 * every queued dispatch would see the last values written.
 */
export class UniformArena {
  private chunks: { buf: GPUBuffer; data: Uint8Array; used: number }[] = [];
  private cur = 0;

  constructor(
    private device: GPUDevice,
    private align: number,
    private chunkBytes = 65536,
  ) {}

  /** Room left in the arena without a new chunk; the backend flushes when it runs out. */
  get full(): boolean {
    return this.cur >= 64;
  }

  alloc(values: Int32Array): UniformSlice {
    const size = Math.max(16, values.byteLength);
    let c = this.chunks[this.cur];
    if (c && c.used + size > this.chunkBytes) c = this.chunks[++this.cur];
    if (!c) {
      const buf = this.device.createBuffer({ size: this.chunkBytes, usage: USAGE.UNIFORM | USAGE.COPY_DST });
      c = { buf, data: new Uint8Array(this.chunkBytes), used: 0 };
      this.chunks[this.cur] = c;
    }
    const offset = c.used;
    c.data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    c.used = Math.ceil((offset + size) / this.align) * this.align;
    return { buffer: c.buf, offset, size };
  }

  /** Uploads the blocks written since the last upload (queue order puts them before the submit that follows). */
  upload(queue: GPUQueue): void {
    for (let i = 0; i <= this.cur && i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c.used) queue.writeBuffer(c.buf, 0, c.data, 0, Math.min(c.used, this.chunkBytes));
      c.used = 0;
    }
    this.cur = 0;
  }

  destroy(): void {
    for (const c of this.chunks) c.buf.destroy();
    this.chunks = [];
  }
}
