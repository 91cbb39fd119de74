// Chapter 5 (examples/book/ch05-ml-basics.mjs), fast run: gradient descent
// reaches the normal equations' weights; logistic regression and k-nearest
// neighbours classify well; gradient ascent on the log-likelihood lands on the
// closed-form Gaussian MLE, whose variance is biased by (m - 1)/m; and the test
// error against polynomial degree is U-shaped while the training error falls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch05-ml-basics.mjs';
import { readSvgText } from './foundations-svg.js';

describe('chapter 5: machine learning basics', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch05-'));
    ({ headline: h, files } = await run({ fast: true, out }));
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('linear regression: gradient descent gives the normal equations’ weights', () => {
    expect(h.linearNormalW).toHaveLength(13);
    expect(h.linearGdVsNormalMaxDiff).toBeLessThan(1e-3);
    expect(Math.abs(h.linearGdFinalMse - h.linearTrainMse)).toBeLessThan(1e-5);
    expect(h.linearTestMse).toBeLessThan(0.8); // the standardised target has variance ~1
  });

  it('logistic regression classifies the breast-cancer test set', () => {
    expect(h.logisticTestAcc).toBeGreaterThan(0.95);
  });

  it('k-nearest neighbours: accuracy above a bound on iris, wine and digits', () => {
    expect(Math.max(...h.knnIris)).toBeGreaterThan(0.9);
    expect(Math.max(...h.knnWine)).toBeGreaterThan(0.9);
    expect(Math.max(...h.knnDigits)).toBeGreaterThan(0.97);
    for (const acc of [...h.knnIris, ...h.knnWine, ...h.knnDigits]) expect(acc).toBeGreaterThan(0.85);
  });

  it('Gaussian MLE: gradient ascent reaches the sample mean and the 1/m variance', () => {
    expect(Math.abs(h.mleGradMean - h.mleMean)).toBeLessThan(1e-3);
    expect(Math.abs(h.mleGradVariance / h.mleVariance - 1)).toBeLessThan(1e-3);
  });

  it('the 1/m variance estimator is biased by (m - 1)/m; the 1/(m - 1) one is not', () => {
    const s2 = 2.25;
    h.varianceBiasMs.forEach((m: number, i: number) => {
      // Standard error of the mean of T unbiased estimates: sigma^2 sqrt(2 / (m - 1)) / sqrt(T).
      const se = (s2 * Math.sqrt(2 / (m - 1))) / Math.sqrt(h.varianceTrials);
      expect(Math.abs(h.varianceUnbiased[i] - s2), `m = ${m}`).toBeLessThan(4 * se);
      expect(Math.abs(h.varianceBiased[i] - ((m - 1) / m) * s2), `m = ${m}`).toBeLessThan(4 * se);
      expect(h.varianceBiased[i], `m = ${m}`).toBeLessThan(s2 - 4 * se);
    });
  });

  it('capacity: training error falls with the degree, test error is U-shaped with its minimum at 2 or 3', () => {
    const [train, test] = [h.polyTrainMse, h.polyTestMse];
    for (let d = 1; d < train.length; d++) expect(train[d]).toBeLessThanOrEqual(train[d - 1] + 1e-12);
    expect([2, 3]).toContain(h.polyBestDegree);
    expect(test[2]).toBeLessThan(test[1] / 3); // underfitting at degree 1
    expect(test[9]).toBeGreaterThan(10 * test[2]); // overfitting at degree 9
    expect(train[9]).toBeLessThan(train[2]);
  });

  it('writes the kNN, variance-bias and capacity plots', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['ch05-knn.svg', 'ch05-variance-bias.svg', 'ch05-capacity.svg']);
    for (const f of files) readSvgText(f);
  });
});
