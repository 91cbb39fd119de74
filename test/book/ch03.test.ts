// Chapter 3 (examples/book/ch03-probability.mjs), fast run (5000 samples per
// distribution): samples follow their laws within a few standard errors,
// entropy() is the expected -log p, the KL divergence is asymmetric, and
// minimising KL(p||q) and KL(q||p) for a bimodal p gives figure 3.6's two fits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch03-probability.mjs';
import { countTags, readSvgText } from './foundations-svg.js';

describe('chapter 3: probability', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  let n: number;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch03-'));
    ({ headline: h, files } = await run({ fast: true, out }));
    n = h.samples;
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('Normal and Uniform samples: moments within 4 standard errors, KS distance below the 0.1% critical value', () => {
    const se = 1 / Math.sqrt(n);
    expect(Math.abs(h.normalMean - 1)).toBeLessThan(4 * 0.5 * se);
    expect(Math.abs(h.normalStd - 0.5)).toBeLessThan(4 * 0.5 * se);
    expect(Math.abs(h.uniformMean - 0.5)).toBeLessThan(4 * Math.sqrt(0.75) * se);
    expect(Math.abs(h.uniformStd - Math.sqrt(0.75))).toBeLessThan(0.02);
    expect(h.normalKs).toBeLessThan(1.95 * se);
    expect(h.uniformKs).toBeLessThan(1.95 * se);
  });

  it('entropy() equals the Monte Carlo average of -log p', () => {
    expect(h.normalEntropy).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E * 0.25), 5);
    expect(Math.abs(h.normalMcEntropy - h.normalEntropy)).toBeLessThan((4 * Math.SQRT1_2) / Math.sqrt(n));
    expect(h.uniformEntropy).toBeCloseTo(Math.log(3), 5);
    expect(h.uniformMcEntropy).toBeCloseTo(Math.log(3), 5);
    expect(Math.abs(h.mvnMcEntropy - h.mvnEntropy)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('Bernoulli and Categorical frequencies match their probabilities', () => {
    expect(Math.abs(h.bernoulliFrequency - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / n));
    expect(h.categoricalMaxError).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });

  it('2-D Gaussian: sample moments, and 1 - exp(-r^2/2) of the samples inside the r-sigma ellipses', () => {
    expect(Math.abs(h.mvnSampleMean[0] - 1)).toBeLessThan(0.1);
    expect(Math.abs(h.mvnSampleMean[1] + 1)).toBeLessThan(0.1);
    const want = [
      [2, 1.2],
      [1.2, 1],
    ];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs(h.mvnSampleCov[i][j] - want[i][j])).toBeLessThan(0.15);
    for (const [r, got] of [
      [1, h.mvnWithin1Sigma],
      [2, h.mvnWithin2Sigma],
    ]) {
      const p = 1 - Math.exp((-r * r) / 2);
      expect(Math.abs(got - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('KL(p||q) != KL(q||p): closed forms and their Monte Carlo estimates', () => {
    // N(0, 1) and N(1, 2): log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2, both ways.
    expect(h.klNormalPQ).toBeCloseTo(Math.log(2) + 2 / 8 - 0.5, 5);
    expect(h.klNormalQP).toBeCloseTo(-Math.log(2) + 5 / 2 - 0.5, 5);
    expect(h.klNormalQP - h.klNormalPQ).toBeGreaterThan(0.8);
    expect(Math.abs(h.klNormalMcPQ - h.klNormalPQ)).toBeLessThan(0.05);
    expect(Math.abs(h.klNormalMcQP - h.klNormalQP)).toBeLessThan(0.1);
    const cat = (p: number[], q: number[]) => p.reduce((s, v, i) => s + v * Math.log(v / q[i]), 0);
    expect(h.klCategoricalPQ).toBeCloseTo(cat([0.1, 0.2, 0.7], [0.4, 0.4, 0.2]), 5);
    expect(h.klCategoricalQP).toBeCloseTo(cat([0.4, 0.4, 0.2], [0.1, 0.2, 0.7]), 5);
  });

  it('figure 3.6: argmin KL(p||q) matches the moments of p; argmin KL(q||p) sits on one mode', () => {
    expect(Math.abs(h.forwardFitMu)).toBeLessThan(1e-2);
    expect(Math.abs(h.forwardFitSigma / h.mixtureSd - 1)).toBeLessThan(1e-2);
    expect(Math.abs(h.reverseFitRightMu - 3)).toBeLessThan(0.05);
    expect(Math.abs(h.reverseFitLeftMu + 3)).toBeLessThan(0.05);
    expect(Math.abs(h.reverseFitRightSigma - 0.8)).toBeLessThan(0.05);
    // On one of two well-separated, equal modes, KL(q||p) is about log 2.
    expect(Math.abs(h.reverseFitKls[1] - Math.log(2))).toBeLessThan(0.01);
    // Each fit is the better one in its own direction.
    expect(h.forwardFitKls[0]).toBeLessThan(h.reverseFitKls[0]);
    expect(h.reverseFitKls[1]).toBeLessThan(h.forwardFitKls[1]);
  });

  it('writes the histograms, bar charts, scatter and KL-fit plots', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['ch03-continuous.svg', 'ch03-discrete.svg', 'ch03-mvn.svg', 'ch03-kl-fits.svg']);
    for (const f of files) readSvgText(f);
    expect(countTags(files[2], 'circle')).toBe(2000);
  });
});
