// Creating, reading and printing tensors, on every backend.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

for (const backend of ['js', 'wasm'] as const) {
  describe(`tensors on ${backend}`, () => {
    const run = <T>(fn: () => T) => on(backend, () => wg.tidy(fn));

    it('creates from numbers, nested arrays and typed arrays', async () => {
      run(() => {
        const s = wg.tensor(3.5);
        expect(s.shape).toEqual([]);
        expect(s.ndim).toBe(0);
        expect(s.size).toBe(1);
        expect(s.item()).toBe(3.5);
        const m = wg.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        expect(m.shape).toEqual([2, 3]);
        expect(m.dtype).toBe('float32');
        expect(m.device).toBe(backend);
        expect(m.toArray()).toEqual([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        expect(Array.from(m.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
        expect(wg.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
        expect(wg.tensor(new Float64Array([1, 2])).dtype).toBe('float64');
        expect(wg.tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32' }).toArray()).toEqual([
          [1, 2],
          [3, 4],
        ]);
        expect(wg.tensor([true, false]).toArray()).toEqual([1, 0]);
        expect(wg.tensor([]).shape).toEqual([0]);
      });
      const t = on(backend, () => wg.tensor([1, 2, 3]));
      const d = await t.data();
      expect(d).toBeInstanceOf(Float32Array);
      expect(Array.from(d)).toEqual([1, 2, 3]);
      t.dispose();
    });

    it('reads a copy, not a view', () => {
      run(() => {
        const t = wg.tensor([1, 2, 3]);
        const d = t.dataSync();
        d[0] = 99;
        expect(t.dataSync()[0]).toBe(1);
      });
    });

    it('constants, ranges and identity', () => {
      run(() => {
        expect(wg.zeros([2, 2]).toArray()).toEqual([
          [0, 0],
          [0, 0],
        ]);
        expect(wg.ones(3, { dtype: 'int32' }).toArray()).toEqual([1, 1, 1]);
        expect(wg.full([2], 7).toArray()).toEqual([7, 7]);
        expect(wg.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
        expect(wg.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
        expect(wg.arange(5, 0, -2, { dtype: 'int32' }).toArray()).toEqual([5, 3, 1]);
        expect(wg.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
        expect(wg.eye(2, 3).toArray()).toEqual([
          [1, 0, 0],
          [0, 1, 0],
        ]);
        const x = wg.tensor([[1, 2]], { dtype: 'float64' });
        expect(wg.zerosLike(x).dtype).toBe('float64');
        expect(wg.onesLike(x).toArray()).toEqual([[1, 1]]);
      });
    });

    it('random tensors are reproducible after seed', () => {
      run(() => {
        wg.seed(7);
        const a = wg.rand([100]).dataSync();
        const n = wg.randn([1000]).dataSync();
        const i = wg.randint(-3, 4, [200]).dataSync();
        wg.seed(7);
        expect(wg.rand([100]).dataSync()).toEqual(a);
        expect(wg.randn([1000]).dataSync()).toEqual(n);
        expect(wg.randint(-3, 4, [200]).dataSync()).toEqual(i);
        expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...a)).toBeLessThan(1);
        const mean = n.reduce((s, v) => s + v, 0) / n.length;
        const sd = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
        expect(Math.abs(mean)).toBeLessThan(0.1);
        expect(Math.abs(sd - 1)).toBeLessThan(0.1);
        expect(Math.min(...i)).toBe(-3);
        expect(Math.max(...i)).toBe(3);
      });
    });

    it('prints like PyTorch', () => {
      run(() => {
        expect(
          wg
            .tensor([
              [1, 2],
              [3, 4],
            ])
            .toString(),
        ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
        expect(wg.tensor([0.5, -1.25]).toString()).toBe('tensor([ 0.5000, -1.2500])');
        expect(wg.tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
        expect(wg.tensor(2.5).toString()).toBe('tensor(2.5000)');
        expect(wg.tensor([1e-8, 1]).toString()).toBe('tensor([1.0000e-8, 1.0000e+0])');
        expect(wg.tensor([1, 2], { requiresGrad: true }).toString()).toBe('tensor([1., 2.], requiresGrad=true)');
        const big = wg.arange(2000).toString();
        expect(big).toContain('...');
        expect(big.length).toBeLessThan(200);
      });
    });

    it('views share storage and read correctly', () => {
      run(() => {
        const x = wg.arange(12).reshape([3, 4]);
        expect(x.T.toArray()).toEqual([
          [0, 4, 8],
          [1, 5, 9],
          [2, 6, 10],
          [3, 7, 11],
        ]);
        expect(x.slice([1, 1], [3, 4], [1, 2]).toArray()).toEqual([
          [5, 7],
          [9, 11],
        ]);
        expect(x.select(1, 2).toArray()).toEqual([2, 6, 10]);
        expect(x.unsqueeze(0).shape).toEqual([1, 3, 4]);
        expect(wg.tensor([5]).broadcastTo([2, 3]).toArray()).toEqual([
          [5, 5, 5],
          [5, 5, 5],
        ]);
        const m = wg.memory();
        const v = x.permute([1, 0]);
        expect(wg.memory().bytes).toBe(m.bytes); // a view adds no storage
        expect(wg.memory().tensors).toBe(m.tensors + 1);
        v.dispose();
      });
    });
  });
}
