// Chapter 13 (examples/book/ch13-linear-factors.mjs), fast run: probabilistic
// PCA's closed form is a stationary point of the likelihood (autodiff through
// MultivariateNormal) and its likelihood formula matches logProb; EM for factor
// analysis never lowers the likelihood and, with a noise variance per pixel,
// beats PPCA's single one on held-out digits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch13-linear-factors.mjs';
import { countTags, readSvgText } from './foundations-svg.js';

describe('chapter 13: linear factor models', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch13-'));
    ({ headline: h, files } = await run({ fast: true, out }));
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("PPCA's closed form: the likelihood formula equals MultivariateNormal.logProb, and the gradient vanishes there", () => {
    expect(Math.abs(h.ppcaTrainLogLik - h.ppcaTrainLogLikMvn)).toBeLessThan(1e-8);
    expect(h.ppcaGradNormAtMle).toBeLessThan(1e-8);
    expect(h.ppcaGradNormPerturbed).toBeGreaterThan(1);
    expect(h.ppcaSigma2).toBeGreaterThan(0);
  });

  it('more latent dimensions fit the training digits better (PPCA is nested in q)', () => {
    for (let i = 1; i < h.sweepQ.length; i++) expect(h.sweepTrain[i]).toBeGreaterThan(h.sweepTrain[i - 1]);
    h.sweepTest.forEach((t: number, i: number) => expect(t).toBeLessThan(h.sweepTrain[i]));
  });

  it("EM for factor analysis never decreases the likelihood and beats PPCA's on held-out digits", () => {
    expect(h.faMaxDecrease).toBeLessThan(1e-9);
    expect(h.faTrainLogLik).toBeGreaterThan(h.faTrainLogLikStart + 10);
    expect(h.faTestLogLik).toBeGreaterThan(h.ppcaTestLogLik + 10);
    expect(h.faPsiMin).toBeGreaterThanOrEqual(1e-3);
    expect(h.faPsiMax).toBeGreaterThan(10 * h.faPsiMin);
  });

  it('writes the log-likelihood curves and the samples and loadings', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['ch13-log-likelihood.svg', 'ch13-samples.svg']);
    for (const f of files) readSvgText(f);
    expect(countTags(files[1], 'rect')).toBe(40 * 64);
  });
});
