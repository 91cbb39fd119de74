// Chapter 7 (examples/book/ch07-regularization.mjs), fast run: the wide MLP
// over-fits 200 digits, and each regulariser ends with a lower validation
// loss than the baseline's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch07-regularization.mjs';
import { lineSeries, readSvg } from './ch06-09-svg.js';

describe('chapter 7: regularisation', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch07-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the baseline over-fits: training loss near zero, validation loss past its minimum and far above', () => {
    const h = result.headline;
    expect(h.baselineFinalTrainLoss).toBeLessThan(0.01);
    expect(h.baselineFinalValLoss).toBeGreaterThan(h.baselineMinValLoss);
    expect(h.baselineFinalValLoss).toBeGreaterThan(10 * h.baselineFinalTrainLoss);
  });

  it('L2, dropout, early stopping and shifted digits each end below the baseline’s validation loss', () => {
    const h = result.headline;
    for (const k of ['l2', 'dropout', 'earlyStopping', 'augmentation']) expect(h[`${k}FinalValLoss`], k).toBeLessThan(h.baselineFinalValLoss);
  });

  it('early stopping stops before the last epoch', () => {
    expect(result.headline.earlyStoppingEpochs).toBeLessThan(40);
  });

  it('every variant still classifies well above chance', () => {
    for (const k of ['baseline', 'l2', 'dropout', 'earlyStopping', 'augmentation']) expect(result.headline[`${k}TestAcc`], k).toBeGreaterThan(0.85);
  });

  it('writes one SVG with three charts of five curves each', () => {
    expect(result.files).toHaveLength(1);
    const svg = readSvg(result.files[0]);
    expect(svg.count.svg).toBe(4);
    expect(lineSeries(svg)).toBe(15);
  });
});
