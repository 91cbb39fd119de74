// A first-fit-by-size allocator over the WASM linear memory, which can only
// grow. Freed blocks go to exact-size free lists (a training loop asks for the
// same sizes every step, so reuse is O(1)); when the top is reached, free
// blocks are coalesced and searched before the memory grows.
import { OutOfMemoryError } from '../../core/errors.js';

const ALIGN = 16; // SIMD loads and Float64Array views need 16- and 8-byte alignment
const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE; // 4 GiB: the most a wasm32 memory can address

export class Allocator {
  private top: number;
  private free = new Map<number, number[]>();
  private freeBytes = 0;

  constructor(
    private memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Bytes between the heap base and the top (held or free). */
  get used(): number {
    return this.top;
  }

  /** Returns a 16-byte aligned block of at least `bytes` bytes. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, align(bytes));
    const list = this.free.get(size);
    if (list?.length) {
      this.freeBytes -= size;
      return list.pop() as number;
    }
    if (this.top + size <= this.memory.buffer.byteLength) return this.bump(size);
    this.coalesce();
    const fit = this.bestFit(size);
    if (fit >= 0) return fit;
    if (this.top + size > MAX_BYTES) {
      throw new OutOfMemoryError(
        `out of memory: ${fmtBytes(bytes)} requested with ${fmtBytes(this.top - this.freeBytes)} in use; WebAssembly memory cannot exceed 4 GiB`,
      );
    }
    this.grow(this.top + size);
    return this.bump(size);
  }

  release(offset: number, bytes: number): void {
    const size = Math.max(ALIGN, align(bytes));
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(offset);
    this.freeBytes += size;
  }

  private bump(size: number): number {
    const off = this.top;
    this.top += size;
    return off;
  }

  private grow(needed: number): void {
    const have = this.memory.buffer.byteLength;
    // Grow by at least half again, so that a growing workload does not grow every step.
    const target = Math.min(MAX_BYTES, Math.max(needed, Math.floor(have * 1.5)));
    const pages = Math.ceil((target - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil((needed - have) / PAGE));
      } catch (e) {
        throw new OutOfMemoryError(`out of memory: cannot grow the WebAssembly memory from ${fmtBytes(have)} to ${fmtBytes(needed)} (${(e as Error).message})`);
      }
    }
  }

  /** Merges adjacent free blocks and gives a free block at the top back to the top. */
  private coalesce(): void {
    const blocks: [number, number][] = [];
    for (const [size, offs] of this.free) for (const o of offs) blocks.push([o, size]);
    if (blocks.length < 2 && !(blocks.length === 1 && blocks[0][0] + blocks[0][1] === this.top)) return;
    blocks.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const b of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === b[0]) last[1] += b[1];
      else merged.push([b[0], b[1]]);
    }
    const tail = merged[merged.length - 1];
    if (tail && tail[0] + tail[1] === this.top) {
      this.top = tail[0];
      merged.pop();
    }
    this.free.clear();
    this.freeBytes = 0;
    for (const [o, s] of merged) this.release(o, s);
  }

  private bestFit(size: number): number {
    let bestSize = Infinity;
    for (const [s, offs] of this.free) if (s >= size && s < bestSize && offs.length) bestSize = s;
    if (bestSize === Infinity) return -1;
    const off = (this.free.get(bestSize) as number[]).pop() as number;
    this.freeBytes -= bestSize;
    if (bestSize > size) this.release(off + size, bestSize - size);
    return off;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
