// Chapter 6 (examples/book/ch06-feedforward.mjs), fast run: XOR, the digits
// MLP, and back-propagation as a graph walk that agrees with backward().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch06-feedforward.mjs';
import { lineSeries, readSvg } from './ch06-09-svg.js';

describe('chapter 6: deep feedforward networks', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch06-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a linear model cannot fit XOR; the book’s ReLU solution fits it exactly', () => {
    const h = result.headline;
    expect(h.xorLinearMse).toBeCloseTo(0.25, 3);
    expect(h.xorExactOutputs).toEqual([0, 1, 1, 0]);
    expect(h.xorExactMse).toBe(0);
  });

  it('gradient descent finds an XOR solution from at least one random start', () => {
    expect(result.headline.xorSuccesses).toBeGreaterThanOrEqual(1);
    expect(result.headline.xorLearnedMse).toBeLessThan(1e-3);
  });

  it('the MLP classifies the digits', () => {
    expect(result.headline.digitsTestAccuracy).toBeGreaterThan(0.93);
  });

  it('the explicit back-propagation walk gives the gradients of backward()', () => {
    expect(result.headline.backpropNodes).toBe(28);
    expect(result.headline.backpropMaxGradDiff).toBeLessThan(1e-12);
  });

  it('writes the plots: three XOR panels, two digits charts, the graph with every node and edge', () => {
    expect(result.files.map((f: string) => f.split(/[\\/]/).pop())).toEqual(['ch06-xor.svg', 'ch06-digits-mlp.svg', 'ch06-backprop-graph.svg']);
    const xor = readSvg(result.files[0]);
    expect(xor.count.svg).toBe(4);
    expect(xor.count.circle).toBe(3 * 4 + 3 * 2); // four points per panel, two legend dots per panel
    const mlp = readSvg(result.files[1]);
    expect(mlp.count.svg).toBe(3);
    expect(lineSeries(mlp)).toBe(4);
    const graph = readSvg(result.files[2]);
    expect((graph.text.match(/rx="6"/g) ?? []).length).toBe(result.headline.backpropNodes);
    expect((graph.text.match(/marker-end=/g) ?? []).length).toBe(result.headline.backpropEdges);
  });
});
