// Reading and checking a safetensors header against the rules of the reference
// implementation (huggingface/safetensors, `SafeTensors::read_metadata`):
//   8 bytes: N, the header length, a little-endian u64 (at most 100,000,000)
//   N bytes: a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]},
//            "__metadata__"?: {string: string}}, possibly padded with whitespace
//   the rest: the data buffer. Offsets are relative to its start, each tensor's
//            byte length is size(shape) * size(dtype), and sorted by offset the
//            tensors tile the buffer from 0 to its end without gaps or overlaps.
// Unknown fields in a tensor entry are ignored, as the reference does.
import { dtypeBits, isSafetensorsDType, type SafetensorsDType } from './dtypes.js';
import { isWellFormed, quote, SafetensorsError } from './errors.js';
import { JsonNumber, type JsonValue, parseJson } from './json.js';

/** The header's limit in the reference implementation. */
export const MAX_HEADER_LENGTH = 100_000_000;

/** One tensor entry of a safetensors header. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range [begin, end) in the data buffer. */
  dataOffsets: [number, number];
}

/** A parsed and validated header. */
export interface SafetensorsHeader {
  /** The tensors in the order the header lists them. */
  tensors: SafetensorsTensorInfo[];
  /** The `__metadata__` map, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** N, the header's byte length. */
  headerLength: number;
  /** Where the data buffer starts in the file: 8 + N. */
  dataStart: number;
}

const fail = (msg: string): never => {
  throw new SafetensorsError(`io: ${msg}`);
};

function safeInt(v: JsonValue | undefined, what: string): number {
  if (!(v instanceof JsonNumber) || !/^(?:0|[1-9][0-9]*)$/.test(v.text)) return fail(`${what} must be a non-negative integer, got ${show(v)}`);
  const n = Number(v.text);
  if (!Number.isSafeInteger(n)) return fail(`${what} is ${v.text}, larger than 2^53 - 1`);
  return n;
}

function show(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof Map) return 'an object';
  if (Array.isArray(v)) return 'an array';
  return JSON.stringify(v);
}

function parseMetadata(v: JsonValue): Record<string, string> | null {
  if (v === null) return null;
  if (!(v instanceof Map)) return fail(`__metadata__ must be an object of strings, got ${show(v)}`);
  const out: Record<string, string> = {};
  for (const [k, s] of v) {
    if (typeof s !== 'string') return fail(`__metadata__ value for key ${quote(k)} must be a string, got ${show(s)}`);
    if (!isWellFormed(k) || !isWellFormed(s)) return fail(`__metadata__ entry ${quote(k)} is not valid Unicode (a lone surrogate)`);
    Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseEntry(name: string, v: JsonValue): SafetensorsTensorInfo {
  const q = quote(name);
  if (!isWellFormed(name)) fail(`invalid tensor name ${q}: not valid Unicode (a lone surrogate)`);
  if (!(v instanceof Map)) return fail(`entry for tensor ${q} must be an object, got ${show(v)}`);
  const dtype = v.get('dtype');
  if (typeof dtype !== 'string') return fail(`tensor ${q} has no dtype string (got ${show(dtype)})`);
  if (!isSafetensorsDType(dtype)) return fail(`tensor ${q} has unknown dtype ${JSON.stringify(dtype)}`);
  const shapeV = v.get('shape');
  if (!Array.isArray(shapeV)) return fail(`tensor ${q} needs a shape array, got ${show(shapeV)}`);
  const shape = shapeV.map((d, i) => safeInt(d, `tensor ${q}: shape[${i}]`));
  const off = v.get('data_offsets');
  if (!Array.isArray(off) || off.length !== 2) return fail(`tensor ${q} needs data_offsets [begin, end], got ${show(off)}`);
  const begin = safeInt(off[0], `tensor ${q}: data_offsets[0]`);
  const end = safeInt(off[1], `tensor ${q}: data_offsets[1]`);
  if (end < begin) fail(`tensor ${q} has data_offsets [${begin}, ${end}] that end before they begin`);
  // The byte size, without overflow: every partial product stays a safe integer.
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (!Number.isSafeInteger(count)) fail(`tensor ${q}: shape [${shape.join(', ')}] has more than 2^53 elements`);
  }
  const bits = count * dtypeBits(dtype);
  if (!Number.isSafeInteger(bits)) fail(`tensor ${q}: shape [${shape.join(', ')}] of ${dtype} is too large`);
  if (bits % 8 !== 0) fail(`tensor ${q}: shape [${shape.join(', ')}] of ${dtype} is not a whole number of bytes`);
  if (end - begin !== bits / 8) {
    fail(`tensor ${q}: shape [${shape.join(', ')}] of ${dtype} needs ${bits / 8} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape, dataOffsets: [begin, end] };
}

/**
 * Parses and validates the header of a safetensors file. Throws a
 * SafetensorsError for every way the file can be malformed; after it returns,
 * every tensor's byte range lies inside `bytes`.
 */
export function readHeader(bytes: Uint8Array): SafetensorsHeader {
  const size = bytes.byteLength;
  if (size < 8) fail(`file too short: ${size} bytes, but the header length alone takes 8`);
  const lenView = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = lenView.getUint32(0, true);
  const hi = lenView.getUint32(4, true);
  const n = hi * 2 ** 32 + lo; // exact below 2^53; anything above is far over the limit anyway
  // In the reference's order: the limit first, then the file's length.
  if (n > MAX_HEADER_LENGTH) fail(`header length ${hi ? BigInt(hi) * 2n ** 32n + BigInt(lo) : n} is over the ${MAX_HEADER_LENGTH}-byte limit`);
  if (n > size - 8) fail(`header length ${n} is larger than the ${size - 8} bytes after it (truncated file?)`);
  let text: string;
  try {
    // Decode a copy: TextDecoder refuses views of a SharedArrayBuffer (and Buffer#slice does not copy).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(new Uint8Array(bytes.subarray(8, 8 + n)));
  } catch {
    return fail('header is not valid UTF-8');
  }
  const json = parseJson(text);
  if (!(json instanceof Map)) return fail(`header must be a JSON object, got ${show(json)}`);
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, v] of json) {
    if (name === '__metadata__') metadata = parseMetadata(v);
    else tensors.push(parseEntry(name, v));
  }
  const dataStart = 8 + n;
  const dataLength = size - dataStart;
  for (const t of tensors) {
    if (t.dataOffsets[1] > dataLength) {
      fail(`tensor ${quote(t.name)} has data_offsets [${t.dataOffsets.join(', ')}] past the end of the ${dataLength}-byte data buffer (truncated file?)`);
    }
  }
  // Sorted by offsets, the tensors must tile [0, dataLength).
  const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let at = 0;
  for (const t of sorted) {
    const [begin, end] = t.dataOffsets;
    if (begin > at) fail(`gap in the data buffer: bytes [${at}, ${begin}) before tensor ${quote(t.name)} belong to no tensor`);
    if (begin < at) fail(`tensor ${quote(t.name)} at data_offsets [${begin}, ${end}] overlaps the tensor before it, which ends at ${at}`);
    at = end;
  }
  if (at !== dataLength) fail(`the tensors cover ${at} bytes but the data buffer has ${dataLength} (trailing bytes)`);
  return { tensors, metadata, headerLength: n, dataStart };
}
