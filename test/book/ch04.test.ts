// Chapter 4 (examples/book/ch04-numerical.mjs), fast run: the softmax's
// shifted form survives inputs whose exp overflows; Newton's method (wg.hessian
// and linalg.solve) minimises the quadratic in one step and Rosenbrock's
// function in a few, where gradient descent needs hundreds or thousands; the
// constrained problem's solution satisfies the constraint and the KKT conditions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch04-numerical.mjs';
import { countTags, readSvgText } from './foundations-svg.js';

describe('chapter 4: numerical computation', () => {
  let out: string;
  let h: Record<string, any>;
  let files: string[];
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch04-'));
    ({ headline: h, files } = await run({ fast: true, out }));
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('naive softmax overflows to NaN; wg.softmax gives the right probabilities', () => {
    expect(h.naiveSoftmaxFinite).toBe(false);
    const e = [1, Math.E, Math.E ** 2];
    const want = e.map((v) => v / (1 + Math.E + Math.E ** 2));
    h.stableSoftmaxBig.forEach((v: number, i: number) => expect(v).toBeCloseTo(want[i], 6));
    h.stableSoftmaxSmall.forEach((v: number, i: number) => expect(v).toBeCloseTo(want[2 - i], 6));
  });

  it("Newton's method reaches the quadratic's minimum in one step; gradient descent takes hundreds", () => {
    expect(h.quadraticCondition).toBeCloseTo(50, 6);
    expect(h.newtonQuadraticSteps).toBe(1);
    expect(h.newtonQuadraticOneStepError).toBeLessThan(1e-10);
    // The best fixed step contracts by (k - 1) / (k + 1) = 49/51 per step: ~ log(5e6) / log(51/49) steps.
    expect(h.gdQuadraticSteps).toBeGreaterThan(300);
    expect(h.gdQuadraticSteps).toBeLessThan(450);
  });

  it("Newton's method solves Rosenbrock in a few steps; gradient descent is still far after 5000", () => {
    expect(h.newtonRosenbrockSteps).toBeLessThanOrEqual(8);
    expect(h.newtonRosenbrockError).toBeLessThan(1e-10);
    expect(h.gdRosenbrockSteps).toBe(5000);
    expect(h.gdRosenbrockConverged).toBe(false);
    expect(h.gdRosenbrockError).toBeGreaterThan(1e-2);
  });

  it('the constrained solution satisfies the constraint and the KKT conditions, and projected GD finds it too', () => {
    expect(h.constrainedUnconstrainedNorm).toBeGreaterThan(1); // the constraint is active
    const normSq = h.kktX[0] ** 2 + h.kktX[1] ** 2;
    expect(normSq).toBeLessThanOrEqual(1 + 1e-9); // primal feasibility
    expect(h.kktLambda).toBeGreaterThan(0); // dual feasibility (and the constraint binds)
    expect(h.kktStationarity).toBeLessThan(1e-9); // grad f + 2 lambda x = 0
    expect(h.kktSlackness).toBeLessThan(1e-9); // lambda (x^T x - 1) = 0
    expect(h.projectedNorm).toBeLessThanOrEqual(1 + 1e-12);
    expect(h.projectedVsKkt).toBeLessThan(1e-6);
  });

  it('writes the paths, convergence and constrained plots', () => {
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['ch04-paths.svg', 'ch04-convergence.svg', 'ch04-constrained.svg']);
    for (const f of files) readSvgText(f);
    expect(countTags(files[0], 'svg')).toBe(3);
    expect(countTags(files[1], 'svg')).toBe(3);
  });
});
