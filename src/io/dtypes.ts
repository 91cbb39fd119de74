// The safetensors dtypes: their sizes, their order (the writer sorts tensors by
// descending dtype, then by name), and the conversions into wasmgrad dtypes.
import type { DType, TypedArray } from '../core/dtype.js';
import { SafetensorsError } from './errors.js';

/**
 * Every dtype the safetensors format defines, in the order of the reference
 * implementation's `Dtype` enum (increasing alignment), with its size in bits.
 */
const BITS = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
} as const;

export type SafetensorsDType = keyof typeof BITS;

const RANK = new Map<string, number>(Object.keys(BITS).map((k, i) => [k, i]));

export function isSafetensorsDType(s: string): s is SafetensorsDType {
  return RANK.has(s);
}

export function dtypeBits(d: SafetensorsDType): number {
  return BITS[d];
}

/** The position of `d` in the reference `Dtype` enum (the writer puts higher ranks first). */
export function dtypeRank(d: SafetensorsDType): number {
  return RANK.get(d)!;
}

/** The safetensors dtype each wasmgrad dtype is saved as. */
export const SAVE_DTYPE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32' };

/** The wasmgrad dtype each loadable safetensors dtype becomes. */
export const LOAD_DTYPE: Partial<Record<SafetensorsDType, DType>> = {
  F32: 'float32',
  F64: 'float64',
  I32: 'int32',
  F16: 'float32',
  BF16: 'float32',
  BOOL: 'int32',
  U8: 'int32',
  I8: 'int32',
  I16: 'int32',
  U16: 'int32',
  U32: 'int32',
  I64: 'int32',
  U64: 'int32',
};

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half-precision bits to single-precision bits (exact, NaN payloads kept). */
function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let man = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (man << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (man << 13)) >>> 0;
  if (man === 0) return sign >>> 0;
  let e = 113; // a subnormal half: normalise it
  while ((man & 0x400) === 0) {
    man <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((man & 0x3ff) << 13)) >>> 0;
}

/**
 * Decodes `n` elements of dtype `d` from `view` (exactly the tensor's validated
 * byte range) into a new typed array of the wasmgrad dtype `LOAD_DTYPE[d]`.
 * `name` is for error messages.
 */
export function decode(d: SafetensorsDType, view: DataView, n: number, name: string): TypedArray {
  switch (d) {
    case 'F32':
    case 'F64':
    case 'I32': {
      const ctor = d === 'F32' ? Float32Array : d === 'F64' ? Float64Array : Int32Array;
      const size = ctor.BYTES_PER_ELEMENT;
      if (LITTLE_ENDIAN) {
        // One copy of the validated range into a fresh, aligned buffer.
        const bytes = new Uint8Array(view.buffer, view.byteOffset, n * size).slice();
        return new ctor(bytes.buffer, 0, n);
      }
      const out = new ctor(n);
      for (let i = 0; i < n; i++) {
        out[i] = d === 'F32' ? view.getFloat32(i * 4, true) : d === 'F64' ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
      }
      return out;
    }
    case 'F16':
    case 'BF16': {
      const bits = new Uint32Array(n);
      if (d === 'BF16') for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      else for (let i = 0; i < n; i++) bits[i] = halfToFloatBits(view.getUint16(i * 2, true));
      return new Float32Array(bits.buffer);
    }
    case 'BOOL':
    case 'U8':
    case 'I8':
    case 'I16':
    case 'U16': {
      const out = new Int32Array(n);
      if (d === 'BOOL') for (let i = 0; i < n; i++) out[i] = view.getUint8(i) !== 0 ? 1 : 0;
      else if (d === 'U8') for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      else if (d === 'I8') for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      else if (d === 'I16') for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      else for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true);
      return out;
    }
    case 'U32':
    case 'I64':
    case 'U64': {
      const out = new Int32Array(n);
      const step = d === 'U32' ? 4 : 8;
      for (let i = 0; i < n; i++) {
        const lo = view.getUint32(i * step, true);
        const hi = step === 4 ? 0 : d === 'I64' ? view.getInt32(i * 8 + 4, true) : view.getUint32(i * 8 + 4, true);
        // Fits in int32 when the high word is the sign extension of the low word.
        if (hi !== (lo | 0) >> 31) {
          const v = d === 'I64' ? view.getBigInt64(i * 8, true) : d === 'U64' ? view.getBigUint64(i * 8, true) : BigInt(lo);
          throw new SafetensorsError(
            `io: tensor ${name} (${d}) holds ${v} at flat index ${i}, outside the int32 range [-2147483648, 2147483647] that wasmgrad loads it into`,
          );
        }
        out[i] = lo | 0;
      }
      return out;
    }
    default:
      throw new SafetensorsError(`io: tensor ${name} has dtype ${d}, which wasmgrad cannot load (it loads ${Object.keys(LOAD_DTYPE).join(', ')})`);
  }
}

/** Writes the flat data of a wasmgrad tensor as little-endian bytes at `out[pos]`. */
export function encodeInto(data: TypedArray, out: Uint8Array, pos: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + pos, data.byteLength);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], true);
  else if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i], true);
}
