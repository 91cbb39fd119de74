// The js backend: plain typed arrays and the reference kernels. It is the
// living specification every fast backend is tested against, and the one that
// runs float64 everywhere (gradient checks).
import { arrayCtor, bytesPerElement, type DType, type TypedArray } from '../../core/dtype.js';
import { OutOfMemoryError } from '../../core/errors.js';
import { type CpuBackend, Storage } from '../../engine/backend.js';
import { registerKernel } from '../../engine/registry.js';
import { REFERENCE_KERNELS } from './kernels/index.js';

/** The same budget as a WebAssembly memory, so that both backends run out alike. */
const MAX_BYTES = 2 ** 32;

export class JsBackend implements CpuBackend {
  readonly name = 'js' as const;
  readonly sync = true as const;
  private held = 0;

  allocate(dtype: DType, size: number): Storage {
    const bytes = size * bytesPerElement(dtype);
    if (this.held + bytes > MAX_BYTES) {
      throw new OutOfMemoryError(`out of memory: ${bytes} bytes requested with ${this.held} in use; the js backend holds at most 4 GiB`);
    }
    let data: TypedArray;
    try {
      data = new (arrayCtor(dtype))(size);
    } catch (e) {
      throw new OutOfMemoryError(`out of memory: cannot allocate ${bytes} bytes for ${size} ${dtype} elements on the js backend (${(e as Error).message})`);
    }
    this.held += bytes;
    return new Storage(this, data, dtype, size, bytes);
  }

  release(s: Storage): void {
    this.held -= s.bytes;
  }

  view(s: Storage): TypedArray {
    return s.handle as TypedArray;
  }

  write(s: Storage, data: TypedArray, offset: number): void {
    (s.handle as TypedArray).set(data, offset);
  }

  readSync(s: Storage, offset: number, size: number): TypedArray {
    return (s.handle as TypedArray).slice(offset, offset + size);
  }

  async read(s: Storage, offset: number, size: number): Promise<TypedArray> {
    return this.readSync(s, offset, size);
  }

  heapBytes(): number {
    return this.held;
  }
}

for (const [name, fn] of Object.entries(REFERENCE_KERNELS)) registerKernel('js', name, fn);
