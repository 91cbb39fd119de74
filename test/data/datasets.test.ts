// The bundled real data sets: shapes, classes, first rows, and the browser paths
// (raw contents, DecompressionStream).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { gunzipWithStream } from '../../src/data/files.js';
import * as data from '../../src/data/index.js';
import * as wg from '../../src/index.js';

beforeAll(() => wg.init());

function classCounts(y: wg.Tensor, k: number): number[] {
  const c = new Array(k).fill(0);
  for (const v of y.dataSync()) c[v]++;
  return c;
}

function firstRow(x: wg.Tensor): number[] {
  const f = x.size / x.shape[0];
  return Array.from(x.dataSync().subarray(0, f));
}

const f32 = (a: number[]) => a.map(Math.fround);

describe('real data sets', () => {
  it('loadDigits: 1797 x 64, 10 classes, pixels 0..16, and as images [n, 1, 8, 8]', async () => {
    const d = await data.loadDigits();
    expect(d.x.shape).toEqual([1797, 64]);
    expect(d.x.dtype).toBe('float32');
    expect(d.y.shape).toEqual([1797]);
    expect(d.y.dtype).toBe('int32');
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.featureNames).toHaveLength(64);
    expect(d.featureNames[9]).toBe('pixel_1_1');
    expect(classCounts(d.y, 10)).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(firstRow(d.x).slice(0, 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]);
    expect(d.y.dataSync()[0]).toBe(0);
    expect(wg.tidy(() => [d.x.min().item(), d.x.max().item()])).toEqual([0, 16]);
    const img = await data.loadDigits({ images: true });
    expect(img.x.shape).toEqual([1797, 1, 8, 8]);
    expect((img.x.toArray() as number[][][][])[0][0][1]).toEqual([0, 0, 13, 15, 10, 15, 5, 0]);
    wg.dispose([d.x, d.y, img.x, img.y]);
  });

  it('loadIris: 150 x 4, 3 classes of 50', async () => {
    const d = await data.loadIris();
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.featureNames).toEqual(['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
    expect(classCounts(d.y, 3)).toEqual([50, 50, 50]);
    expect(firstRow(d.x)).toEqual(f32([5.1, 3.5, 1.4, 0.2]));
    expect(Array.from(d.x.dataSync().subarray(596))).toEqual(f32([5.9, 3.0, 5.1, 1.8]));
    expect(d.y.dataSync()[149]).toBe(2);
    wg.dispose([d.x, d.y]);
  });

  it('loadWine: 178 x 13, 3 classes', async () => {
    const d = await data.loadWine();
    expect(d.x.shape).toEqual([178, 13]);
    expect(d.featureNames[12]).toBe('proline');
    expect(d.classNames).toEqual(['class_0', 'class_1', 'class_2']);
    expect(classCounts(d.y, 3)).toEqual([59, 71, 48]);
    expect(firstRow(d.x)).toEqual(f32([14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065]));
    wg.dispose([d.x, d.y]);
  });

  it('loadBreastCancer: 569 x 30, 2 classes (0 = malignant)', async () => {
    const d = await data.loadBreastCancer();
    expect(d.x.shape).toEqual([569, 30]);
    expect(d.classNames).toEqual(['malignant', 'benign']);
    expect(d.featureNames.slice(0, 2)).toEqual(['mean radius', 'mean texture']);
    expect(d.featureNames[10]).toBe('radius error');
    expect(d.featureNames[29]).toBe('worst fractal dimension');
    expect(classCounts(d.y, 2)).toEqual([212, 357]);
    expect(firstRow(d.x).slice(0, 4)).toEqual(f32([17.99, 10.38, 122.8, 1001]));
    expect(firstRow(d.x)[29]).toBe(Math.fround(0.1189));
    wg.dispose([d.x, d.y]);
  });

  it('accepts the raw contents (text or bytes, gzip or not) and other locations, as a browser app would pass them', async () => {
    const gz = new Uint8Array(await readFile(data.dataUrl('digits.csv.gz')));
    const viaBytes = await data.loadDigits({ data: gz });
    expect(viaBytes.x.shape).toEqual([1797, 64]);
    // the DecompressionStream path that browsers take gives the same text
    const text = new TextDecoder().decode(await gunzipWithStream(gz));
    expect(text).toBe(new TextDecoder().decode(await data.gunzip(gz)));
    const parsed = data.parseDigitsCsv(text, { images: true });
    expect(parsed.x.shape).toEqual([1797, 1, 8, 8]);
    expect(Array.from(parsed.x.dataSync())).toEqual(Array.from(viaBytes.x.dataSync()));
    const irisText = await readFile(data.dataUrl('iris.csv'), 'utf8');
    const iris = data.parseIrisCsv(irisText);
    const irisBuf = await data.loadIris({ data: new TextEncoder().encode(irisText).buffer as ArrayBuffer });
    const irisUrl = await data.loadIris({ url: data.dataUrl('iris.csv').href });
    expect(irisBuf.x.toArray()).toEqual(iris.x.toArray());
    expect(irisUrl.y.toArray()).toEqual(iris.y.toArray());
    const wine = data.parseWineCsv(await readFile(data.dataUrl('wine_data.csv'), 'utf8'));
    const cancer = data.parseBreastCancerCsv(await readFile(data.dataUrl('breast_cancer.csv'), 'utf8'));
    expect([wine.x.shape, cancer.x.shape]).toEqual([
      [178, 13],
      [569, 30],
    ]);
    for (const d of [viaBytes, parsed, iris, irisBuf, irisUrl, wine, cancer]) wg.dispose([d.x, d.y]);
  });

  it('fetches from http URLs (the browser path)', async () => {
    const server = createServer(async (req, res) => {
      try {
        res.end(await readFile(data.dataUrl(req.url!.slice(1))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const d = await data.loadDigits({ url: `${base}/digits.csv.gz` });
      expect(d.x.shape).toEqual([1797, 64]);
      const c = await data.loadBreastCancer({ url: new URL('/breast_cancer.csv', base) });
      expect(c.x.shape).toEqual([569, 30]);
      await expect(data.loadWine({ url: `${base}/missing.csv` })).rejects.toThrow(/could not fetch .*missing.csv: 404/);
      wg.dispose([d.x, d.y, c.x, c.y]);
    } finally {
      server.close();
    }
  });

  it('feeds a training-style pipeline: split, standardise, batches, with flat memory', async () => {
    const { x, y } = await data.loadIris();
    const { train, test } = data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: y });
    expect([train.length, test.length]).toEqual([120, 30]);
    expect(classCounts(test.tensors[1], 3)).toEqual([10, 10, 10]);
    const scaler = new data.StandardScaler().fit(train.tensors[0]);
    const xs = scaler.transform(train.tensors[0]);
    const loader = new data.DataLoader(new data.TensorDataset(xs, train.tensors[1]), { batchSize: 32, shuffle: true, seed: 0 });
    expect(loader.length).toBe(4);
    const m0 = wg.memory();
    let seen = 0;
    wg.tidy(() => {
      for (const [xb, yb] of loader) {
        seen += yb.shape[0];
        wg.crossEntropy(xb.matmul(wg.ones([4, 3])), yb).item();
      }
    });
    expect(seen).toBe(120);
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
    wg.dispose([x, y, xs]);
    train.dispose();
    test.dispose();
  });

  it('rejects malformed files and options, naming the function', async () => {
    expect(() => data.parseIrisCsv('150,4,a,b,c\n5.1,3.5,1.4,0.2,0\n')).toThrow(/parseIrisCsv: the header announces 150 rows, the file has 1/);
    expect(() => data.parseIrisCsv('1,4,a,b,c\n5.1,3.5,1.4,0\n')).toThrow(/parseIrisCsv: line 2 has 4 values, expected 5/);
    expect(() => data.parseIrisCsv('1,4,a,b,c\n5.1,x,1.4,0.2,0\n')).toThrow(/parseIrisCsv: line 2, column 2: 'x' is not a number/);
    expect(() => data.parseIrisCsv('1,4,a,b,c\n5.1,3.5,1.4,0.2,3\n')).toThrow(/parseIrisCsv: line 2: label 3 is not a class index in 0..2/);
    expect(() => data.parseWineCsv('1,4,a,b,c\n5.1,3.5,1.4,0.2,0\n')).toThrow(/parseWineCsv: bad header/);
    expect(() => data.parseDigitsCsv('')).toThrow(/parseDigitsCsv: the file has no rows/);
    expect(() => data.parseDigitsCsv(3 as unknown as string)).toThrow(wg.ArgumentError);
    await expect(data.loadIris({ path: 'x' } as unknown as data.SourceOptions)).rejects.toThrow(/loadIris: unknown option 'path'/);
    await expect(data.loadDigits({ data: 5 as unknown as string })).rejects.toThrow(/loadDigits: data must be a string, an ArrayBuffer or a Uint8Array/);
    await expect(data.gunzip(new Uint8Array([1, 2, 3]))).rejects.toThrow(wg.ArgumentError);
  });
});
