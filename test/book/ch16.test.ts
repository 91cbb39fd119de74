// Chapters 16-18 (examples/book/ch16-rbm.mjs), fast run: an RBM trained with
// CD-1 on binarised digits lowers its reconstruction error and, by the exact
// log-likelihood (the partition function summed over every hidden state),
// beats the independent-pixels model it starts from.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch16-rbm.mjs';

describe('chapters 16-18: a restricted Boltzmann machine trained by contrastive divergence', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch16-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('CD-1 drives the reconstruction error down', () => {
    const h = result.headline;
    expect(h.reconstructionEnd).toBeLessThan(0.6 * h.reconstructionStart);
  });

  it('starts at the independent-pixels model and ends well above it in exact test log-likelihood', () => {
    const h = result.headline;
    expect(Math.abs(h.initialTestLogLik - h.independentTestLogLik)).toBeLessThan(0.5);
    expect(h.testLogLik).toBeGreaterThan(h.independentTestLogLik + 3);
    // A log-likelihood of binary images is at most 0, and the model is not a lookup table of the training set.
    expect(h.trainLogLik).toBeLessThan(0);
    expect(Number.isFinite(h.logPartition)).toBe(true);
  });

  it('draws the curves, one 8x8 filter per hidden unit and the Gibbs chains', () => {
    const names = result.files.map((f: string) => f.split(/[\\/]/).pop());
    expect(names).toEqual(['ch16-rbm-training.svg', 'ch16-rbm-reconstruction.svg', 'ch16-rbm-filters.svg', 'ch16-rbm-gibbs.svg']);
    const count = (f: string, tag: string) => (readFileSync(f, 'utf8').match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length;
    for (const f of result.files) expect(readFileSync(f, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(count(result.files[2], 'rect')).toBe(result.headline.hidden * 64);
    expect(count(result.files[3], 'rect')).toBeGreaterThanOrEqual(10 * 4 * 64);
  });
});
