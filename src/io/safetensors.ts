// Saving and loading state dicts in the safetensors format, byte for byte as the
// Python package (huggingface/safetensors) writes it: tensors sorted by
// descending dtype and then by name, the JSON header padded with spaces to a
// multiple of 8 bytes so that every tensor's data is aligned.
import { bytesPerElement } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../engine/tensor.js';
import { fromTypedArray } from '../ops/util.js';
import { decode, dtypeRank, encodeInto, LOAD_DTYPE, SAVE_DTYPE, type SafetensorsDType } from './dtypes.js';
import { isWellFormed, quote, SafetensorsError } from './errors.js';
import { readHeader, type SafetensorsHeader } from './header.js';

/** Named tensors: a plain object (as `module.stateDict()` gives) or a Map. */
export type StateDict = Record<string, Tensor> | Map<string, Tensor>;

/** What `loadSafetensors` returns. */
export interface LoadedSafetensors {
  /** The tensors by name, in the order the header lists them. */
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` map, or null when it has none. */
  metadata: Record<string, string> | null;
}

/** Compares strings by Unicode code point: the UTF-8 byte order Rust sorts names in. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Adds `key` as an own, enumerable property (safe for names such as "__proto__"). */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x;
}

function checkStateDict(op: string, stateDict: unknown): [string, Tensor][] {
  let entries: [unknown, unknown][];
  if (stateDict instanceof Map) entries = [...stateDict.entries()];
  else if (stateDict !== null && typeof stateDict === 'object' && !Array.isArray(stateDict) && !(stateDict instanceof Tensor)) {
    entries = Object.entries(stateDict);
  } else {
    throw new ArgumentError(`${op}: expected a state dict (an object or Map of tensors), got ${describe(stateDict)}`);
  }
  return entries.map(([name, t]) => {
    if (typeof name !== 'string') throw new ArgumentError(`${op}: tensor names must be strings, got ${describe(name)}`);
    if (name === '__metadata__') throw new ArgumentError(`${op}: '__metadata__' is reserved for the metadata and cannot name a tensor`);
    if (!isWellFormed(name)) throw new ArgumentError(`${op}: tensor name ${quote(name)} is not valid Unicode (a lone surrogate)`);
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: ${quote(name)} must be a Tensor, got ${describe(t)}`);
    t.assertAlive(op);
    return [name, t];
  });
}

function checkMetadata(op: string, metadata: unknown): [string, string][] {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Map) {
    throw new ArgumentError(`${op}: metadata must be a plain object of strings, got ${describe(metadata)}`);
  }
  return Object.entries(metadata).map(([k, v]) => {
    if (typeof v !== 'string') throw new ArgumentError(`${op}: metadata value for ${quote(k)} must be a string, got ${describe(v)}`);
    if (!isWellFormed(k) || !isWellFormed(v)) throw new ArgumentError(`${op}: metadata entry ${quote(k)} is not valid Unicode (a lone surrogate)`);
    return [k, v];
  });
}

/**
 * Serialises tensors to the bytes of a safetensors file. float32, float64 and
 * int32 are saved as F32, F64 and I32; non-contiguous tensors (transposes,
 * slices) are saved as contiguous row-major copies, and views sharing storage
 * are saved as separate tensors. `metadata` becomes the `__metadata__` map (its
 * keys sorted; omitted when undefined). Async because it reads each tensor with
 * `await t.data()`, which every backend supports.
 */
export async function saveSafetensors(stateDict: StateDict, metadata?: Record<string, string>): Promise<Uint8Array> {
  const op = 'io.saveSafetensors';
  const entries = checkStateDict(op, stateDict);
  const meta = metadata === undefined ? null : checkMetadata(op, metadata);
  // Snapshot dtypes and shapes before the first await.
  const items = entries.map(([name, t]) => ({
    name,
    t,
    dtype: SAVE_DTYPE[t.dtype] as SafetensorsDType,
    shape: [...t.shape],
    bytes: t.size * bytesPerElement(t.dtype),
    offset: 0,
  }));
  items.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareCodePoints(a.name, b.name));
  const parts: string[] = [];
  if (meta) {
    meta.sort((a, b) => compareCodePoints(a[0], b[0]));
    parts.push(`"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    it.offset = offset;
    offset += it.bytes;
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":[${it.shape.join(',')}],"data_offsets":[${it.offset},${offset}]}`);
  }
  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  const lenView = new DataView(out.buffer, 0, 8);
  lenView.setUint32(0, n % 2 ** 32, true);
  lenView.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + n);
  for (const it of items) {
    const data = await it.t.data();
    if (data.byteLength !== it.bytes) throw new ArgumentError(`${op}: tensor ${quote(it.name)} changed size while saving`);
    encodeInto(data, out, 8 + n + it.offset);
  }
  return out;
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ArgumentError(`${op}: expected a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
}

/**
 * The validated header of a safetensors file (names, dtypes, shapes, offsets,
 * metadata) without reading any tensor data. Throws a SafetensorsError for a
 * malformed file.
 */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  return readHeader(asBytes('io.readSafetensorsHeader', bytes));
}

/**
 * Tensors from the bytes of a safetensors file, on the current backend.
 * F32, F64 and I32 load as float32, float64 and int32; F16 and BF16 as float32
 * (exactly); BOOL, U8, I8, I16, U16 as int32; U32, I64 and U64 as int32 when every
 * value fits (else a SafetensorsError names the tensor, value and index). Other
 * dtypes (F8_*, F4, F6_*, C64) and every malformed file raise a SafetensorsError
 * before any tensor is made; nothing is left allocated after an error.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): LoadedSafetensors {
  const buf = asBytes('io.loadSafetensors', bytes);
  const header = readHeader(buf);
  for (const info of header.tensors) {
    if (!(info.dtype in LOAD_DTYPE)) {
      throw new SafetensorsError(
        `io: tensor ${quote(info.name)} has dtype ${info.dtype}, which wasmgrad cannot load (it loads ${Object.keys(LOAD_DTYPE).join(', ')})`,
      );
    }
  }
  const tensors: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const info of header.tensors) {
      const [begin, end] = info.dataOffsets;
      const count = info.shape.reduce((a, b) => a * b, 1);
      // readHeader checked that [begin, end) lies inside the data buffer.
      const view = new DataView(buf.buffer, buf.byteOffset + header.dataStart + begin, end - begin);
      const dtype = LOAD_DTYPE[info.dtype]!;
      const t = fromTypedArray(decode(info.dtype, view, count, quote(info.name)), info.shape, dtype);
      made.push(t);
      setOwn(tensors, info.name, t);
    }
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
  return { tensors, metadata: header.metadata };
}
