// Standardisation: (x - mean) / std per feature, as scikit-learn's StandardScaler.
// Fit on the training split only, then transform every split with those statistics.
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { cast } from '../ops/cast.js';
import { tensor } from '../ops/creation.js';

/**
 * Per-feature standardisation. Rows are along dim 0 and every position in the
 * remaining dims is a feature (so `[n, f]` has f features and `[n, 1, 8, 8]`
 * has 64). `fit` computes the mean and the population standard deviation
 * (divided by n, as scikit-learn), in float64; a feature whose std is 0 gets
 * scale 1, so it maps to 0 rather than NaN. Results are float32 (float64 for a
 * float64 input; int32 input is read as float32).
 */
export class StandardScaler {
  /** The per-feature means (null before `fit`). */
  mean: Float64Array | null = null;
  /** The per-feature population variances (null before `fit`). */
  variance: Float64Array | null = null;
  /** The per-feature divisors: the standard deviation, with 1 where it is 0 (null before `fit`). */
  scale: Float64Array | null = null;
  /** The shape of one row, `x.shape.slice(1)` of the data fitted. */
  featureShape: number[] | null = null;

  /** Computes the mean and std of each feature of x (rows along dim 0). Returns this. */
  fit(x: Tensor): this {
    const op = 'StandardScaler.fit';
    checkInput(op, x);
    const n = x.shape[0];
    if (n === 0) throw new ArgumentError(`${op}: cannot fit on zero rows (shape ${fmt(x.shape)})`);
    const f = x.size / n;
    const data = x.dataSync();
    const mean = new Float64Array(f);
    const variance = new Float64Array(f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += data[i * f + j];
    for (let j = 0; j < f; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const d = data[i * f + j] - mean[j];
        variance[j] += d * d;
      }
    }
    for (let j = 0; j < f; j++) variance[j] /= n;
    this.mean = mean;
    this.variance = variance;
    this.scale = variance.map((v) => (v > 0 ? Math.sqrt(v) : 1));
    this.featureShape = x.shape.slice(1);
    return this;
  }

  /** (x - mean) / scale with the fitted statistics. */
  transform(x: Tensor): Tensor {
    const [m, s] = this.stats('StandardScaler.transform', x);
    return ENGINE.tidy(() => {
      const [xf, mt, st] = this.operands(x, m, s);
      return xf.sub(mt).div(st);
    });
  }

  /** fit(x), then transform(x). */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** x * scale + mean: undoes transform. */
  inverseTransform(x: Tensor): Tensor {
    const [m, s] = this.stats('StandardScaler.inverseTransform', x);
    return ENGINE.tidy(() => {
      const [xf, mt, st] = this.operands(x, m, s);
      return xf.mul(st).add(mt);
    });
  }

  private stats(op: string, x: Tensor): [Float64Array, Float64Array] {
    if (!this.mean || !this.scale || !this.featureShape) throw new ArgumentError(`${op}: the scaler is not fitted; call fit(x) first`);
    checkInput(op, x);
    const fs = this.featureShape;
    if (x.ndim !== fs.length + 1 || x.shape.slice(1).some((d, i) => d !== fs[i])) {
      throw new ShapeError(`${op}: expected rows of shape ${fmt(fs)} (as fitted), got input of shape ${fmt(x.shape)}`);
    }
    return [this.mean, this.scale];
  }

  private operands(x: Tensor, m: Float64Array, s: Float64Array): [Tensor, Tensor, Tensor] {
    const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
    const xf = x.dtype === dtype ? x : cast(x, dtype);
    const shape = this.featureShape!;
    return [xf, tensor(m, { dtype, shape }), tensor(s, { dtype, shape })];
  }
}

function checkInput(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: input must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x.assertAlive(op);
  if (x.ndim === 0) throw new ShapeError(`${op}: input must have a row dimension, got a 0-D tensor`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && x.dtype !== 'int32') throw new DTypeError(`${op}: unsupported dtype ${x.dtype}`);
  return x;
}

/**
 * x standardised with its own statistics: `new StandardScaler().fitTransform(x)`.
 * For a train/test split, fit a StandardScaler on the training rows and
 * transform both splits with it instead.
 */
export function standardize(x: Tensor): Tensor {
  checkInput('standardize', x);
  return new StandardScaler().fitTransform(x);
}
