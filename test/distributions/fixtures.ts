// The torch.distributions fixture (test/fixtures/distributions.json, written by
// test/fixtures/generate_distributions.py) and helpers to rebuild its cases.
import { readFileSync } from 'node:fs';
import * as D from '../../src/distributions/index.js';
import * as wg from '../../src/index.js';

type Encoded = number | 'nan' | 'inf' | '-inf';
export interface Arr {
  shape: number[];
  data: number[];
}
interface RawArr {
  shape: number[];
  data: Encoded[];
}
export type RawParam = RawArr | { number: number };
export interface Grad {
  cotangent: Arr;
  grads: Record<string, Arr>;
}
export interface Expected {
  logProb: Arr;
  entropy: Arr;
  mean: Arr;
  variance: Arr;
  stddev: Arr;
  probs?: Arr;
  logits?: Arr;
  scaleTril?: Arr;
  covarianceMatrix?: Arr;
  precisionMatrix?: Arr;
  logProbGrad?: Grad;
  entropyGrad?: Grad;
}
export interface Case {
  name: string;
  dist: string;
  params: Record<string, RawParam>;
  value: Arr;
  batchShape: number[];
  eventShape: number[];
  f64: Expected;
  f32: Expected;
}
export interface KlExpected {
  kl: Arr;
  klReverse: Arr;
  grad: { cotangent: Arr; p: Record<string, Arr>; q: Record<string, Arr> };
}
export interface Spec {
  dist: string;
  params: Record<string, RawParam>;
}
export interface KlCase {
  name: string;
  p: Spec;
  q: Spec;
  f64: KlExpected;
  f32: KlExpected;
}

const decode = (v: Encoded): number => (v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

// Turns every {shape, data} in the fixture into numbers (NaN and infinities were written as strings).
function revive(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(revive);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (Array.isArray(o.shape) && Array.isArray(o.data)) return { shape: o.shape, data: (o.data as Encoded[]).map(decode) };
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return x;
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/distributions.json', import.meta.url), 'utf8'));
export const fx = revive(raw) as { cases: Case[]; kl: KlCase[] };

export const isNumber = (p: RawParam): p is { number: number } => 'number' in p;

/** The parameters as tensors of `dtype` (numbers stay numbers), by name. */
export function makeParams(params: Record<string, RawParam>, dtype: wg.DType): Record<string, wg.Tensor | number> {
  return Object.fromEntries(Object.entries(params).map(([k, p]) => [k, isNumber(p) ? p.number : wg.tensor(p.data as number[], { shape: p.shape, dtype })]));
}

/** The wasmgrad distribution a fixture entry describes. */
export function build(dist: string, ps: Record<string, wg.Tensor | number>): D.Distribution {
  switch (dist) {
    case 'Normal':
      return new D.Normal(ps.loc, ps.scale);
    case 'Uniform':
      return new D.Uniform(ps.low, ps.high);
    case 'Bernoulli':
      return new D.Bernoulli(ps.probs !== undefined ? { probs: ps.probs } : { logits: ps.logits });
    case 'Categorical':
      return new D.Categorical(ps.probs !== undefined ? { probs: ps.probs as wg.Tensor } : { logits: ps.logits as wg.Tensor });
    case 'MultivariateNormal': {
      const key = ['covarianceMatrix', 'scaleTril', 'precisionMatrix'].find((k) => ps[k] !== undefined)!;
      return new D.MultivariateNormal(ps.loc as wg.Tensor, { [key]: ps[key] } as D.MvnScale);
    }
  }
  throw new Error(`unknown distribution ${dist}`);
}
