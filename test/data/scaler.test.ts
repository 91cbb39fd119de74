// StandardScaler and standardize: statistics from the training rows only, as scikit-learn.
import { beforeAll, describe, expect, it } from 'vitest';
import * as data from '../../src/data/index.js';
import * as wg from '../../src/index.js';

beforeAll(() => wg.init());

function columnStats(t: wg.Tensor): { mean: number[]; std: number[] } {
  const [n, f] = t.shape;
  const v = t.dataSync();
  const mean = Array.from({ length: f }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i * f + j];
    return s / n;
  });
  const std = mean.map((m, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (v[i * f + j] - m) ** 2;
    return Math.sqrt(s / n);
  });
  return { mean, std };
}

describe('StandardScaler', () => {
  it('fits population mean and std per feature (as scikit-learn) and maps train to zero mean, unit std', () => {
    const x = wg.tensor([
      [1, 10, 5],
      [2, 20, 5],
      [3, 60, 5],
      [6, 30, 5],
    ]);
    const scaler = new data.StandardScaler().fit(x);
    expect(Array.from(scaler.mean!)).toEqual([3, 30, 5]);
    expect(Array.from(scaler.variance!)).toEqual([3.5, 350, 0]);
    // the constant feature gets scale 1 (no division by zero)
    expect(scaler.scale![2]).toBe(1);
    const z = scaler.transform(x);
    expect(z.dtype).toBe('float32');
    const { mean, std } = columnStats(z);
    mean.forEach((m) => expect(m).toBeCloseTo(0, 6));
    expect(std[0]).toBeCloseTo(1, 6);
    expect(std[1]).toBeCloseTo(1, 6);
    expect(std[2]).toBe(0);
    expect((z.toArray() as number[][])[0][0]).toBeCloseTo(-2 / Math.sqrt(3.5), 6);
    const back = scaler.inverseTransform(z);
    const xs = x.dataSync();
    back.dataSync().forEach((v, i) => expect(v).toBeCloseTo(xs[i], 5));
    wg.dispose([x, z, back]);
  });

  it('transforms test rows with the training statistics only', async () => {
    const { x, y } = await data.loadWine();
    const { train, test } = data.trainTestSplit(x, y, { seed: 0, stratify: y });
    const scaler = new data.StandardScaler();
    const zTrain = scaler.fitTransform(train.tensors[0]);
    const zTest = scaler.transform(test.tensors[0]);
    const s = columnStats(zTrain);
    s.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    s.std.forEach((d) => expect(d).toBeCloseTo(1, 5));
    // the test rows use the train statistics: their own mean is not exactly 0
    const expected = columnStats(train.tensors[0]);
    expect(
      Array.from(scaler.mean!)
        .map((m, j) => m - expected.mean[j])
        .every((d) => Math.abs(d) < 1e-3),
    ).toBe(true);
    const t = columnStats(zTest);
    expect(t.mean.some((m) => Math.abs(m) > 1e-3)).toBe(true);
    const raw = test.tensors[0].dataSync();
    expect(zTest.dataSync()[12]).toBeCloseTo((raw[12] - scaler.mean![12]) / scaler.scale![12], 4);
    wg.dispose([x, y, zTrain, zTest]);
    train.dispose();
    test.dispose();
  });

  it('treats every position after dim 0 as a feature, keeps float64, reads int32 as float32, leaks nothing', () => {
    const m0 = wg.memory();
    const img = wg.tensor(
      Float64Array.from({ length: 24 }, (_, i) => (i * 7) % 11),
      { shape: [3, 2, 2, 2] },
    );
    const scaler = new data.StandardScaler().fit(img);
    expect(scaler.featureShape).toEqual([2, 2, 2]);
    const z = scaler.transform(img);
    expect(z.dtype).toBe('float64');
    expect(z.shape).toEqual([3, 2, 2, 2]);
    const flat = z.reshape([3, 8]);
    columnStats(flat).mean.forEach((m) => expect(m).toBeCloseTo(0, 12));
    flat.dispose();
    const ints = wg.tensor([[1], [3]], { dtype: 'int32' });
    const zi = data.standardize(ints);
    expect(zi.dtype).toBe('float32');
    expect(zi.toArray()).toEqual([[-1], [1]]);
    wg.dispose([img, z, ints, zi]);
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
  });

  it('standardize(x) fits on x itself', () => {
    const x = wg.tensor([
      [0, 100],
      [2, 300],
    ]);
    const z = data.standardize(x);
    expect(z.toArray()).toEqual([
      [-1, -1],
      [1, 1],
    ]);
    wg.dispose([x, z]);
  });

  it('rejects bad input, naming the method', () => {
    const scaler = new data.StandardScaler();
    const x = wg.zeros([4, 3]);
    expect(() => scaler.transform(x)).toThrow(/StandardScaler.transform: the scaler is not fitted/);
    scaler.fit(x);
    const other = wg.zeros([4, 2]);
    expect(() => scaler.transform(other)).toThrow(wg.ShapeError);
    expect(() => scaler.inverseTransform(other)).toThrow(
      /StandardScaler.inverseTransform: expected rows of shape \[3\] \(as fitted\), got input of shape \[4,2\]/,
    );
    expect(() => scaler.fit(wg.zeros([0, 3]))).toThrow(/StandardScaler.fit: cannot fit on zero rows/);
    expect(() => data.standardize(wg.tensor(3))).toThrow(/standardize: input must have a row dimension/);
    expect(() => data.standardize([1, 2] as unknown as wg.Tensor)).toThrow(/standardize: input must be a Tensor/);
    wg.dispose([x, other]);
  });
});
