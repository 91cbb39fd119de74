// The multivariate normal N(loc, Sigma), after torch.distributions.MultivariateNormal.
// Everything goes through the lower Cholesky factor L of Sigma (Sigma = L L^T),
// from wg.linalg's differentiable cholesky and solveTriangular (cholesky.ts), so
// gradients reach loc and whichever matrix parameterised the distribution.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { add, eq, mul, sub } from '../ops/binary.js';
import { randn } from '../ops/creation.js';
import { matmul } from '../ops/linalg.js';
import { min, sum } from '../ops/reduce.js';
import { log, square } from '../ops/unary.js';
import { broadcastTo, squeeze, transpose, unsqueeze } from '../ops/views.js';
import { cholesky, choleskyInverse, diagonal, firstNotLowerCholesky, firstNotPositiveDefinite, precisionToScaleTril, solveLower } from './cholesky.js';
import { asTensor, Distribution, type DistributionOptions, paramDType, readValues } from './distribution.js';

/** Exactly one of the three ways to give the covariance. */
export type MvnScale = { covarianceMatrix: Tensor } | { scaleTril: Tensor } | { precisionMatrix: Tensor };
type ScaleKind = 'covarianceMatrix' | 'scaleTril' | 'precisionMatrix';
const KINDS: ScaleKind[] = ['covarianceMatrix', 'scaleTril', 'precisionMatrix'];

const LOG_2PI = Math.log(2 * Math.PI);

/** x^T (L L^T)^-1 x = |L^-1 x|^2 over the last axis of x [..., n]; L's batch broadcasts against x's. */
export function mahalanobis(L: Tensor, x: Tensor): Tensor {
  return ENGINE.tidy(() => sum(square(squeeze(solveLower(L, unsqueeze(x, -1)), -1)), -1));
}

/** log det L = sum log diag L (half the log-determinant of the covariance), of L's batch shape. */
export function halfLogDet(L: Tensor): Tensor {
  return ENGINE.tidy(() => sum(log(diagonal(L)), -1));
}

export class MultivariateNormal extends Distribution {
  /** The mean, broadcast to batchShape + [k] (owned by the distribution). */
  readonly loc: Tensor;
  /** The lower Cholesky factor of the covariance with its own batch dims, not broadcast (torch's _unbroadcasted_scale_tril). */
  readonly unbroadcastedScaleTril: Tensor;
  private readonly kind: ScaleKind;
  /** The matrix it was given, broadcast to batchShape + [k, k]. */
  private readonly given: Tensor;

  /**
   * loc [..., k] (a tensor of at least one dimension) and one of
   * `{ covarianceMatrix }` or `{ precisionMatrix }` (symmetric positive definite)
   * or `{ scaleTril }` (lower-triangular with a positive diagonal), [..., k, k].
   * batchShape is the broadcast of loc's and the matrix's leading dims.
   */
  constructor(loc: Tensor, scale: MvnScale, opts: DistributionOptions = {}) {
    const op = 'MultivariateNormal';
    const s = (scale ?? {}) as Partial<Record<ScaleKind, Tensor>>;
    const kinds = KINDS.filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) throw new ArgumentError(`${op}: give exactly one of covarianceMatrix, scaleTril and precisionMatrix`);
    const kind = kinds[0];
    const M = s[kind];
    if (!(loc instanceof Tensor) || loc.ndim < 1) throw new ArgumentError(`${op}: loc must be a tensor of at least one dimension (the last is the event)`);
    if (!(M instanceof Tensor) || M.ndim < 2) throw new ArgumentError(`${op}: ${kind} must be a tensor of at least two dimensions`);
    const k = loc.shape[loc.ndim - 1];
    if (M.shape[M.ndim - 1] !== k || M.shape[M.ndim - 2] !== k) {
      throw new ShapeError(`${op}: ${kind} ${fmt(M.shape)} must be [..., ${k}, ${k}] to fit loc ${fmt(loc.shape)}`);
    }
    let batch: number[];
    try {
      batch = broadcastShapes(op, M.shape.slice(0, -2), loc.shape.slice(0, -1));
    } catch {
      throw new ShapeError(`${op}: the batch dims of loc ${fmt(loc.shape)} and ${kind} ${fmt(M.shape)} do not broadcast`);
    }
    const dtype = paramDType([loc, M]);
    const [l, m, g] = ENGINE.tidy(() => {
      const lt = asTensor(op, 'loc', loc, dtype);
      const mt = asTensor(op, kind, M, dtype);
      return [broadcastTo(lt, [...batch, k]), broadcastTo(mt, mt.shape), broadcastTo(mt, [...batch, k, k])];
    });
    super(op, batch, [k], opts);
    this.kind = kind;
    this.loc = this.own(l);
    this.given = this.own(g);
    this.own(m);
    this.validate(() => {
      this.checkParam('loc', l, (v) => !Number.isNaN(v), 'real vector');
      const vals = readValues(m);
      if (!vals) return;
      const bad = kind === 'scaleTril' ? firstNotLowerCholesky(vals, k) : firstNotPositiveDefinite(vals, k);
      if (bad >= 0) {
        const what = kind === 'scaleTril' ? 'lower triangular with a positive diagonal' : 'symmetric positive definite';
        throw new ArgumentError(`${op}: expected parameter ${kind} (shape ${fmt(m.shape)}) to be ${what}, but matrix ${bad} is not`);
      }
    });
    // The factorisation can still fail (LinAlgError) with validateArgs off: guard frees what was made.
    const factor = () => ENGINE.tidy(() => (kind === 'covarianceMatrix' ? cholesky(m) : precisionToScaleTril(m)));
    this.unbroadcastedScaleTril = kind === 'scaleTril' ? m : this.own(this.guard(factor));
  }

  override get hasRsample(): boolean {
    return true;
  }

  private full(t: Tensor, event: number[]): Tensor {
    return broadcastTo(t, [...this.batchShape, ...event]);
  }

  get mean(): Tensor {
    return this.loc;
  }

  /** The diagonal of the covariance, batchShape + [k]. */
  get variance(): Tensor {
    return ENGINE.tidy(() => this.full(sum(square(this.unbroadcastedScaleTril), -1), this.eventShape));
  }

  /** L, broadcast to batchShape + [k, k] (a new view). */
  get scaleTril(): Tensor {
    return this.full(this.unbroadcastedScaleTril, [...this.eventShape, ...this.eventShape]);
  }

  /** L L^T, batchShape + [k, k] (the given tensor when given: owned by the distribution). */
  get covarianceMatrix(): Tensor {
    if (this.kind === 'covarianceMatrix') return this.given;
    const L = this.unbroadcastedScaleTril;
    return ENGINE.tidy(() => this.full(matmul(L, transpose(L, -1, -2)), [...this.eventShape, ...this.eventShape]));
  }

  /** (L L^T)^-1, batchShape + [k, k] (the given tensor when given: owned by the distribution). */
  get precisionMatrix(): Tensor {
    if (this.kind === 'precisionMatrix') return this.given;
    return ENGINE.tidy(() => this.full(choleskyInverse(this.unbroadcastedScaleTril), [...this.eventShape, ...this.eventShape]));
  }

  /** loc + L eps with eps ~ N(0, I): differentiable in loc and the matrix parameter. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return ENGINE.tidy(() => {
      const eps = unsqueeze(randn(shape, { dtype: this.loc.dtype }), -1);
      return add(this.loc, squeeze(matmul(this.unbroadcastedScaleTril, eps), -1));
    });
  }

  /** -(k log 2 pi + (x - loc)^T Sigma^-1 (x - loc)) / 2 - log det L, of the value's batch shape. */
  logProb(value: Tensor | number): Tensor {
    return ENGINE.tidy(() => {
      const v = this.value('logProb', value, this.loc.dtype, (x) => min(eq(x, x), -1), 'real vector');
      const M = mahalanobis(this.unbroadcastedScaleTril, sub(v, this.loc));
      return sub(mul(add(M, this.eventShape[0] * LOG_2PI), -0.5), halfLogDet(this.unbroadcastedScaleTril));
    });
  }

  /** k (1 + log 2 pi) / 2 + log det L, of batchShape. */
  entropy(): Tensor {
    return ENGINE.tidy(() => this.full(add(halfLogDet(this.unbroadcastedScaleTril), 0.5 * this.eventShape[0] * (1 + LOG_2PI)), []));
  }
}
