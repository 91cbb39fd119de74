// Argument validation, after torch's validate_args (on by default, as in torch):
// invalid parameters throw ArgumentError naming the distribution and the
// parameter; values outside the support throw in logProb (torch raises
// ValueError there); shapes that do not fit throw ShapeError. With
// validateArgs: false nothing is checked and the formulas give what they give.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as D from '../../src/distributions/index.js';
import { LinAlgError } from '../../src/linalg/index.js';
import { setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);
afterEach(() => D.setDefaultValidateArgs(true));

const t = (v: number | number[] | number[][] | number[][][]) => wg.tensor(v as number[]);
const { ArgumentError, ShapeError } = wg;

describe('invalid parameters throw ArgumentError naming the distribution and parameter', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Normal, negative scale', () => new D.Normal(0, t([1, -1])), /Normal.*scale.*positive/],
    ['Normal, zero scale', () => new D.Normal(t([0]), 0), /Normal.*scale/],
    ['Normal, NaN loc', () => new D.Normal(Number.NaN, 1), /Normal.*loc.*real/],
    ['Uniform, low = high', () => new D.Uniform(t([0, 1]), t([1, 1])), /Uniform.*low.*less than high/],
    ['Uniform, low > high', () => new D.Uniform(2, 1), /Uniform.*low/],
    ['Bernoulli, probs > 1', () => new D.Bernoulli({ probs: t([0.5, 1.5]) }), /Bernoulli.*probs.*\[0, 1\]/],
    ['Bernoulli, probs < 0', () => new D.Bernoulli({ probs: -0.1 }), /Bernoulli.*probs/],
    ['Bernoulli, NaN logits', () => new D.Bernoulli({ logits: Number.NaN }), /Bernoulli.*logits/],
    ['Bernoulli, both probs and logits', () => new D.Bernoulli({ probs: 0.5, logits: 0 } as never), /Bernoulli: give exactly one of probs and logits/],
    ['Bernoulli, neither', () => new D.Bernoulli({} as never), /Bernoulli: give exactly one/],
    ['Categorical, negative probs', () => new D.Categorical({ probs: t([0.5, -0.1, 0.6]) }), /Categorical.*probs/],
    [
      'Categorical, a row of zeros',
      () =>
        new D.Categorical({
          probs: t([
            [0.5, 0.5],
            [0, 0],
          ]),
        }),
      /Categorical.*probs.*simplex/,
    ],
    ['Categorical, NaN logits', () => new D.Categorical({ logits: t([0, Number.NaN]) }), /Categorical.*logits/],
    ['Categorical, a number', () => new D.Categorical({ probs: 0.5 as never }), /Categorical: probs must be a tensor of at least one dimension/],
    [
      'MultivariateNormal, indefinite covariance',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          covarianceMatrix: t([
            [1, 2],
            [2, 1],
          ]),
        }),
      /MultivariateNormal.*covarianceMatrix.*positive definite/,
    ],
    [
      'MultivariateNormal, asymmetric covariance',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          covarianceMatrix: t([
            [2, 0.5],
            [0, 2],
          ]),
        }),
      /MultivariateNormal.*covarianceMatrix.*symmetric/,
    ],
    [
      'MultivariateNormal, one bad matrix of a batch',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          covarianceMatrix: t([
            [
              [1, 0],
              [0, 1],
            ],
            [
              [1, 0],
              [0, -1],
            ],
          ]),
        }),
      /covarianceMatrix.*matrix 1 is not/,
    ],
    [
      'MultivariateNormal, singular precision',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          precisionMatrix: t([
            [1, 1],
            [1, 1],
          ]),
        }),
      /MultivariateNormal.*precisionMatrix/,
    ],
    [
      'MultivariateNormal, scaleTril not lower',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          scaleTril: t([
            [1, 0.5],
            [0, 1],
          ]),
        }),
      /MultivariateNormal.*scaleTril.*lower triangular/,
    ],
    [
      'MultivariateNormal, scaleTril with a negative diagonal',
      () =>
        new D.MultivariateNormal(t([0, 0]), {
          scaleTril: t([
            [1, 0],
            [0.3, -1],
          ]),
        }),
      /scaleTril.*positive diagonal/,
    ],
    [
      'MultivariateNormal, two matrices',
      () => new D.MultivariateNormal(t([0]), { covarianceMatrix: t([[1]]), scaleTril: t([[1]]) } as never),
      /exactly one of/,
    ],
    ['MultivariateNormal, a 0-D loc', () => new D.MultivariateNormal(t(0), { covarianceMatrix: t([[1]]) }), /loc must be a tensor of at least one dimension/],
  ];
  for (const [name, fn, msg] of cases) {
    it(name, () => {
      expect(fn).toThrow(ArgumentError);
      expect(fn).toThrow(msg);
    });
  }

  it('a failed constructor leaves no tensors behind', () => {
    const loc = t([0, 1]);
    const before = wg.memory().tensors;
    expect(() => new D.Normal(loc, -1)).toThrow(ArgumentError);
    expect(
      () =>
        new D.MultivariateNormal(loc, {
          covarianceMatrix: t([
            [1, 2],
            [2, 1],
          ]),
        }),
    ).toThrow(ArgumentError);
    // The matrix made in the line above is the test's own; count it.
    expect(wg.memory().tensors).toBe(before + 1);
  });
});

describe('shapes that do not fit throw ShapeError', () => {
  it('parameters that do not broadcast', () => {
    expect(() => new D.Normal(t([0, 1]), t([1, 1, 1]))).toThrow(ShapeError);
    expect(
      () =>
        new D.MultivariateNormal(
          t([
            [0, 0],
            [1, 1],
          ]),
          { covarianceMatrix: wg.eye(2).reshape([1, 2, 2]).broadcastTo([3, 2, 2]) },
        ),
    ).toThrow(/MultivariateNormal: the batch dims/);
    expect(() => new D.MultivariateNormal(t([0, 0, 0]), { covarianceMatrix: wg.eye(2) })).toThrow(/covarianceMatrix \[2,2\] must be \[\.\.\., 3, 3\]/);
  });

  it('values whose event dims differ, or that do not broadcast with the batch', () => {
    const m = new D.MultivariateNormal(t([0, 0]), { covarianceMatrix: wg.eye(2) });
    expect(() => m.logProb(t([1, 2, 3]))).toThrow(/MultivariateNormal.logProb: the right-most dims of value \[3\] must equal the event shape \[2\]/);
    expect(() => new D.Normal(t([0, 1]), 1).logProb(t([1, 2, 3]))).toThrow(ShapeError);
  });
});

describe('values outside the support throw in logProb (torch validates by default)', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Normal, NaN', () => new D.Normal(0, 1).logProb(Number.NaN), /Normal.logProb: expected value .* within the support real/],
    ['Bernoulli, 0.5', () => new D.Bernoulli({ probs: 0.3 }).logProb(t([1, 0.5])), /Bernoulli.logProb.*support \{0, 1\}.*index 1: 0.5/],
    ['Categorical, too large', () => new D.Categorical({ logits: t([0, 0, 0]) }).logProb(3), /Categorical.logProb.*support integers in \[0, 2\]/],
    ['Categorical, negative', () => new D.Categorical({ logits: t([0, 0, 0]) }).logProb(wg.tensor([-1], { dtype: 'int32' })), /Categorical.logProb/],
    ['Categorical, fractional', () => new D.Categorical({ logits: t([0, 0, 0]) }).logProb(t([1.5])), /Categorical.logProb/],
    ['Uniform, below low', () => new D.Uniform(0, 1).logProb(-0.1), /Uniform.logProb.*support \[low, high\]/],
    ['Uniform, above high', () => new D.Uniform(t([0, 0]), 1).logProb(t([0.5, 1.5])), /Uniform.logProb/],
    ['Uniform.cdf, above high', () => new D.Uniform(0, 1).cdf(2), /Uniform.cdf/],
    ['MultivariateNormal, NaN', () => new D.MultivariateNormal(t([0, 0]), { scaleTril: wg.eye(2) }).logProb(t([0, Number.NaN])), /MultivariateNormal.logProb/],
  ];
  for (const [name, fn, msg] of cases) {
    it(name, () => {
      expect(fn).toThrow(ArgumentError);
      expect(fn).toThrow(msg);
    });
  }

  it("Uniform at value == high is in torch's (closed) support and has log-density -inf", () => {
    expect(new D.Uniform(0, 2).logProb(2).item()).toBe(-Infinity);
    expect(new D.Uniform(0, 2).logProb(0).item()).toBeCloseTo(-Math.log(2), 6);
  });
});

describe('validateArgs: false (per distribution, or setDefaultValidateArgs)', () => {
  it('skips parameter checks: the formulas give NaN; a covariance with no Cholesky factor still throws LinAlgError (as torch)', () => {
    const d = new D.Normal(0, -1, { validateArgs: false });
    expect(d.validateArgs).toBe(false);
    expect(Number.isNaN(d.logProb(0).item())).toBe(true);
    const indefinite = () =>
      new D.MultivariateNormal(
        t([0, 0]),
        {
          covarianceMatrix: t([
            [1, 2],
            [2, 1],
          ]),
        },
        { validateArgs: false },
      );
    expect(indefinite).toThrow(LinAlgError);
    expect(indefinite).toThrow(/not positive-definite/);
    const before = wg.memory().tensors;
    const loc = t([0, 0]);
    const cov = t([
      [1, 2],
      [2, 1],
    ]);
    expect(() => new D.MultivariateNormal(loc, { covarianceMatrix: cov }, { validateArgs: false })).toThrow(LinAlgError);
    expect(wg.memory().tensors, 'nothing left behind but the two inputs').toBe(before + 2);
  });

  it('skips support checks: Uniform gives -inf outside, Bernoulli the cross-entropy formula', () => {
    expect(new D.Uniform(0, 1, { validateArgs: false }).logProb(t([-1, 3])).toArray()).toEqual([-Infinity, -Infinity]);
    expect(new D.Bernoulli({ probs: 0.5 }, { validateArgs: false }).logProb(0.5).item()).toBeCloseTo(-Math.log(2), 6);
  });

  it('setDefaultValidateArgs(false) turns validation off for new distributions', () => {
    D.setDefaultValidateArgs(false);
    expect(D.getDefaultValidateArgs()).toBe(false);
    expect(() => new D.Normal(0, -1)).not.toThrow();
    expect(() => new D.Normal(0, -1, { validateArgs: true })).toThrow(ArgumentError);
  });
});

describe('unsupported operations', () => {
  it('rsample of a discrete distribution', () => {
    expect(() => new D.Bernoulli({ probs: 0.5 }).rsample()).toThrow(/Bernoulli.rsample: Bernoulli has no reparameterised sampler/);
    expect(() => new D.Categorical({ probs: t([1, 1]) }).rsample()).toThrow(ArgumentError);
  });

  it('klDivergence between different families, or different event sizes', () => {
    expect(() => D.klDivergence(new D.Normal(0, 1), new D.Uniform(0, 1))).toThrow(/klDivergence: no KL divergence is registered for Normal and Uniform/);
    expect(() => D.klDivergence(new D.Categorical({ probs: t([1, 1]) }), new D.Categorical({ probs: t([1, 1, 1]) }))).toThrow(ShapeError);
    const a = new D.MultivariateNormal(t([0]), { scaleTril: t([[1]]) });
    const b = new D.MultivariateNormal(t([0, 0]), { scaleTril: wg.eye(2) });
    expect(() => D.klDivergence(a, b)).toThrow(ShapeError);
  });

  it('a bad sample shape', () => {
    expect(() => new D.Normal(0, 1).sample([-1])).toThrow();
    expect(() => new D.Normal(0, 1).sample(3 as never)).toThrow(ArgumentError);
  });
});
