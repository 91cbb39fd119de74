// Chapter 14 (examples/book/ch14-autoencoders.mjs), fast run (20 epochs):
// against PCA with the same 8-number code, the linear autoencoder cannot beat
// PCA's training error (Eckart-Young) but comes within 10% of it; the deep
// autoencoder's test error is at least 20% below PCA's; and the denoising
// autoencoder cleans corrupted digits better than the plain one and PCA.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch14-autoencoders.mjs';
import { countTags, readSvgText } from './foundations-svg.js';

describe('chapter 14: autoencoders', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch14-'));
    ({ headline: h, files } = await run({ fast: true, out }));
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a linear autoencoder approaches PCA from above on the training set', () => {
    expect(h.linearTrain).toBeGreaterThanOrEqual(h.pcaTrain * (1 - 1e-4));
    expect(h.linearTrain).toBeLessThan(h.pcaTrain * 1.1);
  });

  it("the deep autoencoder's test reconstruction error is at least 20% below PCA's at the same code size", () => {
    expect(h.codeSize).toBe(8);
    expect(h.aeVsPcaTestRatio).toBeLessThan(0.8);
    h.sweepSizes.forEach((k: number, i: number) => expect(h.sweepAe[i], `k = ${k}`).toBeLessThan(h.sweepPca[i]));
  });

  it('the denoising autoencoder removes noise better than the plain autoencoder and PCA', () => {
    expect(h.daeNoisy).toBeLessThan(0.9 * h.aeNoisy);
    expect(h.daeNoisy).toBeLessThan(0.9 * h.pcaNoisy);
    expect(h.daeNoisy).toBeLessThan(h.noisyInput / 3);
  });

  it('writes the code-size curve and the reconstructions (8 rows of 10 digits)', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['ch14-code-size.svg', 'ch14-reconstructions.svg']);
    for (const f of files) readSvgText(f);
    expect(countTags(files[1], 'rect')).toBe(80 * 64);
  });
});
