// Chapter 9 (examples/book/ch09-convolutional.mjs), fast run: the CNN learns
// the digits, its first-layer filters and feature maps are drawn, and the
// convolution is equivariant to translation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch09-convolutional.mjs';
import { lineSeries, readSvg } from './ch06-09-svg.js';

describe('chapter 9: convolutional networks', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch09-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the CNN classifies the digits (fast run: 5 epochs)', () => {
    expect(result.headline.testAccuracy).toBeGreaterThan(0.93);
  });

  it('conv(shift(x)) equals shift(conv(x)) inside the borders, while the maps themselves move', () => {
    expect(result.headline.equivarianceError).toBeLessThan(1e-5);
    expect(result.headline.mapChange).toBeGreaterThan(0.1);
  });

  it('draws the training curves, 16 filters of 3x3, 4 digits with 16 maps each, and the equivariance panel', () => {
    const names = result.files.map((f: string) => f.split(/[\\/]/).pop());
    expect(names).toEqual(['ch09-cnn-training.svg', 'ch09-filters.svg', 'ch09-feature-maps.svg', 'ch09-equivariance.svg']);
    const [training, filters, featureMaps, equivariance] = result.files.map(readSvg);
    expect(lineSeries(training)).toBe(3);
    expect(filters.count.rect).toBe(16 * 9);
    expect(featureMaps.count.rect).toBe(4 * 17 * 64);
    expect(equivariance.count.rect).toBe(6 * 64);
  });
});
