// Compatibility with the Python package: files written by safetensors.torch load
// with every value exact, and wasmgrad writes what Python writes, byte for byte.
// The fixtures come from test/fixtures/generate_safetensors.py; the file wasmgrad
// writes is committed too, and test/fixtures/check_safetensors_in_python.py
// loads it with safetensors.torch.load_file.
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends, wg } from '../helpers/index.js';
import { disposeAll, expectSame, io } from './util.js';

beforeAll(setupBackends);

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
// JSON has no NaN, infinities or -0 (JSON.stringify(-0) is "0"): they travel as strings.
const SPECIAL: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
const decodeValue = (v: number | string) => (typeof v === 'string' ? SPECIAL[v] : v);
const encodeValue = (v: number) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0' : v);

interface Expected {
  metadata: Record<string, string>;
  tensors: Record<string, { st_dtype: string; dtype: wg.DType; shape: number[]; values: (number | string)[] }>;
}

describe('files written by safetensors.torch', () => {
  const bytes = new Uint8Array(readFileSync(fixture('safetensors_python.safetensors')));
  const expected = JSON.parse(readFileSync(fixture('safetensors_python.json'), 'utf8')) as Expected;

  for (const backend of ['wasm', 'js'] as const) {
    it(`loads every dtype exactly (${backend})`, () => {
      on(backend, () => {
        const loaded = io.loadSafetensors(bytes);
        expect(loaded.metadata).toEqual(expected.metadata);
        expect(Object.keys(loaded.tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
        for (const [name, want] of Object.entries(expected.tensors)) {
          const t = loaded.tensors[name];
          expect(t.device, name).toBe(backend);
          expect(t.dtype, name).toBe(want.dtype);
          expect(t.shape, name).toEqual(want.shape);
          expectSame(t.dataSync(), want.values.map(decodeValue), name);
        }
        disposeAll(loaded);
      });
    });
  }

  it('reads the header alone', () => {
    const h = io.readSafetensorsHeader(bytes);
    expect(h.headerLength % 8).toBe(0);
    expect(h.dataStart).toBe(8 + h.headerLength);
    expect(h.metadata).toEqual(expected.metadata);
    const byName = Object.fromEntries(h.tensors.map((t) => [t.name, t]));
    for (const [name, want] of Object.entries(expected.tensors)) {
      expect(byName[name].dtype).toBe(want.st_dtype);
      expect(byName[name].shape).toEqual(want.shape);
    }
  });

  it('writes F32/F64/I32 tensors back byte for byte as Python wrote them', async () => {
    const py = new Uint8Array(readFileSync(fixture('safetensors_python_wgdtypes.safetensors')));
    const loaded = io.loadSafetensors(py);
    const ours = await io.saveSafetensors(loaded.tensors, loaded.metadata ?? undefined);
    expect(Buffer.from(ours).equals(Buffer.from(py))).toBe(true);
    // A Map and a shuffled object give the same bytes: the order is the writer's, not the caller's.
    const shuffled = new Map(Object.entries(loaded.tensors).reverse());
    expect(Buffer.from(await io.saveSafetensors(shuffled, { format: 'pt' })).equals(Buffer.from(py))).toBe(true);
    disposeAll(loaded);
  });
});

/** The state dict behind safetensors_wasmgrad.safetensors: every dtype, views, specials. */
function wasmgradStateDict(): Record<string, wg.Tensor> {
  return wg.tidy(() => ({
    'weight.t': wg.arange(12).div(8).reshape([3, 4]).transpose(),
    specials: wg.tensor(new Float32Array([0, -0, Infinity, -Infinity, Number.NaN, 1e-45, 3.4028234663852886e38, -1.5])),
    double: wg.tensor(new Float64Array([Math.PI, -1e-300, 5e-324, 1e300]), { shape: [2, 2] }),
    'cube.permuted': wg.arange(24, undefined, 1, { dtype: 'float64' }).div(7).reshape([2, 3, 4]).permute([2, 0, 1]),
    ints: wg.tensor(new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]), { shape: [2, 2] }),
    'ints.strided': wg.slice(wg.arange(20, undefined, 1, { dtype: 'int32' }), [3], [17], [4]),
    expanded: wg.tensor([1, 2, 3]).reshape([3, 1]).broadcastTo([3, 2]),
    scalar: wg.tensor(1.5),
    'scalar.int': wg.tensor(-7, { dtype: 'int32' }),
    empty: wg.zeros([0, 3]),
    'empty.double': wg.zeros([2, 0], { dtype: 'float64' }),
  }));
}
const WASMGRAD_METADATA = { format: 'pt', library: 'wasmgrad', note: 'é ✓ "quoted"' };

describe('the committed file wasmgrad writes', () => {
  it('is what saveSafetensors writes today (WG_WRITE_FIXTURES=1 rewrites it)', async () => {
    const sd = wasmgradStateDict();
    const bytes = await io.saveSafetensors(sd, WASMGRAD_METADATA);
    if (process.env.WG_WRITE_FIXTURES === '1') {
      writeFileSync(fixture('safetensors_wasmgrad.safetensors'), bytes);
      const tensors = Object.fromEntries(
        Object.entries(sd).map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync(), encodeValue) }]),
      );
      writeFileSync(fixture('safetensors_wasmgrad.json'), `${JSON.stringify({ metadata: WASMGRAD_METADATA, tensors }, null, 1)}\n`);
    }
    const committed = new Uint8Array(readFileSync(fixture('safetensors_wasmgrad.safetensors')));
    expect(Buffer.from(bytes).equals(Buffer.from(committed))).toBe(true);
    const loaded = io.loadSafetensors(committed);
    for (const [name, t] of Object.entries(sd)) {
      expect(loaded.tensors[name].shape).toEqual(t.shape);
      expectSame(loaded.tensors[name].dataSync(), t.dataSync(), name);
    }
    disposeAll(loaded);
    wg.dispose(sd);
  });
});
