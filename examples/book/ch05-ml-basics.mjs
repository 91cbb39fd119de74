// Chapter 5, machine learning basics: linear regression by the normal
// equations and by gradient descent (section 5.1.4), capacity, under- and
// over-fitting with polynomial models (5.2, figures 5.2 and 5.3), maximum
// likelihood for a Gaussian and the bias of its variance estimator (5.4.2,
// 5.5), logistic regression (5.7.1) and k-nearest neighbours (5.7.3).
//   node examples/book/ch05-ml-basics.mjs
import * as wg from 'wasmgrad';
import { color, lineChart, row, scatter } from '../lib/svg.mjs';
import { isMain, main, maxAbsDiff, writeSvg } from './lib/foundations.mjs';

const { data, linalg } = wg;

/** A stratified 80/20 split, the features standardised by the training statistics unless `scale` is false. */
async function standardSplit(load, scale = true) {
  const d = await load();
  const { train, test } = data.trainTestSplit(d.x, d.y, { testSize: 0.2, seed: 0, stratify: d.y });
  const [xTrain, yTrain] = train.tensors;
  const [xTest, yTest] = test.tensors;
  if (!scale) return { xTrain, yTrain, xTest, yTest };
  const sc = new data.StandardScaler().fit(xTrain);
  return { xTrain: sc.transform(xTrain), yTrain, xTest: sc.transform(xTest), yTest };
}

/**
 * Section 5.1.4: least squares on the wine data (alcohol from the other 12
 * measurements, standardised, plus a bias). The normal equations X^T X w = X^T y
 * in one solve, and gradient descent on the mean squared error with the step
 * 1 / lambda_max of its Hessian 2 X^T X / n, which converges to the same w.
 */
function linearRegression({ xTrain, xTest }, steps) {
  return wg.tidy(() => {
    const design = (x) => wg.concat([wg.ones([x.shape[0], 1]), x.narrow(1, 1, 12)], 1);
    const [X, Xt] = [design(xTrain), design(xTest)];
    const [y, yt] = [xTrain.select(1, 0), xTest.select(1, 0)];
    const n = X.shape[0];
    const XtX = X.transpose(0, 1).matmul(X);
    const wNormal = linalg.solve(XtX, X.transpose(0, 1).matmul(y));
    const lmax = linalg
      .eigvalsh(XtX.mul(2 / n))
      .max()
      .item();
    const w = wg.zeros([13], { requiresGrad: true });
    const mse = (Xm, ym, wv) => Xm.matmul(wv).sub(ym).square().mean();
    const trace = [];
    for (let i = 0; i < steps; i++) {
      wg.tidy(() => {
        const loss = mse(X, y, w);
        trace.push(loss.item());
        loss.backward();
        wg.noGrad(() => w.sub_(w.grad.mul(1 / lmax)));
        w.grad = null;
      });
    }
    const best = mse(X, y, wNormal).item();
    return {
      wNormal: wNormal.toArray(),
      wGd: w.detach().toArray(),
      trainMse: best,
      testMse: mse(Xt, yt, wNormal).item(),
      condition:
        lmax /
        linalg
          .eigvalsh(XtX.mul(2 / n))
          .min()
          .item(),
      trace,
    };
  });
}

/** Section 5.7.1: logistic regression on the breast-cancer data by full-batch gradient descent on the cross-entropy. */
function logisticRegression({ xTrain, yTrain, xTest, yTest }, steps) {
  return wg.tidy(() => {
    const y = yTrain.float();
    const w = wg.zeros([xTrain.shape[1]], { requiresGrad: true });
    const b = wg.zeros([], { requiresGrad: true });
    const logits = (x) => x.matmul(w).add(b);
    const loss = [];
    for (let i = 0; i < steps; i++) {
      wg.tidy(() => {
        const l = wg.binaryCrossEntropyWithLogits(logits(xTrain), y);
        loss.push(l.item());
        l.backward();
        wg.noGrad(() => {
          w.sub_(w.grad.mul(0.5));
          b.sub_(b.grad.mul(0.5));
        });
        w.grad = b.grad = null;
      });
    }
    const acc = (x, t) => wg.noGrad(() => logits(x).gt(0).eq(t).float().mean().item());
    return { loss, trainAcc: acc(xTrain, yTrain), testAcc: acc(xTest, yTest) };
  });
}

/**
 * Section 5.7.3: k-nearest neighbours. Squared distances |a|^2 + |b|^2 - 2 a.b
 * for all pairs in one matmul; each test point takes the majority label of
 * its k nearest training points (a tie goes to the label of the nearest).
 */
function knnAccuracy({ xTrain, yTrain, xTest, yTest }, ks) {
  const d = wg.tidy(() =>
    xTest
      .square()
      .sum(1, true)
      .add(xTrain.square().sum(1).unsqueeze(0))
      .sub(xTest.matmul(xTrain.transpose(0, 1)).mul(2))
      .toArray(),
  );
  const [ytr, yte] = [yTrain.toArray(), yTest.toArray()];
  const kmax = Math.max(...ks);
  const nearest = d.map((row) => {
    const idx = row.map((_, j) => j);
    idx.sort((a, b) => row[a] - row[b]);
    return idx.slice(0, kmax).map((j) => ytr[j]);
  });
  return ks.map((k) => {
    let right = 0;
    nearest.forEach((labels, i) => {
      const votes = new Map();
      for (const l of labels.slice(0, k)) votes.set(l, (votes.get(l) ?? 0) + 1);
      const top = Math.max(...votes.values());
      const winner = labels.find((l) => votes.get(l) === top);
      if (winner === yte[i]) right++;
    });
    return right / yte.length;
  });
}

/**
 * Section 5.4.2 and 5.5: for m samples of N(mu, sigma^2) the maximum-likelihood
 * variance (1/m) sum (x - mean)^2 has expectation (m - 1)/m sigma^2 (biased);
 * dividing by m - 1 removes the bias. Measured over many repeated samples.
 */
function varianceBias(ms, trials, sigma) {
  return ms.map((m) =>
    wg.tidy(() => {
      const x = wg.randn([trials, m]).mul(sigma).add(2);
      return { m, biased: wg.variance(x, 1, { correction: 0 }).mean().item(), unbiased: wg.variance(x, 1, { correction: 1 }).mean().item() };
    }),
  );
}

/** The maximum-likelihood Gaussian by gradient ascent on the log-likelihood (Adam on mu and log sigma): it lands on the closed form. */
function gaussianMle(x, steps) {
  const mu = wg.keep(wg.tensor(0, { requiresGrad: true }));
  const logSigma = wg.keep(wg.tensor(0, { requiresGrad: true }));
  const opt = new wg.optim.Adam([mu, logSigma], { lr: 0.05 });
  for (let i = 0; i < steps; i++) {
    wg.tidy(() => {
      opt.zeroGrad();
      new wg.distributions.Normal(mu, logSigma.exp()).logProb(x).mean().neg().backward();
      opt.step();
    });
  }
  const out = { mu: mu.item(), variance: Math.exp(2 * logSigma.item()) };
  wg.dispose([mu, logSigma]);
  return out;
}

// Figure 5.2's set-up: a quadratic target with noise, 12 training points in
// [-1, 1], and polynomial models of every degree from 0 to 11 (degree 11
// interpolates the 12 points; pinv then picks the minimum-norm interpolant).
const target = (x) => 0.5 + x - 2 * x * x;
const NOISE = 0.2;
const vander = (x, degree) =>
  wg.stack(
    Array.from({ length: degree + 1 }, (_, p) => x.pow(p)),
    1,
  );

/** Least-squares polynomial fits of each degree to one training sample; mean squared errors on it and on the test set (float64). */
function polynomialFits(degrees, nTrain, xTest, yTest) {
  return wg.tidy(() => {
    const x = wg.rand([nTrain], { dtype: 'float64' }).mul(2).sub(1);
    const y = x
      .mul(-2)
      .mul(x)
      .add(x)
      .add(0.5)
      .add(wg.randn([nTrain], { dtype: 'float64' }).mul(NOISE));
    const fits = degrees.map((deg) => {
      const w = linalg.pinv(vander(x, deg)).matmul(y);
      const err = (xs, ys) => vander(xs, deg).matmul(w).sub(ys).square().mean().item();
      return { deg, w: w.toArray(), train: err(x, y), test: err(xTest, yTest) };
    });
    return { x: x.toArray(), y: y.toArray(), fits };
  });
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];

  const wine = await standardSplit(wg.data.loadWine);
  const lin = linearRegression(wine, fast ? 300 : 1000);
  const linDiff = maxAbsDiff(lin.wNormal, lin.wGd);
  log('linear regression, wine: alcohol from the 12 other measurements (standardised):');
  log(`  normal equations: train MSE ${lin.trainMse.toFixed(5)}, test MSE ${lin.testMse.toFixed(5)} (the target's variance is ~1)`);
  log(
    `  gradient descent, ${lin.trace.length} steps (Hessian condition number ${lin.condition.toFixed(1)}): final MSE ${lin.trace.at(-1).toFixed(5)}, max |w_gd - w_normal| ${linDiff.toExponential(2)}`,
  );

  const cancer = await standardSplit(wg.data.loadBreastCancer);
  const logit = logisticRegression(cancer, fast ? 200 : 500);
  log(`logistic regression, breast cancer (30 features): train accuracy ${(100 * logit.trainAcc).toFixed(2)}%, test ${(100 * logit.testAcc).toFixed(2)}%`);

  const ks = [1, 3, 5, 7, 9, 15, 25];
  const iris = await standardSplit(wg.data.loadIris);
  // The digits' pixels share one scale already: plain Euclidean distance between images.
  const digits = await standardSplit(wg.data.loadDigits, false);
  const knn = { iris: knnAccuracy(iris, ks), wine: knnAccuracy(wine, ks), digits: knnAccuracy(digits, ks) };
  log(`k-nearest neighbours, test accuracy for k = ${ks.join(', ')}:`);
  for (const [name, acc] of Object.entries(knn)) log(`  ${name.padEnd(7)} ${acc.map((a) => `${(100 * a).toFixed(1)}%`).join('  ')}`);
  writeSvg(
    out,
    'ch05-knn.svg',
    lineChart({
      title: 'k-nearest neighbours: test accuracy',
      xLabel: 'k',
      yLabel: 'accuracy',
      series: Object.entries(knn).map(([name, acc]) => ({ name, x: ks, y: acc })),
    }),
    files,
  );

  const sigma = 1.5;
  const sample = wg.keep(wg.randn([10]).mul(sigma).add(2));
  const closed = { mu: sample.mean().item(), variance: wg.variance(sample, undefined, { correction: 0 }).item() };
  const fitted = gaussianMle(sample, fast ? 400 : 1500);
  sample.dispose();
  const ms = [2, 3, 4, 5, 8, 10, 15, 20, 30, 50];
  const bias = varianceBias(ms, fast ? 4000 : 40000, sigma);
  log(`Gaussian maximum likelihood on 10 samples of N(2, ${sigma}^2):`);
  log(
    `  closed form: mean ${closed.mu.toFixed(5)}, variance (1/m) ${closed.variance.toFixed(5)}; gradient ascent on log p: ${fitted.mu.toFixed(5)}, ${fitted.variance.toFixed(5)}`,
  );
  log(
    `  E[variance estimate] over repeated samples, sigma^2 = ${sigma ** 2}: ${bias.map((b) => `m=${b.m} ${b.biased.toFixed(3)}/${b.unbiased.toFixed(3)}`).join(', ')} (1/m / 1/(m-1))`,
  );
  writeSvg(
    out,
    'ch05-variance-bias.svg',
    lineChart({
      title: `expected variance estimate from m samples (sigma^2 = ${sigma ** 2})`,
      xLabel: 'm',
      yLabel: 'mean estimate',
      series: [
        { name: '1/m (max. likelihood)', x: ms, y: bias.map((b) => b.biased), color: color(0) },
        { name: '(m-1)/m sigma^2', x: ms, y: ms.map((m) => ((m - 1) / m) * sigma ** 2), color: color(0), dashed: true },
        { name: '1/(m-1) (unbiased)', x: ms, y: bias.map((b) => b.unbiased), color: color(3) },
        { name: 'sigma^2', x: ms, y: ms.map(() => sigma ** 2), color: '#000', dashed: true },
      ],
    }),
    files,
  );

  // Capacity: one training sample drawn for figure 5.2, and test errors averaged over many for figure 5.3.
  const degrees = Array.from({ length: 12 }, (_, d) => d);
  const xTest = wg.keep(wg.linspace(-1, 1, 400, { dtype: 'float64' }));
  const yTest = wg.keep(
    wg.tidy(() =>
      xTest
        .mul(-2)
        .mul(xTest)
        .add(xTest)
        .add(0.5)
        .add(wg.randn([400], { dtype: 'float64' }).mul(NOISE)),
    ),
  );
  const draws = Array.from({ length: fast ? 20 : 200 }, () => polynomialFits(degrees, 12, xTest, yTest));
  // Medians over the draws: a few near-singular fits of high degree have enormous errors that would swamp a mean.
  const median = (vs) => [...vs].sort((a, b) => a - b)[Math.floor(vs.length / 2)];
  const trainErr = degrees.map((d) => median(draws.map((r) => r.fits[d].train)));
  const testErr = degrees.map((d) => median(draws.map((r) => r.fits[d].test)));
  const bestDegree = testErr.indexOf(Math.min(...testErr));
  log(`polynomials of degree 0..11 fitted to 12 noisy points of ${'0.5 + x - 2x^2'} (noise sd ${NOISE}), median over ${draws.length} draws:`);
  log(`  train MSE ${trainErr.map((v) => v.toExponential(1)).join(' ')}`);
  log(`  test MSE  ${testErr.map((v) => v.toExponential(1)).join(' ')}  (best degree ${bestDegree}; the noise floor is ${(NOISE ** 2).toFixed(2)})`);
  // Figure 5.2 shows the draw whose degree-9 test error is the median one: a typical over-fit, not the worst.
  const one = [...draws].sort((a, b) => a.fits[9].test - b.fits[9].test)[Math.floor(draws.length / 2)];
  const xs = xTest.toArray().filter((_, i) => i % 4 === 0);
  const curve = (w) => xs.map((x) => w.reduce((s, c, p) => s + c * x ** p, 0));
  writeSvg(
    out,
    'ch05-capacity.svg',
    row([
      scatter({
        title: 'figure 5.2: degree 1, 2 and 9 fits',
        xLabel: 'x',
        yLabel: 'y',
        width: 560,
        xRange: [-1, 1],
        yRange: [-3, 1.5],
        clip: true,
        // The legend colours follow the palette's order: points, the three fits, the target.
        points: one.x.map((x, i) => ({ x, y: one.y[i], group: 0 })),
        lines: [
          ...[1, 2, 9].map((d, i) => ({ points: xs.map((x, k) => [x, curve(one.fits[d].w)[k]]), color: color(i + 1) })),
          { points: xs.map((x) => [x, target(x)]), color: color(4), dashed: true },
        ],
        groupNames: ['training points', 'degree 1', 'degree 2', 'degree 9', 'target (dashed)'],
      }),
      lineChart({
        title: 'figure 5.3: error against capacity',
        xLabel: 'polynomial degree',
        yLabel: 'mean squared error (median of draws)',
        logY: true,
        // Degrees 10 and 11 (near and exact interpolation) go off the top and bottom of this range.
        yRange: [1e-3, 1e3],
        clip: true,
        width: 560,
        series: [
          { name: 'training', x: degrees, y: trainErr },
          { name: 'test', x: degrees, y: testErr },
        ],
      }),
    ]),
    files,
  );
  wg.dispose([xTest, yTest]);
  for (const s of [wine, cancer, iris, digits]) wg.dispose(Object.values(s));

  const headline = {
    linearNormalW: lin.wNormal,
    linearGdW: lin.wGd,
    linearGdVsNormalMaxDiff: linDiff,
    linearTrainMse: lin.trainMse,
    linearTestMse: lin.testMse,
    linearGdFinalMse: lin.trace.at(-1),
    logisticTrainAcc: logit.trainAcc,
    logisticTestAcc: logit.testAcc,
    logisticFinalLoss: logit.loss.at(-1),
    knnKs: ks,
    knnIris: knn.iris,
    knnWine: knn.wine,
    knnDigits: knn.digits,
    mleMean: closed.mu,
    mleVariance: closed.variance,
    mleGradMean: fitted.mu,
    mleGradVariance: fitted.variance,
    varianceBiasMs: ms,
    varianceTrials: fast ? 4000 : 40000,
    varianceBiased: bias.map((b) => b.biased),
    varianceUnbiased: bias.map((b) => b.unbiased),
    polyTrainMse: trainErr,
    polyTestMse: testErr,
    polyBestDegree: bestDegree,
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
