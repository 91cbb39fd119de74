// gradcheck: compares a function's gradients with central finite differences
// in float64, and checks the inner-product identity <t, vjp(c)> = <jvp(t), c>
// along random directions. Order 2 runs the same checks on the gradient itself.
import { ArgumentError, WasmgradError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { cast } from '../ops/cast.js';
import { concat } from '../ops/join.js';
import { fromTypedArray } from '../ops/util.js';
import { flatten } from '../ops/views.js';
import { jvp, noGrad, vjp } from './transforms.js';

export interface GradcheckOptions {
  /** 1: first derivatives; 2: also the derivatives of the gradient. */
  order?: 1 | 2;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Tolerances: |analytic - numeric| <= atol + rtol |numeric| (defaults 1e-5 and 1e-3, as PyTorch). */
  atol?: number;
  rtol?: number;
  /** Random directions for the inner-product identity (default 3). */
  directions?: number;
  seed?: number;
}

export interface GradcheckEntry {
  check: string;
  order: number;
  maxAbsError: number;
  maxRelError: number;
  ok: boolean;
}

export interface GradcheckReport {
  ok: boolean;
  entries: GradcheckEntry[];
}

export class GradcheckError extends WasmgradError {
  constructor(
    message: string,
    readonly report: GradcheckReport,
  ) {
    super(message);
  }
}

type Fn = (...xs: Tensor[]) => Tensor;

const values = (t: Tensor) => Float64Array.from(t.dataSync());
const f64 = (data: Float64Array, shape: readonly number[]) => fromTypedArray(data, shape, 'float64');

/**
 * Checks f's gradients at `inputs` (converted to float64). Returns a report and
 * throws a GradcheckError (holding the report) on a mismatch.
 */
export function gradcheck(f: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  if (!Array.isArray(inputs) || inputs.some((x) => !(x instanceof Tensor))) throw new ArgumentError('gradcheck: inputs must be an array of tensors');
  const o = { order: opts.order ?? 1, eps: opts.eps ?? 1e-6, atol: opts.atol ?? 1e-5, rtol: opts.rtol ?? 1e-3, directions: opts.directions ?? 3 };
  const rng = new Random(opts.seed ?? 1234);
  const report = ENGINE.tidy(() => {
    const xs = inputs.map((x) => cast(x.assertAlive('gradcheck').detach(), 'float64'));
    const entries = checkOrder(f, xs, o, rng, 1);
    if (o.order === 2) {
      // The gradient as a function of the inputs, for a fixed random cotangent.
      const out = noGrad(() => f(...xs));
      const c = f64(randomValues(rng, out.size), out.shape);
      const g: Fn = (...ys) => {
        const [, back] = vjp(f, ...ys);
        return concat(back(c).map((t) => flatten(t)));
      };
      entries.push(...checkOrder(g, xs, o, rng, 2));
    }
    return { ok: entries.every((e) => e.ok), entries };
  });
  if (!report.ok) {
    const bad = report.entries
      .filter((e) => !e.ok)
      .map((e) => `${e.check} (order ${e.order}): max abs error ${e.maxAbsError.toExponential(2)}, max rel error ${e.maxRelError.toExponential(2)}`);
    throw new GradcheckError(`gradcheck failed: ${bad.join('; ')}`, report);
  }
  return report;
}

function randomValues(rng: Random, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

interface Opts {
  eps: number;
  atol: number;
  rtol: number;
  directions: number;
}

function compare(check: string, order: number, analytic: Float64Array, numeric: Float64Array, o: Opts): GradcheckEntry {
  let maxAbs = 0;
  let maxRel = 0;
  let ok = true;
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    const err = Math.abs(a - n);
    if (!(err <= o.atol + o.rtol * Math.abs(n))) ok = false;
    maxAbs = Math.max(maxAbs, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
    maxRel = Math.max(maxRel, err / Math.max(Math.abs(n), 1e-12));
  }
  return { check, order, maxAbsError: maxAbs, maxRelError: maxRel, ok };
}

function checkOrder(f: Fn, xs: Tensor[], o: Opts, rng: Random, order: number): GradcheckEntry[] {
  const entries: GradcheckEntry[] = [];
  const out0 = noGrad(() => f(...xs));
  const m = out0.size;
  // Analytic Jacobians, one VJP per output element.
  const [, back] = vjp(f, ...xs);
  const analytic = xs.map((x) => new Float64Array(m * x.size));
  for (let k = 0; k < m; k++) {
    ENGINE.tidy(() => {
      const e = new Float64Array(m);
      e[k] = 1;
      back(f64(e, out0.shape)).forEach((g, i) => analytic[i].set(values(g), k * xs[i].size));
    });
  }
  // Central finite differences, one input element at a time.
  xs.forEach((x, i) => {
    const base = values(x);
    const numeric = new Float64Array(m * x.size);
    for (let j = 0; j < base.length; j++) {
      const at = (delta: number) =>
        ENGINE.tidy(() => {
          const v = base.slice();
          v[j] += delta;
          const args = xs.map((y, q) => (q === i ? f64(v, x.shape) : y));
          return values(noGrad(() => f(...args)));
        });
      const plus = at(o.eps);
      const minus = at(-o.eps);
      for (let k = 0; k < m; k++) numeric[k * x.size + j] = (plus[k] - minus[k]) / (2 * o.eps);
    }
    entries.push(compare(`input ${i}: gradient vs finite differences`, order, analytic[i], numeric, o));
  });
  // <t, vjp(c)> = <jvp(t), c> along random directions.
  for (let d = 0; d < o.directions; d++) {
    ENGINE.tidy(() => {
      const ts = xs.map((x) => f64(randomValues(rng, x.size), x.shape));
      const c = randomValues(rng, m);
      const vj = back(f64(c, out0.shape));
      let lhs = 0;
      vj.forEach((g, i) => {
        const gv = values(g);
        const tv = values(ts[i]);
        for (let q = 0; q < gv.length; q++) lhs += tv[q] * gv[q];
      });
      const [, tOut] = jvp(f, xs, ts);
      const jv = values(tOut);
      let rhs = 0;
      for (let q = 0; q < m; q++) rhs += jv[q] * c[q];
      entries.push(compare(`inner-product identity, direction ${d}`, order, Float64Array.of(lhs), Float64Array.of(rhs), o));
    });
  }
  return entries;
}
