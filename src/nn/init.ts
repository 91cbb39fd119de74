// Parameter initialisation, as torch.nn.init. Values are drawn in TypeScript
// from wasmgrad's seeded generator (wg.seed makes them reproducible) and copied
// into the tensor in place.
import { arrayCtor } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { globalRandom } from '../core/random.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { copy_, fill_ } from '../ops/inplace.js';
import { fromTypedArray } from '../ops/util.js';

function write(t: Tensor, draw: (i: number) => number): Tensor {
  const data = new (arrayCtor(t.dtype))(t.size);
  for (let i = 0; i < data.length; i++) data[i] = draw(i);
  return setData(t, data);
}

function setData(t: Tensor, data: ArrayLike<number>): Tensor {
  noGrad(() => {
    const src = fromTypedArray(
      data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array ? data : arrayCtor(t.dtype).from(data),
      t.shape,
      t.dtype,
    );
    copy_(t, src);
    src.dispose();
  });
  return t;
}

/** fan in and fan out of a weight [out, in, ...receptive field], as PyTorch computes them. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ArgumentError(`init: fan in and fan out need at least 2 dimensions, got shape [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`calculateGain: unknown nonlinearity '${nonlinearity}'`);
  }
}

export const uniform_ = (t: Tensor, a = 0, b = 1) => write(t, () => a + (b - a) * globalRandom.uniform());
export const normal_ = (t: Tensor, mean = 0, std = 1) => write(t, () => mean + std * globalRandom.normal());
export const constant_ = (t: Tensor, value: number) => noGrad(() => fill_(t, value));
export const zeros_ = (t: Tensor) => constant_(t, 0);
export const ones_ = (t: Tensor) => constant_(t, 1);

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fin, fout] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fin + fout));
  return uniform_(t, -a, a);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fin, fout] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fin + fout)));
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leakyRelu only). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const [fin, fout] = calculateFanInAndFanOut(t);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fin : fout;
  return calculateGain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0) / Math.sqrt(fan);
}

export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound);
}

export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, o));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal one, as torch.nn.init.orthogonal_. */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  if (t.ndim < 2) throw new ArgumentError(`orthogonal_: needs at least 2 dimensions, got shape [${t.shape}]`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  // a: m x n (m >= n), column-major for Gram-Schmidt.
  const a = Array.from({ length: n }, () => Array.from({ length: m }, () => globalRandom.normal()));
  const q: number[][] = [];
  for (let j = 0; j < n; j++) {
    const v = a[j].slice();
    // Modified Gram-Schmidt, twice, for orthogonality to rounding.
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * u[i];
      }
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    // The sign of R's diagonal (<a_j, q_j>) is positive by construction, which is
    // what torch's q * sign(diag(r)) makes of its Householder QR.
    q.push(v.map((x) => x / norm));
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows < cols ? q[r][c] : q[c][r]);
  }
  return setData(t, out);
}
