// randomSplit and trainTestSplit: sizes, disjoint cover, reproducibility, stratification.
import { beforeAll, describe, expect, it } from 'vitest';
import * as data from '../../src/data/index.js';
import * as wg from '../../src/index.js';

beforeAll(() => wg.init());

function ids(ds: data.Dataset): number[] {
  return wg.tidy(() => Array.from(ds.getBatch!(Int32Array.from({ length: ds.length }, (_, i) => i))[0].dataSync()));
}

function sorted(a: number[]): number[] {
  return [...a].sort((p, q) => p - q);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('randomSplit', () => {
  it('splits by lengths or fractions into disjoint TensorDatasets covering every row', () => {
    const x = wg.arange(10, undefined, 1, { dtype: 'int32' });
    const ds = new data.TensorDataset(x, x.float().mul(2));
    const parts = data.randomSplit(ds, [6, 3, 1], { seed: 0 });
    expect(parts.map((p) => p.length)).toEqual([6, 3, 1]);
    expect(parts.every((p) => p instanceof data.TensorDataset)).toBe(true);
    expect(sorted(parts.flatMap(ids))).toEqual(range(10));
    // rows stay together: the second tensor is twice the first
    const [a, b] = parts[0].tensors;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync(), (v) => 2 * v));
    const fr = data.randomSplit(ds, [0.5, 0.3, 0.2], { seed: 0 });
    expect(fr.map((p) => p.length)).toEqual([5, 3, 2]);
    // remainders of the rounding go round-robin, as in torch.utils.data.random_split
    expect(data.randomSplit(ds, [0.33, 0.33, 0.34], { seed: 0 }).map((p) => p.length)).toEqual([4, 3, 3]);
    const withEmpty = data.randomSplit(ds, [10, 0], { seed: 0 });
    expect(withEmpty.map((p) => p.tensors[1].shape)).toEqual([[10], [0]]);
    for (const p of [...parts, ...fr, ...withEmpty]) p.dispose();
    ds.dispose();
  });

  it('is reproducible with a seed and with wg.seed', () => {
    const x = wg.arange(30, undefined, 1, { dtype: 'int32' });
    const ds = new data.TensorDataset(x);
    const split = (seed?: number) => data.randomSplit(ds, [0.7, 0.3], seed === undefined ? {} : { seed }).map((p) => ids(p));
    expect(split(5)).toEqual(split(5));
    expect(split(5)).not.toEqual(split(6));
    wg.seed(11);
    const a = split();
    wg.seed(11);
    expect(split()).toEqual(a);
    ds.dispose();
  });

  it('splits other datasets into Subsets', () => {
    const plain: data.Dataset<[wg.Tensor]> = { length: 8, get: (i) => [wg.tensor([i])] };
    const [a, b] = data.randomSplit(plain, [5, 3], { seed: 1 });
    expect(a).toBeInstanceOf(data.Subset);
    expect(sorted([...a.indices, ...b.indices])).toEqual(range(8));
  });

  it('rejects lengths that do not fit, naming randomSplit', () => {
    const x = wg.zeros([10]);
    const ds = new data.TensorDataset(x);
    expect(() => data.randomSplit(ds, [5, 4])).toThrow(/randomSplit: lengths \[5,4\] neither sum to the dataset length 10/);
    expect(() => data.randomSplit(ds, [0.5, 0.6])).toThrow(wg.ArgumentError);
    expect(() => data.randomSplit(ds, [])).toThrow(/randomSplit: lengths must be a non-empty array/);
    expect(() => data.randomSplit(ds, [-1, 11])).toThrow(wg.ArgumentError);
    expect(() => data.randomSplit(ds, [5, 5], { seed: Number.POSITIVE_INFINITY })).toThrow(/randomSplit: seed must be a finite number/);
    x.dispose();
  });
});

describe('trainTestSplit', () => {
  it('gives a test part of ceil(testSize * n) rows (default 0.2) and keeps rows together', () => {
    const x = wg.arange(50, undefined, 1).reshape([25, 2]);
    const y = wg.arange(25, undefined, 1, { dtype: 'int32' });
    const { train, test } = data.trainTestSplit(x, y, { seed: 0 });
    expect([train.length, test.length]).toEqual([20, 5]);
    expect(train.tensors[0].shape).toEqual([20, 2]);
    expect(test.tensors[1].shape).toEqual([5]);
    expect(test.tensors[1].dtype).toBe('int32');
    expect(sorted([...train.tensors[1].dataSync(), ...test.tensors[1].dataSync()])).toEqual(range(25));
    const tx = test.tensors[0].toArray() as number[][];
    const ty = Array.from(test.tensors[1].dataSync());
    tx.forEach((row, i) => expect(row).toEqual([2 * ty[i], 2 * ty[i] + 1]));
    const s = data.trainTestSplit(x, y, { testSize: 0.33 });
    expect([s.train.length, s.test.length]).toEqual([16, 9]);
    const c = data.trainTestSplit(x, { testSize: 7, seed: 1 });
    expect([c.train.length, c.test.length]).toEqual([18, 7]);
    for (const d of [train, test, s.train, s.test, c.train, c.test]) d.dispose();
    wg.dispose([x, y]);
  });

  it('is reproducible with a seed and with wg.seed', () => {
    const y = wg.arange(40, undefined, 1, { dtype: 'int32' });
    const run = (opts: data.TrainTestSplitOptions) => {
      const { train, test } = data.trainTestSplit(y, opts);
      const out = [ids(train), ids(test)];
      train.dispose();
      test.dispose();
      return out;
    };
    expect(run({ seed: 3 })).toEqual(run({ seed: 3 }));
    expect(run({ seed: 3 })).not.toEqual(run({ seed: 4 }));
    wg.seed(21);
    const a = run({});
    wg.seed(21);
    expect(run({})).toEqual(a);
    y.dispose();
  });

  it('stratify keeps every class ratio in both parts', () => {
    // 60 / 30 / 10 rows of classes 0, 1, 2
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const y = wg.tensor(labels);
    const x = wg.arange(100, undefined, 1).reshape([100, 1]);
    const count = (t: wg.Tensor) => [0, 1, 2].map((c) => Array.from(t.dataSync()).filter((v) => v === c).length);
    for (const seed of [0, 1, 2]) {
      const { train, test } = data.trainTestSplit(x, y, { testSize: 0.2, seed, stratify: y });
      expect(count(test.tensors[1])).toEqual([12, 6, 2]);
      expect(count(train.tensors[1])).toEqual([48, 24, 8]);
      // features still match their labels
      const tx = Array.from(test.tensors[0].dataSync());
      const ty = Array.from(test.tensors[1].dataSync());
      tx.forEach((v, i) => expect(labels[v]).toBe(ty[i]));
      train.dispose();
      test.dispose();
    }
    // uneven shares: within one row of the exact share per class, total exact
    const { train, test } = data.trainTestSplit(x, y, { testSize: 0.25, seed: 9, stratify: labels });
    const c = count(test.tensors[1]);
    expect(c.reduce((p, q) => p + q)).toBe(25);
    [15, 7.5, 2.5].forEach((e, k) => expect(Math.abs(c[k] - e)).toBeLessThanOrEqual(1));
    // an unstratified split of the same data misses the ratios for some seed
    const unstrat = [0, 1, 2, 3, 4, 5].map((seed) => {
      const s = data.trainTestSplit(x, y, { testSize: 0.2, seed });
      const r = count(s.test.tensors[1]);
      s.train.dispose();
      s.test.dispose();
      return r;
    });
    expect(unstrat.some((r) => r.join() !== '12,6,2')).toBe(true);
    train.dispose();
    test.dispose();
    wg.dispose([x, y]);
  });

  it('rejects bad input, naming trainTestSplit', () => {
    const x = wg.zeros([10, 2]);
    const y = wg.zeros([9], { dtype: 'int32' });
    expect(() => data.trainTestSplit(x, y)).toThrow(/trainTestSplit: tensors differ in their first dimension/);
    expect(() => data.trainTestSplit(x, y)).toThrow(wg.ShapeError);
    expect(() => data.trainTestSplit({ seed: 1 })).toThrow(/trainTestSplit: expected at least one tensor/);
    expect(() => data.trainTestSplit(x, { testSize: 1.5 })).toThrow(/trainTestSplit: testSize must be a fraction in \(0, 1\) or a positive integer/);
    expect(() => data.trainTestSplit(x, { testSize: 0 })).toThrow(wg.ArgumentError);
    expect(() => data.trainTestSplit(x, { testSize: 10 })).toThrow(/trainTestSplit: testSize 10 leaves no training rows out of 10/);
    expect(() => data.trainTestSplit(x, { stratify: y })).toThrow(/trainTestSplit: stratify must have shape \[10\], got \[9\]/);
    expect(() => data.trainTestSplit(x, { stratify: [0, 1] })).toThrow(wg.ShapeError);
    expect(() => data.trainTestSplit(x, { test_size: 0.1 } as unknown as data.TrainTestSplitOptions)).toThrow(/trainTestSplit: unknown option 'test_size'/);
    wg.dispose([x, y]);
  });
});
