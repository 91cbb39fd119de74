// Helpers for the io tests: safetensors files built byte by byte, exact value
// comparison (NaN equals NaN, -0 differs from 0), and error expectations.
import { expect } from 'vitest';
import * as io from '../../src/io/index.js';
import { wg } from '../helpers/index.js';

export { io };

const enc = new TextEncoder();

/** The bytes of the parts, in order: strings as UTF-8, arrays as bytes. */
export function concat(...parts: (Uint8Array | number[] | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** The 8-byte little-endian length prefix. */
export function u64(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/**
 * A safetensors file: the header (a string, or an object to JSON.stringify),
 * then `data` (bytes, or a count of zero bytes). `length` overrides the prefix.
 */
export function file(header: string | object, data: Uint8Array | number[] | number = 0, length?: number | bigint): Uint8Array {
  const h = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  return concat(u64(length ?? h.length), h, typeof data === 'number' ? new Uint8Array(data) : data);
}

/** A tensor entry for a header. */
export const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

/** Elementwise identity: NaN matches NaN, -0 does not match 0. */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: got ${Object.is(actual[i], -0) ? '-0' : actual[i]}, expected ${expected[i]}`);
  }
}

/** The error `fn` throws (failing the test when it throws nothing). */
export function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error');
}

/** Loading `bytes` throws a SafetensorsError matching `msg` and allocates nothing. */
export function expectLoadError(bytes: Uint8Array, msg: RegExp): void {
  const m0 = wg.memory();
  const e = caught(() => io.loadSafetensors(bytes));
  expect(e).toBeInstanceOf(io.SafetensorsError);
  expect(e).toBeInstanceOf(wg.WasmgradError);
  expect(e.name).toBe('SafetensorsError');
  expect(e.message).toMatch(/^io: /);
  expect(e.message).toMatch(msg);
  expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
}

/** Disposes every tensor of a load result. */
export function disposeAll(loaded: { tensors: Record<string, wg.Tensor> }): void {
  for (const t of Object.values(loaded.tensors)) t.dispose();
}
