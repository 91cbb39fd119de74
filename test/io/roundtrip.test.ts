// Saving and loading state dicts: values, dtypes, shapes and metadata survive;
// views are saved as contiguous copies; the layout is the Python writer's;
// bad arguments raise ArgumentError; files on disk; memory stays flat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../src/engine/engine.js';
import { on, setupBackends, wg } from '../helpers/index.js';
import { caught, disposeAll, expectSame, io } from './util.js';

beforeAll(setupBackends);

async function roundTrip(sd: io.StateDict, metadata?: Record<string, string>) {
  const bytes = await io.saveSafetensors(sd, metadata);
  return { bytes, ...io.loadSafetensors(bytes) };
}

function expectSameTensors(got: Record<string, wg.Tensor>, want: Record<string, wg.Tensor>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, t] of Object.entries(want)) {
    expect(got[name].dtype, name).toBe(t.dtype);
    expect(got[name].shape, name).toEqual(t.shape);
    expectSame(got[name].dataSync(), t.dataSync(), name);
  }
}

describe('round trips', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`keeps every dtype, scalars, empty tensors and special values (${backend})`, async () => {
      // `on` switches the backend only for synchronous work: save (async) after making the tensors there.
      const sd = on(backend, () => ({
        f32: wg.tensor(new Float32Array([0, -0, 1.5, Infinity, -Infinity, Number.NaN, 1e-45, -3.4028234663852886e38]), { shape: [2, 4] }),
        f64: wg.tensor(new Float64Array([Math.E, -0, 5e-324, Number.NaN, 1.7976931348623157e308, -1e-300])),
        i32: wg.tensor(new Int32Array([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1]), { shape: [5, 1] }),
        s32: wg.tensor(3.25),
        s64: wg.tensor(-2.5, { dtype: 'float64' }),
        si: wg.tensor(42, { dtype: 'int32' }),
        e32: wg.zeros([0]),
        e64: wg.zeros([2, 0, 3], { dtype: 'float64' }),
        ei: wg.zeros([0, 0], { dtype: 'int32' }),
      }));
      for (const t of Object.values(sd)) expect(t.device).toBe(backend);
      const bytes = await io.saveSafetensors(sd);
      const r = on(backend, () => io.loadSafetensors(bytes));
      expect(r.metadata).toBeNull();
      for (const t of Object.values(r.tensors)) expect(t.device).toBe(backend);
      expectSameTensors(r.tensors, sd);
      disposeAll(r);
      wg.dispose(sd);
    });
  }

  it('saves transposed, permuted, sliced and expanded views as contiguous data', async () => {
    const sd = wg.tidy(() => {
      const m = wg.arange(12).reshape([3, 4]);
      return {
        t: m.transpose(),
        p: wg.arange(24, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 4]).permute([1, 2, 0]),
        s: wg.slice(m, [1, 0], [3, 4], [1, 2]),
        x: wg.tensor([1, 2, 3], { dtype: 'int32' }).reshape([3, 1]).broadcastTo([3, 4]),
        same: m, // a view of the same storage as t and s: saved separately
      };
    });
    expect(sd.t.isContiguous).toBe(false);
    const r = await roundTrip(sd);
    expectSameTensors(r.tensors, sd);
    expect(r.tensors.t.toArray()).toEqual(sd.t.toArray());
    disposeAll(r);
    wg.dispose(sd);
  });

  it('keeps metadata, sorting its keys; undefined writes none, {} writes an empty map', async () => {
    const x = wg.ones([2]);
    const meta = { z: 'last', format: 'pt', '': '', __proto__x: 'p', 'é ✓': 'line\nbreak "q" \\ \u0001 \u2028 😀' };
    const r = await roundTrip({ x }, meta);
    expect(r.metadata).toEqual(meta);
    const header = new TextDecoder().decode(r.bytes.subarray(8, 8 + io.readSafetensorsHeader(r.bytes).headerLength));
    expect(header.startsWith('{"__metadata__":{"":"","__proto__x":"p","format":"pt","z":"last","é ✓":')).toBe(true);
    disposeAll(r);
    const none = await roundTrip({ x });
    expect(none.metadata).toBeNull();
    disposeAll(none);
    const empty = await roundTrip({ x }, {});
    expect(empty.metadata).toEqual({});
    disposeAll(empty);
    x.dispose();
  });

  it('handles names such as __proto__, "", and non-BMP characters as plain keys', async () => {
    const sd: Record<string, wg.Tensor> = {};
    for (const [i, name] of ['__proto__', '', 'constructor', '😀', 'a.b.c'].entries()) {
      Object.defineProperty(sd, name, { value: wg.full([1], i), enumerable: true });
    }
    const r = await roundTrip(sd);
    expect(Object.getPrototypeOf(r.tensors)).toBe(Object.prototype);
    expect(Object.keys(r.tensors).sort()).toEqual(Object.keys(sd).sort());
    for (const name of Object.keys(sd)) expect(r.tensors[name].item()).toBe(sd[name].item());
    disposeAll(r);
    wg.dispose(sd);
  });

  it('holds for random state dicts (fast-check)', async () => {
    const dtypes = ['float32', 'float64', 'int32'] as const;
    const arb = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => s !== '__metadata__'),
      fc.record({ dtype: fc.constantFrom(...dtypes), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), seed: fc.integer() }),
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(arb, async (spec) => {
        const sd: Record<string, wg.Tensor> = {};
        for (const [name, { dtype, shape }] of Object.entries(spec)) {
          const t = dtype === 'int32' ? wg.randint(-1000, 1000, shape) : wg.randn(shape, { dtype });
          Object.defineProperty(sd, name, { value: t, enumerable: true });
        }
        const r = await roundTrip(sd);
        const h = io.readSafetensorsHeader(r.bytes);
        expect(h.headerLength % 8).toBe(0);
        for (const info of h.tensors) expect((h.dataStart + info.dataOffsets[0]) % (info.dtype === 'F64' ? 8 : 4)).toBe(0);
        expectSameTensors(r.tensors, sd);
        disposeAll(r);
        wg.dispose(sd);
      }),
      { numRuns: 60 },
    );
  });
});

describe('layout', () => {
  it('writes an empty state dict as Python does', async () => {
    expect(Array.from(await io.saveSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const r = io.loadSafetensors(await io.saveSafetensors({}, { framework: 'pt' }));
    expect(r).toEqual({ tensors: {}, metadata: { framework: 'pt' } });
  });

  it('matches the reference implementation on its own example', async () => {
    // safetensors/src/tensor.rs, test_serialization: "attn.0", F32 [1,2,3] = 0..5.
    const bytes = await io.saveSafetensors({ 'attn.0': wg.arange(6).reshape([1, 2, 3]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(bytes.length).toBe(8 + 64 + 24);
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(64n);
    expect(new TextDecoder().decode(bytes.subarray(8, 72))).toBe(header.padEnd(64, ' '));
    expectSame(new Float32Array(bytes.slice(72).buffer), [0, 1, 2, 3, 4, 5]);
  });
});

describe('inputs', () => {
  it('loads from an ArrayBuffer and from a Uint8Array at any byte offset', async () => {
    const bytes = await io.saveSafetensors({ a: wg.tensor([1, 2, 3]), b: wg.tensor([4, 5], { dtype: 'float64' }) });
    for (const shift of [0, 1, 3, 5]) {
      const big = new Uint8Array(bytes.length + shift + 7);
      big.set(bytes, shift);
      const r = io.loadSafetensors(big.subarray(shift, shift + bytes.length));
      expect(r.tensors.a.toArray()).toEqual([1, 2, 3]);
      expect(r.tensors.b.toArray()).toEqual([4, 5]);
      disposeAll(r);
    }
    const r = io.loadSafetensors(bytes.slice().buffer);
    expect(r.tensors.b.dtype).toBe('float64');
    disposeAll(r);
  });

  it('rejects bad arguments with ArgumentError and DisposedError, allocating nothing', async () => {
    const x = wg.ones([2]);
    const m0 = wg.memory();
    const rejects = async (cls: new (...a: never[]) => Error, msg: RegExp, p: () => Promise<unknown>) => {
      const e = await p().then(
        () => expect.fail('expected an error'),
        (err: Error) => err,
      );
      expect(e).toBeInstanceOf(cls);
      expect(e.message).toMatch(msg);
    };
    const save = io.saveSafetensors as (...args: unknown[]) => Promise<Uint8Array>;
    await rejects(wg.ArgumentError, /expected a state dict.*got null/, () => save(null));
    await rejects(wg.ArgumentError, /expected a state dict.*an array/, () => save([x]));
    await rejects(wg.ArgumentError, /expected a state dict.*Tensor/, () => save(x));
    await rejects(wg.ArgumentError, /'w' must be a Tensor, got number/, () => save({ w: 1 }));
    await rejects(wg.ArgumentError, /'__metadata__' is reserved/, () => save({ __metadata__: x }));
    await rejects(wg.ArgumentError, /not valid Unicode/, () => save({ '\ud800': x }));
    await rejects(wg.ArgumentError, /tensor names must be strings/, () => save(new Map([[1, x]])));
    await rejects(wg.ArgumentError, /metadata value for 'n' must be a string, got number/, () => save({ x }, { n: 1 }));
    await rejects(wg.ArgumentError, /metadata must be a plain object/, () => save({ x }, 'pt'));
    await rejects(wg.ArgumentError, /metadata entry.*not valid Unicode/, () => save({ x }, { k: '\udc00' }));
    const gone = wg.zeros([3]);
    gone.dispose();
    await rejects(wg.DisposedError, /saveSafetensors/, () => save({ gone }));
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
    for (const bad of [null, 'file', [1, 2], new Float32Array(4)]) {
      const e = caught(() => (io.loadSafetensors as (b: unknown) => unknown)(bad));
      expect(e).toBeInstanceOf(wg.ArgumentError);
      expect(e.message).toMatch(/expected a Uint8Array or an ArrayBuffer/);
    }
    x.dispose();
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves and loads a file, by path and by URL', async () => {
    const sd = { w: wg.randn([4, 5]), n: wg.tensor([1, 2], { dtype: 'int32' }) };
    const path = join(dir, 'model.safetensors');
    await io.saveSafetensorsFile(path, sd, { format: 'pt' });
    for (const where of [path, new URL(`file://${path}`)]) {
      const r = await io.loadSafetensorsFile(where);
      expect(r.metadata).toEqual({ format: 'pt' });
      expectSameTensors(r.tensors, sd);
      disposeAll(r);
    }
    wg.dispose(sd);
  });

  it("passes on Node's error for a missing file", async () => {
    await expect(io.loadSafetensorsFile(join(dir, 'missing.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('memory', () => {
  it('loading then disposing leaves wg.memory() flat, and the heap stops growing', async () => {
    const sd = { a: wg.randn([64, 64]), b: wg.randn([1000], { dtype: 'float64' }), c: wg.randint(0, 9, [333]) };
    const bytes = await io.saveSafetensors(sd);
    disposeAll(io.loadSafetensors(bytes)); // warm the allocator
    const m0 = wg.memory();
    for (let i = 0; i < 50; i++) {
      const r = io.loadSafetensors(bytes);
      expect(wg.memory().tensors).toBe(m0.tensors + 3);
      disposeAll(r);
    }
    expect(wg.memory()).toEqual(m0);
    // Saving allocates nothing on the backend either.
    await io.saveSafetensors(sd);
    expect(wg.memory()).toEqual(m0);
    expect(ENGINE.backend.name).toBe('wasm');
    wg.dispose(sd);
  });
});
