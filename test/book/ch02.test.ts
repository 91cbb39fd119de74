// Chapter 2 (examples/book/ch02-linear-algebra.mjs), fast run: PCA of the
// digits by SVD and by eigh agree with each other and with NumPy (the
// committed fixture test/fixtures/pca_digits.json, generate_pca.py), and the
// pseudo-inverse solves least squares as the normal equations and lstsq do.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch02-linear-algebra.mjs';
import { countTags, readSvgText } from './foundations-svg.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/pca_digits.json', import.meta.url), 'utf8'));
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('chapter 2: linear algebra', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch02-'));
    ({ headline: h, files } = await run({ fast: true, out }));
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("PCA's explained-variance ratios equal NumPy's (float32 data, to 1e-4), by SVD and by eigh", () => {
    const ref = fixture.pca.explained_variance_ratio;
    expect(h.explainedVarianceRatio).toHaveLength(64);
    expect(maxDiff(h.explainedVarianceRatio, ref)).toBeLessThan(1e-4);
    expect(maxDiff(h.eigExplainedVarianceRatio, ref)).toBeLessThan(1e-4);
    // the leading ratios relative to their size, too
    for (let k = 0; k < 10; k++) expect(Math.abs(h.explainedVarianceRatio[k] / ref[k] - 1)).toBeLessThan(1e-4);
    expect(h.svdVsEigMaxDiff).toBeLessThan(1e-5);
    expect(h.directionAlignmentMin).toBeGreaterThan(0.9999);
  });

  it('the rank-10 reconstruction error equals the discarded variance (Eckart-Young)', () => {
    expect(Math.abs(h.rank10ReconError / h.rank10DiscardedVariance - 1)).toBeLessThan(1e-3);
    expect(h.componentsFor90).toBe(21);
  });

  it("the pseudo-inverse's least-squares solution equals the normal equations' and numpy.linalg.lstsq's", () => {
    expect(h.pinvVsNormalMaxDiff).toBeLessThan(1e-9);
    expect(maxDiff(h.lstsqPinv, fixture.lstsq.coef)).toBeLessThan(1e-9);
    expect(Math.abs(h.residualSumOfSquares - fixture.lstsq.residual_sum_of_squares)).toBeLessThan(1e-9);
  });

  it('with dependent columns, the pseudo-inverse gives lstsq’s minimum-norm solution', () => {
    expect(h.rankDeficientRank).toBe(fixture.lstsq.rank_deficient.rank);
    expect(maxDiff(h.rankDeficientPinv, fixture.lstsq.rank_deficient.coef)).toBeLessThan(1e-8);
    expect(Math.abs(h.rankDeficientResidual - h.residualSumOfSquares)).toBeLessThan(1e-9);
    expect(h.rankDeficientPinvNorm).toBeLessThan(h.rankDeficientOtherNorm - 0.01);
  });

  it('writes the explained-variance, projection, components and least-squares plots', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'ch02-explained-variance.svg',
      'ch02-pca-projection.svg',
      'ch02-components.svg',
      'ch02-least-squares.svg',
    ]);
    for (const f of files) readSvgText(f);
    expect(countTags(files[1], 'circle')).toBe(1797 + 10);
  });
});
