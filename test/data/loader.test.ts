// TensorDataset, Subset and DataLoader: rows, batches, shuffling, seeds, memory.
import { beforeAll, describe, expect, it } from 'vitest';
import * as data from '../../src/data/index.js';
import * as wg from '../../src/index.js';

beforeAll(() => wg.init());

/** A dataset of n rows: x[i] = [i, 10 i] (float32), y[i] = i (int32). */
function rows(n: number): data.TensorDataset<[wg.Tensor, wg.Tensor]> {
  const x = wg.tensor(
    Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * (k - 1))),
    { shape: [n, 2] },
  );
  const y = wg.arange(n, undefined, 1, { dtype: 'int32' });
  return new data.TensorDataset(x, y);
}

/** The y values of every batch of one epoch (disposing the batches). */
function epoch(loader: data.DataLoader): number[][] {
  return wg.tidy(() => [...loader].map(([, y]) => Array.from(y.dataSync())));
}

describe('TensorDataset', () => {
  it('has a length and returns the i-th row of each tensor', () => {
    const ds = rows(5);
    expect(ds.length).toBe(5);
    const [x, y] = ds.get(3);
    expect(x.shape).toEqual([2]);
    expect(x.toArray()).toEqual([3, 30]);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3);
    expect(y.dtype).toBe('int32');
    wg.dispose([x, y]);
    ds.dispose();
  });

  it('gathers a batch of rows in the order given', () => {
    const ds = rows(6);
    const [x, y] = ds.getBatch(Int32Array.from([4, 0, 4]));
    expect(x.toArray()).toEqual([
      [4, 40],
      [0, 0],
      [4, 40],
    ]);
    expect(y.toArray()).toEqual([4, 0, 4]);
    wg.dispose([x, y]);
    ds.dispose();
  });

  it('rejects bad tensors and indices naming the function', () => {
    const a = wg.zeros([3, 2]);
    const b = wg.zeros([4]);
    expect(() => new data.TensorDataset()).toThrow(wg.ArgumentError);
    expect(() => new data.TensorDataset(a, b)).toThrow(/TensorDataset: tensors differ in their first dimension: \[3,2\], \[4\]/);
    expect(() => new data.TensorDataset(a, b)).toThrow(wg.ShapeError);
    expect(() => new data.TensorDataset(wg.tensor(1))).toThrow(wg.ShapeError);
    expect(() => new data.TensorDataset(a, [1, 2, 3] as unknown as wg.Tensor)).toThrow(/TensorDataset: argument 1 must be a Tensor/);
    const ds = new data.TensorDataset(a);
    expect(() => ds.get(3)).toThrow(/TensorDataset.get: index 3 is out of range for a dataset of length 3/);
    expect(() => ds.get(1.5)).toThrow(wg.ArgumentError);
    expect(() => ds.getBatch(Int32Array.from([0, -1]))).toThrow(wg.ArgumentError);
    wg.dispose([a, b]);
  });
});

describe('DataLoader', () => {
  it('yields batches stacked along dim 0 with a smaller last batch', () => {
    const ds = rows(10);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const shapes: number[][][] = [];
    const ys: number[] = [];
    for (const [x, y] of loader) {
      shapes.push([x.shape.slice(), y.shape.slice()]);
      ys.push(...y.dataSync());
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      wg.dispose([x, y]);
    }
    expect(shapes).toEqual([
      [[4, 2], [4]],
      [[4, 2], [4]],
      [[2, 2], [2]],
    ]);
    expect(ys).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    ds.dispose();
  });

  it('dropLast drops the partial batch; batchSize defaults to 1', () => {
    const ds = rows(10);
    const dropped = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(epoch(dropped)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new data.DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new data.DataLoader(ds, { batchSize: 11, dropLast: true }).length).toBe(0);
    expect(epoch(new data.DataLoader(ds, { batchSize: 11, dropLast: true }))).toEqual([]);
    const ones = new data.DataLoader(ds);
    expect(ones.length).toBe(10);
    expect(epoch(ones).map((b) => b.length)).toEqual(Array(10).fill(1));
    ds.dispose();
  });

  it('shuffling covers every index exactly once per epoch, and epochs differ', () => {
    const ds = rows(37);
    const loader = new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 3 });
    const orders: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const order = epoch(loader).flat();
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
      orders.push(order);
    }
    expect(loader.epoch).toBe(3);
    expect(orders[0]).not.toEqual(Array.from({ length: 37 }, (_, i) => i));
    expect(orders[1]).not.toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[1]);
    ds.dispose();
  });

  it('a seed fixes each epoch: another loader with the same seed repeats it, another seed does not', () => {
    const ds = rows(50);
    const a = new data.DataLoader(ds, { batchSize: 7, shuffle: true, seed: 42 });
    const b = new data.DataLoader(ds, { batchSize: 7, shuffle: true, seed: 42 });
    const c = new data.DataLoader(ds, { batchSize: 7, shuffle: true, seed: 43 });
    const a0 = epoch(a);
    wg.rand([10]).dispose(); // draws from the global generator do not matter
    const a1 = epoch(a);
    expect(epoch(b)).toEqual(a0);
    expect(epoch(b)).toEqual(a1);
    expect(epoch(c)).not.toEqual(a0);
    // Setting the epoch replays it; order() gives it without making batches.
    a.epoch = 1;
    expect(epoch(a)).toEqual(a1);
    expect(Array.from(a.order(0))).toEqual(a0.flat());
    ds.dispose();
  });

  it('without a seed, wg.seed(n) makes the shuffle reproducible', () => {
    const ds = rows(40);
    const loader = new data.DataLoader(ds, { batchSize: 16, shuffle: true });
    wg.seed(7);
    const first = [epoch(loader), epoch(loader)];
    wg.seed(7);
    const again = [epoch(loader), epoch(loader)];
    expect(again).toEqual(first);
    expect(first[1]).not.toEqual(first[0]);
    wg.seed(8);
    expect(epoch(loader)).not.toEqual(first[0]);
    ds.dispose();
  });

  it('an epoch inside tidy leaves memory flat, and so does disposing each batch', () => {
    const ds = rows(100);
    const loader = new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1 });
    const m0 = wg.memory();
    for (let e = 0; e < 3; e++) {
      wg.tidy(() => {
        for (const [x, y] of loader) x.sum().add(y.sum());
      });
      expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
    }
    for (const batch of loader) {
      wg.tidy(() => {
        batch[0].mul(2).sum();
      });
      wg.dispose(batch);
    }
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
    ds.dispose();
  });

  it('batches carry no gradient even when the data requires it', () => {
    const x = wg.ones([4, 3], { requiresGrad: true });
    const loader = new data.DataLoader(new data.TensorDataset(x), { batchSize: 2 });
    wg.tidy(() => {
      for (const [b] of loader) expect(b.requiresGrad).toBe(false);
    });
    x.dispose();
  });

  it('works on any Dataset (stacking rows) and on Subsets', () => {
    const squares: data.Dataset<[wg.Tensor]> = { length: 5, get: (i) => [wg.tensor([i, i * i])] };
    const loader = new data.DataLoader(squares, { batchSize: 2 });
    const m0 = wg.memory().tensors;
    const got = wg.tidy(() => [...loader].map(([x]) => x.toArray()));
    expect(got).toEqual([
      [
        [0, 0],
        [1, 1],
      ],
      [
        [2, 4],
        [3, 9],
      ],
      [[4, 16]],
    ]);
    expect(wg.memory().tensors).toBe(m0);
    const ds = rows(10);
    const sub = new data.Subset(ds, [9, 2, 5]);
    expect(sub.length).toBe(3);
    expect(wg.tidy(() => sub.get(1)[1].item())).toBe(2);
    expect(epoch(new data.DataLoader(sub, { batchSize: 2 }))).toEqual([[9, 2], [5]]);
    const subOfPlain = new data.Subset(squares, [4, 0]);
    expect(wg.tidy(() => [...new data.DataLoader(subOfPlain, { batchSize: 2 })].map(([x]) => x.toArray()))).toEqual([
      [
        [4, 16],
        [0, 0],
      ],
    ]);
    expect(() => new data.Subset(ds, [10])).toThrow(/Subset: index 10 is out of range/);
    ds.dispose();
  });

  it('rejects bad options naming DataLoader', () => {
    const ds = rows(3);
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be a positive integer, got 0/);
    expect(() => new data.DataLoader(ds, { batchSize: 2.5 })).toThrow(wg.ArgumentError);
    expect(() => new data.DataLoader(ds, { shuffle: 'yes' as unknown as boolean })).toThrow(/DataLoader: shuffle must be a boolean/);
    expect(() => new data.DataLoader(ds, { seed: Number.NaN })).toThrow(/DataLoader: seed must be a finite number/);
    expect(() => new data.DataLoader(ds, { batch_size: 2 } as unknown as data.DataLoaderOptions)).toThrow(/DataLoader: unknown option 'batch_size'/);
    expect(() => new data.DataLoader(null as unknown as data.Dataset)).toThrow(/DataLoader: expected a dataset/);
    ds.dispose();
  });
});
