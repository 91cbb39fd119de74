// Chapter 8 (examples/book/ch08-optimization.mjs), fast run: momentum and the
// adaptive methods beat plain SGD at the same budget; batch normalisation
// trains a deep MLP that plain SGD cannot move at PyTorch's default init.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch08-optimization.mjs';
import { lineSeries, readSvg } from './ch06-09-svg.js';

const BETTER = ['momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

describe('chapter 8: optimisation', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch08-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('momentum, Nesterov, AdaGrad, RMSProp and Adam reach a lower training loss and a higher test accuracy than SGD', () => {
    const h = result.headline;
    for (const k of BETTER) {
      expect(h[`${k}FinalLoss`], k).toBeLessThan(h.sgdFinalLoss);
      expect(h[`${k}TestAcc`], k).toBeGreaterThan(h.sgdTestAcc);
    }
  });

  it('momentum gets further than SGD along the ill-conditioned quadratic', () => {
    const h = result.headline;
    expect(h.momentumQuadraticFinal).toBeLessThan(h.sgdQuadraticFinal / 10);
    expect(h.nesterovQuadraticFinal).toBeLessThan(h.sgdQuadraticFinal / 10);
  });

  it('batch normalisation trains the deep MLP, which does not learn without it at the default init', () => {
    const h = result.headline;
    expect(h.noBatchNormFinalLoss).toBeGreaterThan(2);
    expect(h.batchNormFinalLoss).toBeLessThan(h.noBatchNormFinalLoss - 1);
    expect(h.batchNormTestAcc).toBeGreaterThan(0.85);
    // and it is ahead of He initialisation after the first epoch
    expect(h.batchNormFirstEpochLoss).toBeLessThan(h.heInitFirstEpochLoss);
  });

  it('writes the loss curves (6 series), the quadratic paths and the batch-norm charts (3 series each)', () => {
    const [optimizers, quadratic, batchnorm] = result.files.map(readSvg);
    expect(result.files).toHaveLength(3);
    expect(lineSeries(optimizers)).toBe(6);
    expect(quadratic.count.circle).toBe(6 * 41 + 6); // 40 steps plus the start for each method, and the legend
    expect(batchnorm.count.svg).toBe(3);
    expect(lineSeries(batchnorm)).toBe(6);
  });
});
