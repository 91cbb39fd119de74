// Chapter 2, linear algebra: principal components analysis of the digits
// (section 2.12) computed two ways, by the singular value decomposition of
// the centred data (2.8) and by the eigendecomposition of its covariance
// (2.7), which must give the same explained variances; and the Moore-Penrose
// pseudo-inverse (2.9) solving a least-squares problem, where it equals the
// normal equations' solution, and a rank-deficient one, where the normal
// equations break down and the pseudo-inverse picks the minimum-norm solution.
//   node examples/book/ch02-linear-algebra.mjs
import * as wg from 'wasmgrad';
import { color, imageGrid, lineChart, row, scatter } from '../lib/svg.mjs';
import { isMain, main, maxAbsDiff, writeSvg } from './lib/foundations.mjs';

const { linalg } = wg;

/**
 * PCA of x [n, d] by both routes. Returns the variances along the principal
 * directions (descending), their ratios, the directions (rows of Vh) and the
 * centred data; every tensor it returns is kept, the caller disposes them.
 */
function pca(x) {
  return wg.tidy(() => {
    const n = x.shape[0];
    const xc = wg.keep(x.sub(x.mean(0, true)));
    // SVD route: Xc = U S V^T, so Xc^T Xc / (n - 1) = V (S^2 / (n - 1)) V^T.
    const [, S, Vh] = linalg.svd(xc, { fullMatrices: false });
    const svdVar = S.square()
      .div(n - 1)
      .toArray();
    // Eigendecomposition route: the covariance is symmetric, so eigh applies;
    // its eigenvalues come ascending, and the ~0 ones may be slightly negative.
    const cov = xc
      .transpose(0, 1)
      .matmul(xc)
      .div(n - 1);
    const [w, V] = linalg.eigh(cov);
    const eigVar = w
      .toArray()
      .reverse()
      .map((v) => Math.max(v, 0));
    const eigVecs = V.transpose(0, 1).toArray().reverse();
    const ratio = (vs) => vs.map((v) => v / vs.reduce((a, b) => a + b, 0));
    return { xc, Vh: wg.keep(Vh), svdVar, eigVar, svdRatio: ratio(svdVar), eigRatio: ratio(eigVar), eigVecs };
  });
}

/**
 * Eckart-Young (section 2.12's optimality): projecting onto the first k
 * principal directions leaves a squared error equal to the discarded variances.
 */
function reconstructionCheck(xc, Vh, svdVar, k) {
  return wg.tidy(() => {
    const Vk = Vh.narrow(0, 0, k); // [k, d]
    const rec = xc.matmul(Vk.transpose(0, 1)).matmul(Vk);
    const measured = xc.sub(rec).square().sum().item() / (xc.shape[0] - 1);
    const predicted = svdVar.slice(k).reduce((a, b) => a + b, 0);
    return { measured, predicted };
  });
}

/** Iris as float64 columns: the design [1, sepal length, sepal width, petal length] and the target petal width. */
async function irisRegression() {
  const iris = await wg.data.loadIris();
  const f = iris.x.double();
  const cols = [wg.ones([f.shape[0], 1], { dtype: 'float64' }), f.narrow(1, 0, 3)];
  const A = wg.concat(cols, 1);
  const y = f.select(1, 3);
  // A fifth column, sepal length again in millimetres: the columns are linearly dependent (rank 4 of 5).
  const A2 = wg.concat([A, f.select(1, 0).mul(10).unsqueeze(1)], 1);
  return { A, y, A2, labels: iris.y.toArray() };
}

function leastSquares({ A, y, A2 }) {
  return wg.tidy(() => {
    // x = A^+ y minimises |Ax - y|^2 (A tall, full column rank).
    const xPinv = linalg.pinv(A).matmul(y);
    // The normal equations A^T A x = A^T y, solved by LU.
    const At = A.transpose(0, 1);
    const xNormal = linalg.solve(At.matmul(A), At.matmul(y));
    const residual = A.matmul(xPinv).sub(y).square().sum().item();
    const pred = A.matmul(xPinv).toArray();

    // Rank-deficient design: A2^T A2 is singular, so the normal equations
    // have infinitely many solutions (and LU reports singularity or returns
    // huge, cancelling coefficients); A2^+ y is the one of minimum norm.
    const A2t = A2.transpose(0, 1);
    const gram = A2t.matmul(A2);
    let normal2;
    try {
      const x = linalg.solve(gram, A2t.matmul(y));
      const res = A2.matmul(x).sub(y).square().sum().item();
      normal2 = `LU found no exactly zero pivot and returned |x| = ${linalg.vectorNorm(x).item().toFixed(4)} (residual ${res.toFixed(6)})`;
    } catch (e) {
      if (!(e instanceof linalg.LinAlgError)) throw e;
      normal2 = `solve threw LinAlgError: ${e.message}`;
    }
    const x2 = linalg.pinv(A2).matmul(y);
    const residual2 = A2.matmul(x2).sub(y).square().sum().item();
    // Another minimiser: the full-rank solution with a 0 for the millimetre column.
    const other = wg.concat([xPinv, wg.zeros([1], { dtype: 'float64' })]);
    const s = linalg.svdvals(A2).toArray();
    return {
      xPinv: xPinv.toArray(),
      xNormal: xNormal.toArray(),
      residual,
      pred,
      rank2: linalg.matrixRank(A2).item(),
      gramCond: s[0] ** 2 / s.at(-1) ** 2,
      normal2,
      x2: x2.toArray(),
      residual2,
      norm2: linalg.vectorNorm(x2).item(),
      otherNorm: linalg.vectorNorm(other).item(),
      otherResidual: A2.matmul(other).sub(y).square().sum().item(),
    };
  });
}

// `fast` changes nothing here: PCA of 1797 x 64 and the least squares take well under a second.
export async function run({ fast: _fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];
  const digits = await wg.data.loadDigits();
  const labels = digits.y.toArray();
  // Raw pixels 0..16, as scikit-learn's PCA on load_digits (the NumPy fixture does the same).
  const p = pca(digits.x);
  const d = p.svdVar.length;
  const diff = maxAbsDiff(p.svdRatio, p.eigRatio);
  // The directions agree up to sign where the variances are distinct: |<v_svd, v_eig>| = 1.
  const vh = p.Vh.toArray();
  const align = Array.from({ length: 10 }, (_, k) => Math.abs(vh[k].reduce((s, v, j) => s + v * p.eigVecs[k][j], 0)));
  const cum = p.svdRatio.map((_, k) => p.svdRatio.slice(0, k + 1).reduce((a, b) => a + b, 0));
  const k90 = cum.findIndex((c) => c >= 0.9) + 1;
  const eckart = reconstructionCheck(p.xc, p.Vh, p.svdVar, 10);
  log(`PCA of the digits (${digits.x.shape[0]} x ${d}), explained-variance ratios of the first 5 components:`);
  log(
    `  by SVD:  ${p.svdRatio
      .slice(0, 5)
      .map((v) => v.toFixed(5))
      .join(' ')}`,
  );
  log(
    `  by eigh: ${p.eigRatio
      .slice(0, 5)
      .map((v) => v.toFixed(5))
      .join(' ')}   (max |difference| over all ${d}: ${diff.toExponential(2)})`,
  );
  log(`  min |<v_svd, v_eig>| over the first 10 directions: ${Math.min(...align).toFixed(6)}`);
  log(`  ${k90} components explain 90% of the variance; the first 2 explain ${(100 * cum[1]).toFixed(1)}%`);
  log(`  rank-10 reconstruction error ${eckart.measured.toFixed(4)} = sum of the discarded variances ${eckart.predicted.toFixed(4)}`);

  const comps = Array.from({ length: d }, (_, k) => k + 1);
  writeSvg(
    out,
    'ch02-explained-variance.svg',
    row([
      lineChart({
        title: 'explained variance ratio per component',
        xLabel: 'component',
        yLabel: 'ratio',
        width: 560,
        series: [
          { name: 'SVD of X', x: comps, y: p.svdRatio },
          { name: 'eigh of cov', x: comps, y: p.eigRatio, dashed: true },
        ],
      }),
      lineChart({
        title: 'cumulative',
        xLabel: 'components kept',
        yLabel: 'fraction of variance',
        width: 560,
        series: [{ name: 'cumulative', x: comps, y: cum }],
      }),
    ]),
    files,
  );
  const z = wg.tidy(() => p.xc.matmul(p.Vh.narrow(0, 0, 2).transpose(0, 1)).toArray());
  writeSvg(
    out,
    'ch02-pca-projection.svg',
    scatter({
      title: 'digits projected on their first two principal components',
      xLabel: 'PC 1',
      yLabel: 'PC 2',
      radius: 2.5,
      points: z.map(([x, y], i) => ({ x, y, group: labels[i] })),
      groupNames: Array.from({ length: 10 }, (_, k) => `digit ${k}`),
    }),
    files,
  );
  const mean = wg.tidy(() => digits.x.mean(0).toArray());
  writeSvg(
    out,
    'ch02-components.svg',
    imageGrid({
      title: 'mean digit and the first 10 principal directions',
      images: [mean, ...vh.slice(0, 10)],
      h: 8,
      w: 8,
      cols: 11,
      cell: 7,
      captions: ['mean', ...vh.slice(0, 10).map((_, k) => `PC ${k + 1}`)],
    }),
    files,
  );

  const iris = await irisRegression();
  const ls = leastSquares(iris);
  const lsDiff = maxAbsDiff(ls.xPinv, ls.xNormal);
  log('\nleast squares on iris, petal width ~ 1 + sepal length + sepal width + petal length (float64):');
  log(`  pinv(A) y          = [${ls.xPinv.map((v) => v.toFixed(6)).join(', ')}]`);
  log(`  (A^T A)^-1 A^T y   = [${ls.xNormal.map((v) => v.toFixed(6)).join(', ')}]   max |difference| ${lsDiff.toExponential(2)}`);
  log(`  residual sum of squares ${ls.residual.toFixed(6)}`);
  log(`with a fifth column = sepal length in mm: rank ${ls.rank2} of 5, cond(A^T A) = ${ls.gramCond.toExponential(2)}; ${ls.normal2}`);
  log(
    `  pinv gives |x| = ${ls.norm2.toFixed(6)} (residual ${ls.residual2.toFixed(6)}); the solution with a 0 appended has |x| = ${ls.otherNorm.toFixed(6)} (residual ${ls.otherResidual.toFixed(6)})`,
  );
  const truth = iris.y.toArray();
  writeSvg(
    out,
    'ch02-least-squares.svg',
    scatter({
      title: 'iris petal width: least-squares fit by the pseudo-inverse',
      xLabel: 'measured petal width (cm)',
      yLabel: 'fitted petal width (cm)',
      points: truth.map((t, i) => ({ x: t, y: ls.pred[i], group: iris.labels[i] })),
      groupNames: ['setosa', 'versicolor', 'virginica'],
      lines: [
        {
          points: [
            [0, 0],
            [2.6, 2.6],
          ],
          color: color(7),
          dashed: true,
        },
      ],
    }),
    files,
  );
  wg.dispose([p.xc, p.Vh, digits.x, digits.y, iris.A, iris.A2, iris.y]);

  const headline = {
    samples: labels.length,
    features: d,
    explainedVarianceRatio: p.svdRatio,
    eigExplainedVarianceRatio: p.eigRatio,
    svdVsEigMaxDiff: diff,
    directionAlignmentMin: Math.min(...align),
    firstTwoRatio: cum[1],
    componentsFor90: k90,
    rank10ReconError: eckart.measured,
    rank10DiscardedVariance: eckart.predicted,
    lstsqPinv: ls.xPinv,
    lstsqNormal: ls.xNormal,
    pinvVsNormalMaxDiff: lsDiff,
    residualSumOfSquares: ls.residual,
    rankDeficientRank: ls.rank2,
    rankDeficientPinv: ls.x2,
    rankDeficientPinvNorm: ls.norm2,
    rankDeficientOtherNorm: ls.otherNorm,
    rankDeficientResidual: ls.residual2,
    rankDeficientOtherResidual: ls.otherResidual,
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
