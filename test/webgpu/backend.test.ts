// The webgpu backend itself: every reference kernel is registered, reads are
// async only, float64 is refused with a DTypeError naming the op, indices are
// checked on the GPU, batching, in-place aliasing, large dispatches, a lost
// device, and a missing adapter.
import { beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../../src/backends/webgpu/manifest.js';
import { ENGINE } from '../../src/engine/engine.js';
import { kernelNames } from '../../src/engine/registry.js';
import { scalar } from '../../src/ops/util.js';
import { readAll, setupWebGpu } from '../helpers/async.js';
import { expectClose, wg } from '../helpers/index.js';

beforeAll(setupWebGpu);

const read = async (t: wg.Tensor) => Array.from(await t.data());

describe('the webgpu backend', () => {
  it('registers every kernel the reference backend has, as its manifest lists', () => {
    // The linalg kernels (LU, QR, SVD, ...) are CPU-only float64 numerics: their ops refuse GPU tensors.
    const js = kernelNames('js')
      .filter((n) => !n.startsWith('linalg'))
      .sort();
    expect(kernelNames('webgpu').sort()).toEqual(js);
    expect([...KERNEL_NAMES].sort()).toEqual(js);
  });

  it('reads only asynchronously, and says so', async () => {
    const x = wg.tensor([1, 2, 3]).mul(2);
    expect(x.device).toBe('webgpu');
    expect(() => x.dataSync()).toThrow(wg.BackendError);
    expect(() => x.dataSync()).toThrow(/lives on the webgpu backend; read it with await t\.data\(\)/);
    expect(() => x.sum().item()).toThrow(/await t\.data\(\)/);
    expect(() => x.toArray()).toThrow(/await t\.data\(\)/);
    expect(x.toString()).toContain('await data()');
    expect(await read(x)).toEqual([2, 4, 6]);
    // A non-contiguous view is copied on the device, then read.
    const m = wg.tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(await read(m.T)).toEqual([1, 4, 2, 5, 3, 6]);
    wg.dispose([x, m]);
  });

  it('refuses float64 with a DTypeError naming the op', () => {
    expect(() => wg.tensor([1, 2], { dtype: 'float64' })).toThrow(wg.DTypeError);
    const x = wg.tensor([1, 2]);
    expect(() => x.double()).toThrow(/float64 is not supported on the webgpu backend/);
    expect(() => wg.zeros([2], { dtype: 'float64' })).toThrow(wg.DTypeError);
    x.dispose();
  });

  it('caches scalars on the GPU', async () => {
    const s = scalar(2.5, 'float32');
    expect(s.device).toBe('webgpu');
    const x = wg.tensor([1, 2]);
    expect(await read(x.add(2.5))).toEqual([3.5, 4.5]);
    expect(await read(wg.mul(3, x))).toEqual([3, 6]);
    x.dispose();
  });

  it('turns an out-of-range index into an ArgumentError at the next read', async () => {
    const x = wg.tensor([1, 2, 3]);
    const bad = wg.gather(x, 0, wg.tensor([0, 5], { dtype: 'int32' }));
    await expect(bad.data()).rejects.toThrow(wg.ArgumentError);
    await expect(bad.data()).resolves.toBeDefined(); // the flag is cleared
    const sa = wg.scatterAdd(x, 0, wg.tensor([-1], { dtype: 'int32' }), wg.tensor([1]));
    await expect(sa.data()).rejects.toThrow(/scatterAdd: an index was out of range/);
    expect(await read(wg.indexSelect(x, 0, wg.tensor([2, 0], { dtype: 'int32' })))).toEqual([3, 1]);
  });

  it('updates in place even when an operand is the tensor itself', async () => {
    const x = wg.tensor([1, 2, 3]);
    wg.noGrad(() => x.add_(x).mul_(x));
    expect(await read(x)).toEqual([4, 16, 36]);
    x.fill_(-1);
    expect(await read(x)).toEqual([-1, -1, -1]);
    x.dispose();
  });

  it('keeps long chains of dispatches in order across batches', async () => {
    let x = wg.keep(wg.zeros([1000]));
    for (let i = 0; i < 700; i++) {
      const y = x.add(1);
      x.dispose();
      x = wg.keep(y);
    }
    expect(new Set(await read(x))).toEqual(new Set([700]));
    x.dispose();
  });

  it('spreads large dispatches over two grid dimensions', async () => {
    const n = 256 * 65535 + 7;
    const x = wg.ones([n]);
    const s = x.mul(2).sum();
    expect(await read(s)).toEqual([2 * n]);
    const rows = wg.ones([70000, 64]);
    const r = rows.sum(1);
    const got = await read(r);
    expect(got.length).toBe(70000);
    expect(got.every((v) => v === 64)).toBe(true);
    wg.dispose([x, s, rows, r]);
  });

  it('splits long reductions with few outputs over several workgroups', async () => {
    const n = 40000;
    const vals = Array.from({ length: 3 * n }, (_, i) => Math.sin(i) * 100);
    const x = wg.tensor(vals, { shape: [n, 3] }).T; // strided: [3, n] over a [n, 3] block
    const want = [0, 1, 2].map((c) => Math.max(...vals.filter((_, i) => i % 3 === c)));
    expect(await read(wg.max(x, 1))).toEqual(want.map(Math.fround));
    const sums = await read(wg.sum(x, 1));
    [0, 1, 2].forEach((c) =>
      expect(sums[c]).toBeCloseTo(
        vals.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0),
        0,
      ),
    );
  });

  it('reports memory through the engine and frees buffers into its pool', async () => {
    const before = wg.memory();
    const t = wg.zeros([1024]);
    expect(wg.memory().bytes - before.bytes).toBe(4096);
    t.dispose();
    expect(wg.memory().bytes).toBe(before.bytes);
    expect(wg.memory().heapBytes).toBeGreaterThan(0);
  });

  it('matmul with bias and relu epilogue (linear) and int32 matmul', async () => {
    const x = wg.tensor([1, -2, 3, 4, 5, -6], { shape: [2, 3] });
    const w = wg.tensor([1, 0, 1, 0, 1, 1], { shape: [2, 3] });
    const b = wg.tensor([0.5, -1]);
    expect(await read(wg.linear(x, w, b))).toEqual([4.5, 0, -1.5, -2]);
    const i = wg.tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32' });
    const p = i.matmul(i);
    expect(p.dtype).toBe('int32');
    expect(await read(p)).toEqual([7, 10, 15, 22]);
  });

  it('takes every GEMM load path (vec4 along k, m or n, scalar) to the same result', async () => {
    const [M, K, N] = [8, 12, 16];
    const a = Array.from({ length: M * K }, (_, i) => ((i * 7) % 11) - 5);
    const b = Array.from({ length: K * N }, (_, i) => ((i * 5) % 13) - 6);
    const want: number[] = [];
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) want.push(a.slice(i * K, i * K + K).reduce((s, v, k) => s + v * b[k * N + j], 0));
    const be = ENGINE.backend as unknown as { pipelines: Map<string, unknown> };
    const A = wg.tensor(a, { shape: [M, K] });
    const B = wg.tensor(b, { shape: [K, N] });
    const At = A.T.contiguous().T; // A stored transposed: contiguous along m
    const Bt = B.T.contiguous().T; // B stored transposed: contiguous along k
    const As = wg
      .tensor([0, ...a], { shape: [M * K + 1] })
      .slice([1], [M * K + 1])
      .reshape([M, K]); // offset 1: no vec4
    for (const [x, y] of [
      [A, B],
      [At, Bt],
      [As, B],
    ]) {
      expect(await read(x.matmul(y))).toEqual(want);
    }
    const keys = [...be.pipelines.keys()].filter((k) => k.startsWith('matmul|f32'));
    for (const path of ['|vk|vn|', '|vm|vk|', '|scalar|vn|'])
      expect(
        keys.some((k) => k.includes(path)),
        path,
      ).toBe(true);
  });

  it('throws a BackendError without an adapter or without WebGPU', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(wg.init({ backend: 'webgpu', gpu: noAdapter })).rejects.toThrow(/no WebGPU adapter/);
    await expect(wg.init({ backend: 'webgpu', gpu: {} as GPU })).rejects.toThrow(wg.BackendError);
    expect(ENGINE.backend.name).toBe('webgpu'); // the running backend is untouched
    expect(await read(wg.tensor([1]).add(1))).toEqual([2]);
  });

  it('a lost device gives a clear BackendError until init starts a new one', async () => {
    const { create } = await import('webgpu');
    await wg.init({ backend: 'webgpu', gpu: create([]) as GPU });
    const x = wg.tensor([1, 2]);
    const be = ENGINE.backend as unknown as { device: GPUDevice; lostReason: string | null };
    be.device.destroy();
    await be.device.lost;
    expect(() => x.add(1)).toThrow(/GPU device was lost/);
    await expect(x.data()).rejects.toThrow(wg.BackendError);
    // init with no gpu reuses the entry point that made the lost device.
    await wg.init({ backend: 'webgpu' });
    const [y] = await readAll([wg.tensor([3, 4]).mul(2)]);
    expectClose(y.data, [6, 8]);
  });
});
