// backend: 'auto': large ops on the GPU, small ones on WASM, data moved only
// CPU -> GPU (engine/transfer.ts), and a single warning without an adapter.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeGpu } from '../helpers/async.js';
import { wg } from '../helpers/index.js';

const THRESHOLD = 1000;
const read = async (t: wg.Tensor) => Array.from(await t.data());

describe("backend 'auto'", () => {
  beforeAll(async () => {
    const info = await wg.init({ backend: 'auto', gpu: await nodeGpu(), autoThreshold: THRESHOLD });
    expect(info.auto).toEqual({ gpu: true, threshold: THRESHOLD });
    expect(info.backend).toBe('wasm');
    expect(info.adapter).toBeTruthy();
  });
  afterAll(() => wg.init({ backend: 'wasm' }));

  it('creates on WASM, runs small ops there and large ones on the GPU', async () => {
    const small = wg.ones([10]);
    const big = wg.ones([THRESHOLD]);
    expect(small.device).toBe('wasm');
    expect(big.device).toBe('wasm');
    const s = small.mul(3);
    expect(s.device).toBe('wasm');
    expect(Array.from(s.dataSync())).toEqual(new Array(10).fill(3));
    const b = big.mul(3);
    expect(b.device).toBe('webgpu');
    expect(() => b.dataSync()).toThrow(/await t\.data\(\)/);
    expect(new Set(await read(b))).toEqual(new Set([3]));
    // Anything that reads a GPU tensor stays on the GPU, however small.
    const r = b.sum();
    expect(r.device).toBe('webgpu');
    expect(await read(r)).toEqual([3 * THRESHOLD]);
    const m = r.add(small.sum());
    expect(m.device).toBe('webgpu');
    expect(await read(m)).toEqual([3 * THRESHOLD + 10]);
    wg.dispose([small, big, s, b, r, m]);
  });

  it('moves CPU operands to the GPU, leaving them on the CPU', async () => {
    const a = wg.randn([25, 30]);
    const w = wg.randn([30, 40]);
    const y = a.matmul(w); // w has 1200 elements: GPU
    expect(y.device).toBe('webgpu');
    expect(a.device).toBe('wasm');
    // The same product's first 10 columns is small enough (at most 750 elements) to run on WASM.
    const part = a.matmul(w.slice([0, 0], [30, 10]));
    expect(part.device).toBe('wasm');
    const cpu = Array.from(part.dataSync());
    const gpuSlice = await read(y.slice([0, 0], [25, 10]).contiguous());
    cpu.forEach((v, i) => expect(Math.abs(v - gpuSlice[i])).toBeLessThan(1e-4));
    expect(a.dataSync().length).toBe(750); // a stayed readable on the CPU
    wg.dispose([a, w, y, part]);
  });

  it('concat and pad place their output beside their inputs', async () => {
    const g = wg.ones([THRESHOLD]).mul(2);
    const c = wg.ones([3]);
    const cat = wg.concat([c, g]);
    expect(cat.device).toBe('webgpu');
    const got = await read(cat);
    expect(got.slice(0, 4)).toEqual([1, 1, 1, 2]);
    const p = wg.pad(g.slice([0], [2]), [1, 1], 7);
    expect(p.device).toBe('webgpu');
    expect(await read(p)).toEqual([7, 2, 2, 7]);
  });

  it('trains: gradients from the GPU update CPU parameters, which then move to the GPU', async () => {
    const x = wg.randn([100, 20]);
    const w = wg.randn([20, 16]).mul(0.1).requiresGrad_();
    const loss = x.matmul(w).square().mean(); // 1600 outputs: GPU
    expect(loss.device).toBe('webgpu');
    loss.backward();
    expect(w.grad!.device).toBe('webgpu');
    expect(w.device).toBe('wasm');
    const before = Array.from(w.dataSync());
    const g = await read(w.grad!);
    wg.noGrad(() => w.sub_(w.grad!.mul(0.5)));
    expect(w.device).toBe('webgpu'); // rule 4: the in-place target followed its GPU operand
    const after = await read(w);
    after.forEach((v, i) => expect(v).toBeCloseTo(before[i] - 0.5 * g[i], 5));
  });

  it('keeps float64 on WASM and refuses to make float64 from GPU data', () => {
    const d = wg.ones([THRESHOLD], { dtype: 'float64' }).mul(2);
    expect(d.device).toBe('wasm');
    const g = wg.ones([THRESHOLD]).mul(2);
    expect(() => g.double()).toThrow(wg.DTypeError);
    expect(() => g.double()).toThrow(/await t\.data\(\)/);
  });

  it('falls back to WASM with a single warning when there is no adapter', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    // A fresh GPU object forces a new device (the current one would be reused).
    const info = await wg.init({ backend: 'auto', gpu: noAdapter });
    expect(info.auto).toEqual({ gpu: false, threshold: 16384 });
    await wg.init({ backend: 'auto', gpu: noAdapter });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/no WebGPU adapter/);
    const big = wg.ones([100000]).mul(2);
    expect(big.device).toBe('wasm');
    warn.mockRestore();
  });
});
