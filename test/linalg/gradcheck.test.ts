// gradcheck of every wg.linalg gradient in float64 on the js backend: finite
// differences and the <t, vjp(c)> = <jvp(t), c> identity, of orders 1 and 2
// (every rule is written with public ops, so it is differentiable again). Inputs that
// must be symmetric (cholesky, eigh) are symmetrised inside the function, since
// those ops read one triangle but give the symmetric gradient, as PyTorch.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, rng, setupBackends, uniform } from '../helpers/index.js';
import { eighInvariant, linalg, qrInvariant, svdInvariant, wg } from './cases.js';

beforeAll(setupBackends);

type F = (...xs: wg.Tensor[]) => wg.Tensor;

interface Case {
  name: string;
  f: F;
  shapes: number[][];
  /** Added to the diagonal of every square input (keeps it well conditioned). */
  shift?: number;
  /** Replace the random data (e.g. an exactly singular matrix). */
  data?: number[][];
}

const sym = (x: wg.Tensor) => x.add(x.transpose(-1, -2)).mul(0.5);
const spd = (x: wg.Tensor) => x.matmul(x.transpose(-1, -2)).add(wg.eye(x.shape[x.ndim - 1], undefined, { dtype: x.dtype }).mul(2));
/** Several outputs as one vector (gradcheck takes a tensor-valued function). */
const cat = (ts: wg.Tensor[]) => wg.concat(ts.map((t) => t.reshape([-1])));

const CASES: Case[] = [
  {
    name: 'solve matrix',
    f: (A, B) => linalg.solve(A, B),
    shapes: [
      [3, 3],
      [3, 2],
    ],
    shift: 3,
  },
  { name: 'solve vector', f: (A, B) => linalg.solve(A, B), shapes: [[3, 3], [3]], shift: 3 },
  {
    name: 'solve broadcast batch',
    f: (A, B) => linalg.solve(A, B),
    shapes: [
      [2, 1, 3, 3],
      [3, 3, 1],
    ],
    shift: 3,
  },
  {
    name: 'solve left=false',
    f: (A, B) => linalg.solve(A, B, { left: false }),
    shapes: [
      [3, 3],
      [2, 3],
    ],
    shift: 3,
  },
  {
    name: 'solveTriangular lower',
    f: (A, B) => linalg.solveTriangular(A, B, { upper: false }),
    shapes: [
      [3, 3],
      [3, 2],
    ],
    shift: 3,
  },
  {
    name: 'solveTriangular upper unit right',
    f: (A, B) => linalg.solveTriangular(A, B, { upper: true, unitriangular: true, left: false }),
    shapes: [
      [3, 3],
      [2, 3],
    ],
  },
  { name: 'inv', f: (A) => linalg.inv(A), shapes: [[3, 3]], shift: 3 },
  { name: 'inv batched', f: (A) => linalg.inv(A), shapes: [[2, 2, 2]], shift: 2 },
  { name: 'det', f: (A) => linalg.det(A), shapes: [[3, 3]] },
  { name: 'det batched', f: (A) => linalg.det(A), shapes: [[2, 3, 3]] },
  // Exactly singular (a zero row): the gradient is the cofactor matrix, through the SVD.
  { name: 'det singular', f: (A) => linalg.det(A), shapes: [[3, 3]], data: [[0.3, -1.2, 0.5, 0, 0, 0, 0.8, 0.1, -0.7]] },
  { name: 'slogdet', f: (A) => linalg.slogdet(A)[1], shapes: [[2, 3, 3]] },
  { name: 'cholesky', f: (X) => linalg.cholesky(spd(X)), shapes: [[3, 3]] },
  { name: 'cholesky upper batched', f: (X) => linalg.cholesky(spd(X), { upper: true }), shapes: [[2, 3, 3]] },
  { name: 'qr square Q, R', f: (A) => cat(linalg.qr(A)), shapes: [[3, 3]], shift: 2 },
  { name: 'qr tall', f: (A) => cat(linalg.qr(A)), shapes: [[4, 2]] },
  { name: 'qr wide', f: (A) => cat(linalg.qr(A)), shapes: [[2, 4]] },
  { name: 'qr complete wide batched', f: (A) => cat(qrInvariant(A, 'complete')), shapes: [[2, 2, 3]] },
  { name: 'qr only R', f: (A) => linalg.qr(A)[1], shapes: [[3, 2]] },
  { name: 'svd square', f: (A) => cat(svdInvariant(A)), shapes: [[3, 3]] },
  { name: 'svd tall', f: (A) => cat(svdInvariant(A)), shapes: [[4, 2]] },
  { name: 'svd wide batched', f: (A) => cat(svdInvariant(A)), shapes: [[2, 2, 3]] },
  { name: 'svd full matrices', f: (A) => cat(svdInvariant(A, true)), shapes: [[3, 2]] },
  { name: 'svd only U (squared)', f: (A) => linalg.svd(A, { fullMatrices: false })[0].square(), shapes: [[4, 3]] },
  { name: 'svdvals', f: (A) => linalg.svdvals(A), shapes: [[3, 4]] },
  { name: 'eigh', f: (X) => cat(eighInvariant(sym(X))), shapes: [[3, 3]] },
  { name: 'eigh upper batched', f: (X) => cat(eighInvariant(sym(X), 'U')), shapes: [[2, 3, 3]] },
  { name: 'eigh only V (squared)', f: (X) => linalg.eigh(sym(X))[1].square(), shapes: [[3, 3]] },
  { name: 'eigvalsh', f: (X) => linalg.eigvalsh(sym(X)), shapes: [[4, 4]] },
  { name: 'pinv tall', f: (A) => linalg.pinv(A), shapes: [[4, 2]] },
  { name: 'pinv wide', f: (A) => linalg.pinv(A), shapes: [[2, 3]] },
  { name: 'pinv hermitian', f: (X) => linalg.pinv(sym(X), { hermitian: true }), shapes: [[3, 3]], shift: 3 },
  { name: 'vectorNorm 2', f: (x) => linalg.vectorNorm(x, 2, -1), shapes: [[2, 4]] },
  { name: 'vectorNorm 3 all', f: (x) => linalg.vectorNorm(x, 3), shapes: [[2, 3]] },
  { name: 'vectorNorm 0.5', f: (x) => linalg.vectorNorm(x, 0.5, 0, true), shapes: [[3, 2]] },
  { name: 'vectorNorm -1', f: (x) => linalg.vectorNorm(x, -1, 1), shapes: [[2, 3]] },
  { name: 'vectorNorm inf', f: (x) => linalg.vectorNorm(x, Number.POSITIVE_INFINITY, 1), shapes: [[2, 3]] },
  { name: 'vectorNorm 1', f: (x) => linalg.vectorNorm(x, 1), shapes: [[5]] },
  { name: "matrixNorm 'fro'", f: (A) => linalg.matrixNorm(A), shapes: [[2, 3, 2]] },
  { name: "matrixNorm 'nuc'", f: (A) => linalg.matrixNorm(A, 'nuc'), shapes: [[3, 2]] },
  { name: 'matrixNorm 2 axes', f: (A) => linalg.matrixNorm(A, 2, [0, 2]), shapes: [[3, 2, 2]] },
  { name: 'matrixNorm -2', f: (A) => linalg.matrixNorm(A, -2), shapes: [[3, 3]] },
  { name: 'matrixNorm 1', f: (A) => linalg.matrixNorm(A, 1), shapes: [[3, 3]] },
  { name: 'matrixNorm -inf', f: (A) => linalg.matrixNorm(A, Number.NEGATIVE_INFINITY), shapes: [[3, 3]] },
  { name: 'norm default', f: (x) => linalg.norm(x), shapes: [[2, 3]] },
];

function inputs(c: Case, seed: number): wg.Tensor[] {
  const r = rng(seed);
  return c.shapes.map((shape, i) => {
    const size = shape.reduce((a, d) => a * d, 1);
    let x = wg.tensor(c.data?.[i] ?? uniform(r, size), { shape, dtype: 'float64' });
    const n = shape[shape.length - 1];
    if (c.shift && shape.length >= 2 && shape[shape.length - 2] === n) x = x.add(wg.eye(n, n, { dtype: 'float64' }).mul(c.shift));
    return x;
  });
}

describe('linalg gradcheck, float64, js backend', () => {
  CASES.forEach((c, k) => {
    for (const order of [1, 2] as const) {
      it(`${c.name}, order ${order}`, () => {
        on('js', () =>
          wg.tidy(() => {
            const report = wg.gradcheck(c.f, inputs(c, 100 + k), { order });
            expect(report.ok).toBe(true);
          }),
        );
      });
    }
  });
});
