// Malformed files, built byte by byte: each raises a SafetensorsError whose
// message says what is wrong, reads nothing out of bounds and allocates nothing.
// Then what the reference accepts and so must we, and out-of-range integers.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackends, wg } from '../helpers/index.js';
import { caught, concat, disposeAll, entry, expectLoadError, expectSame, file, io, u64 } from './util.js';

beforeAll(setupBackends);

const F32 = (begin = 0, end = 4, shape = [(end - begin) / 4]) => entry('F32', shape, begin, end);

describe('malformed files', () => {
  it('too short for the length prefix', () => {
    expectLoadError(new Uint8Array(0), /file too short: 0 bytes/);
    expectLoadError(new Uint8Array(7), /file too short: 7 bytes/);
  });

  it('header length larger than the file, or over the limit', () => {
    expectLoadError(file('{}', 0, 3), /header length 3 is larger than the 2 bytes after it/);
    expectLoadError(u64(1), /header length 1 is larger than the 0 bytes/);
    expectLoadError(file('{}', 0, 2n ** 64n - 1n), /header length 18446744073709551615 is over the 100000000-byte limit/);
    expectLoadError(file('{}', 0, io.MAX_HEADER_LENGTH + 1), /over the 100000000-byte limit/);
  });

  it('header that is not UTF-8 or not JSON', () => {
    expectLoadError(concat(u64(4), [0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/);
    expectLoadError(concat(u64(5), [0xef, 0xbb, 0xbf], '{}'), /invalid JSON in header at character 0/); // a BOM
    expectLoadError(file('{"a":'), /invalid JSON.*expected a value/);
    expectLoadError(file("{'a': 1}"), /expected a string key/);
    expectLoadError(file('{} x'), /trailing characters/);
    expectLoadError(file('{}\0\0\0\0\0\0'), /trailing characters/);
    expectLoadError(file('{"a\u0001":1}'), /control character in string/);
    expectLoadError(file('{"\\x":1}'), /bad escape/);
    expectLoadError(file('{"\\u12g4":1}'), /bad \\u escape/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}', 4), /expected ',' or ']'/);
    expectLoadError(file(`{"x":${'['.repeat(10000)}${']'.repeat(10000)}}`), /nesting deeper than 128/);
  });

  it('header that is not an object', () => {
    for (const h of ['[]', '"str"', '12', 'null', 'true']) expectLoadError(file(h), /header must be a JSON object/);
  });

  it('unknown, missing and unsupported dtypes', () => {
    expectLoadError(file({ a: entry('F33', [1], 0, 4) }, 4), /tensor 'a' has unknown dtype "F33"/);
    expectLoadError(file({ a: entry('f32', [1], 0, 4) }, 4), /unknown dtype "f32"/);
    expectLoadError(file({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor 'a' has no dtype string/);
    expectLoadError(file({ a: { dtype: 5, shape: [1], data_offsets: [0, 4] } }, 4), /no dtype string \(got 5\)/);
    const f8 = file({ a: F32(), q: entry('F8_E4M3', [2], 4, 6) }, 6);
    expectLoadError(f8, /tensor 'q' has dtype F8_E4M3, which wasmgrad cannot load \(it loads F32, F64, I32, F16, BF16/);
    expect(io.readSafetensorsHeader(f8).tensors.map((t) => t.dtype)).toEqual(['F32', 'F8_E4M3']); // the header itself is fine
    expectLoadError(file({ a: entry('F4', [3], 0, 2) }, 2), /not a whole number of bytes/);
  });

  it('bad shapes', () => {
    expectLoadError(file({ a: { dtype: 'F32', shape: 1, data_offsets: [0, 4] } }, 4), /tensor 'a' needs a shape array, got 1/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4), /shape\[0\] must be a non-negative integer, got -1/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', 4), /got 1\.0/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', 4), /got 1e0/);
    expectLoadError(file({ a: { dtype: 'F32', shape: ['1'], data_offsets: [0, 4] } }, 4), /got "1"/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,4]}}', 4), /larger than 2\^53 - 1/);
    expectLoadError(file({ a: entry('F32', [2 ** 26, 2 ** 26, 2 ** 26, 0], 0, 0) }), /has more than 2\^53 elements/);
  });

  it('bad data_offsets', () => {
    expectLoadError(file({ a: { dtype: 'F32', shape: [1] } }, 4), /tensor 'a' needs data_offsets \[begin, end\], got nothing/);
    expectLoadError(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, 4), /needs data_offsets/);
    expectLoadError(file({ a: { dtype: 'F32', shape: [1], data_offsets: { 0: 0, 1: 4 } } }, 4), /got an object/);
    expectLoadError(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}', 4), /data_offsets\[1\] must be a non-negative integer, got 4\.5/);
    expectLoadError(file({ a: entry('F32', [0], 4, 0) }, 4), /data_offsets \[4, 0\] that end before they begin/);
  });

  it('offsets out of range (a truncated data buffer)', () => {
    expectLoadError(file({ a: F32(0, 8) }, 4), /tensor 'a' has data_offsets \[0, 8\] past the end of the 4-byte data buffer/);
    expectLoadError(file({ a: F32(0, 4), b: F32(4, 2 ** 40) }, 8), /'b'.*past the end/);
  });

  it('overlapping, gapped and incomplete coverage', () => {
    expectLoadError(file({ a: F32(0, 8), b: F32(4, 12) }, 12), /tensor 'b' at data_offsets \[4, 12\] overlaps the tensor before it, which ends at 8/);
    expectLoadError(file({ a: F32(0, 4), b: F32(0, 4) }, 4), /overlaps/);
    expectLoadError(file({ a: F32(0, 4), b: F32(8, 12) }, 12), /gap in the data buffer: bytes \[4, 8\) before tensor 'b'/);
    expectLoadError(file({ a: F32(4, 8) }, 8), /gap in the data buffer: bytes \[0, 4\)/);
    expectLoadError(file({ a: F32(0, 4) }, 5), /the tensors cover 4 bytes but the data buffer has 5 \(trailing bytes\)/);
    expectLoadError(file({}, 1), /cover 0 bytes but the data buffer has 1/);
  });

  it('shape and offsets that disagree on the size', () => {
    expectLoadError(file({ a: entry('F32', [3], 0, 8) }, 8), /tensor 'a': shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/);
    expectLoadError(file({ a: entry('F64', [], 0, 4) }, 4), /shape \[\] of F64 needs 8 bytes/);
  });

  it('duplicate and invalid names, bad metadata', () => {
    const dup = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectLoadError(file(dup, 8), /duplicate key "a"/);
    expectLoadError(file('{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), /duplicate key "dtype"/);
    expectLoadError(file('{"\\ud800x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), /invalid tensor name '\\ud800x': not valid Unicode/);
    expectLoadError(file({ __metadata__: [], a: F32() }, 4), /__metadata__ must be an object of strings, got an array/);
    expectLoadError(file({ __metadata__: { n: 1 } }), /__metadata__ value for key 'n' must be a string, got 1/);
    expectLoadError(file('{"__metadata__":{"k":"a","k":"b"}}'), /duplicate key "k"/);
    expectLoadError(file('{"__metadata__":{"k":"\\udc00"}}'), /__metadata__ entry 'k' is not valid Unicode/);
    expectLoadError(file({ a: 'F32' }), /entry for tensor 'a' must be an object, got "F32"/);
  });

  it('integers that do not fit in int32', () => {
    const i64 = new DataView(new ArrayBuffer(24));
    i64.setBigInt64(0, 1n, true);
    i64.setBigInt64(8, -(2n ** 31n), true);
    i64.setBigInt64(16, 5_000_000_000n, true);
    const bytes = file({ ok: F32(), ids: entry('I64', [3], 4, 28) }, concat([0, 0, 128, 63], new Uint8Array(i64.buffer)));
    expectLoadError(bytes, /tensor 'ids' \(I64\) holds 5000000000 at flat index 2, outside the int32 range/);
    i64.setBigInt64(16, -(2n ** 31n) - 1n, true);
    expectLoadError(file({ ids: entry('I64', [3], 0, 24) }, new Uint8Array(i64.buffer)), /holds -2147483649 at flat index 2/);
    expectLoadError(file({ u: entry('U64', [1], 0, 8) }, new Uint8Array(8).fill(255)), /\(U64\) holds 18446744073709551615 at flat index 0/);
    expectLoadError(file({ u: entry('U32', [1], 0, 4) }, [0, 0, 0, 128]), /\(U32\) holds 2147483648/);
  });
});

describe('what the reference accepts', () => {
  it('whitespace around the header, unknown fields, null metadata, empty tensors sharing an offset', () => {
    const h = ` \n{"__metadata__":null,"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1,{"x":null}]},
      "e1":{"dtype":"I32","shape":[0],"data_offsets":[4,4]},"e0":{"dtype":"F64","shape":[2,0],"data_offsets":[0,0]}}\t\r\n  `;
    const r = io.loadSafetensors(file(h, [0, 0, 192, 63]));
    expect(r.metadata).toBeNull();
    expect(r.tensors.a.toArray()).toEqual([1.5]);
    expect(r.tensors.e1.shape).toEqual([0]);
    expect(r.tensors.e0.shape).toEqual([2, 0]);
    expect(r.tensors.e0.dtype).toBe('float64');
    disposeAll(r);
  });

  it('tensors in any header order, unaligned data, a header length that is not a multiple of 8', () => {
    const data = new DataView(new ArrayBuffer(20));
    data.setFloat64(0, -Math.PI, true);
    data.setFloat32(8, 0.1, true);
    data.setInt32(12, -7, true);
    data.setInt16(16, -300, true);
    data.setUint16(18, 0x3c00, true); // F16 1.0
    const header = { z: entry('F16', [], 18, 20), y: entry('I16', [1], 16, 18), c: entry('I32', [1], 12, 16), b: F32(8, 12), a: entry('F64', [1], 0, 8) };
    const r = io.loadSafetensors(file(`${JSON.stringify(header)}  \n`, new Uint8Array(data.buffer)));
    expect(Object.keys(r.tensors)).toEqual(['z', 'y', 'c', 'b', 'a']);
    expectSame(r.tensors.a.dataSync(), [-Math.PI]);
    expectSame(r.tensors.b.dataSync(), [Math.fround(0.1)]);
    expect([r.tensors.c.item(), r.tensors.y.item(), r.tensors.z.item()]).toEqual([-7, -300, 1]);
    disposeAll(r);
  });

  it('every F16 and BF16 bit pattern converts exactly', () => {
    const n = 65536;
    const bytes = new Uint8Array(2 * n);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) dv.setUint16(2 * i, i, true);
    const r = io.loadSafetensors(file({ h: entry('F16', [n], 0, 2 * n), b: entry('BF16', [n], 2 * n, 4 * n) }, concat(bytes, bytes)));
    const h = r.tensors.h.dataSync();
    const b = r.tensors.b.dataSync();
    const f32 = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < n; i++) {
      const sign = i & 0x8000 ? -1 : 1;
      const e = (i >> 10) & 31;
      const m = i & 1023;
      const want = e === 31 ? (m ? Number.NaN : sign * Infinity) : e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
      if (!Object.is(h[i], want)) expect.fail(`F16 0x${i.toString(16)}: got ${h[i]}, expected ${want}`);
      f32.setUint32(0, i << 16);
      if (!Object.is(b[i], f32.getFloat32(0))) expect.fail(`BF16 0x${i.toString(16)}: got ${b[i]}`);
    }
    disposeAll(r);
  });

  it('an error after some tensors were made frees them', () => {
    const m0 = wg.memory();
    const bytes = file({ a: F32(0, 4), b: F32(4, 8), big: entry('I64', [1], 8, 16) }, concat(new Uint8Array(8), [0, 0, 0, 0, 1, 0, 0, 0]));
    expect(caught(() => io.loadSafetensors(bytes))).toBeInstanceOf(io.SafetensorsError);
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
  });
});
