// Chapter 13, linear factor models: x = W h + b + noise with h ~ N(0, I), so
// that x ~ N(b, W W^T + Psi). Probabilistic PCA (section 13.1, Psi = sigma^2 I)
// in Tipping and Bishop's closed form, checked to be a stationary point of the
// likelihood with autodiff through wg.distributions.MultivariateNormal; and
// factor analysis (Psi diagonal) fitted by EM, whose log-likelihood never
// decreases. Both on the digits, compared by held-out log-likelihood, and
// sampled from as generative models.
//   node examples/book/ch13-linear-factors.mjs
import * as wg from 'wasmgrad';
import { color, imageRows, lineChart, row } from '../lib/svg.mjs';
import { isMain, main, writeSvg } from './lib/foundations.mjs';

const { linalg } = wg;
const { MultivariateNormal } = wg.distributions;

const Q = 10; // latent factors for the main comparison
const PSI_FLOOR = 1e-3; // pixels that never vary in training would otherwise get zero noise variance

/** Mean and maximum-likelihood covariance S = (1/n) sum (x - mu)(x - mu)^T. */
function moments(x) {
  const mu = x.mean(0);
  const xc = x.sub(mu);
  return { mu, S: xc.transpose(0, 1).matmul(xc).div(x.shape[0]) };
}

/**
 * Probabilistic PCA's maximum-likelihood solution (Tipping & Bishop, 1999):
 * sigma^2 is the mean of the D - q smallest eigenvalues of S, and
 * W = U_q (Lambda_q - sigma^2 I)^(1/2) from the q largest (up to a rotation).
 */
function ppca(S, q) {
  const D = S.shape[0];
  const [w, V] = linalg.eigh(S); // eigenvalues ascending
  const vals = w.toArray();
  const sigma2 = vals.slice(0, D - q).reduce((a, b) => a + b, 0) / (D - q);
  // The q leading eigenvectors, largest first (eigh's last q columns, reversed).
  const order = Array.from({ length: q }, (_, j) => D - 1 - j);
  const top = wg.indexSelect(V, 1, wg.tensor(order, { dtype: 'int32' }));
  const scale = wg.tensor(
    order.map((j) => Math.sqrt(Math.max(vals[j] - sigma2, 0))),
    { dtype: 'float64' },
  );
  return { W: top.mul(scale), sigma2 };
}

/**
 * The average log-likelihood of data with moments (mu_data, S_data) under
 * N(mu, C): -(D log 2 pi + log det C + tr(C^-1 S') ) / 2 with
 * S' = S_data + (mu_data - mu)(mu_data - mu)^T, which needs no pass over the data.
 */
function avgLogLik(mu, C, data) {
  return wg.tidy(() => {
    const D = C.shape[0];
    const d = data.mu.sub(mu);
    const Sp = data.S.add(wg.outer(d, d));
    const [, logdet] = linalg.slogdet(C);
    const tr = linalg
      .solve(C, Sp)
      .mul(wg.eye(D, D, { dtype: 'float64' }))
      .sum();
    return -0.5 * (D * Math.log(2 * Math.PI) + logdet.item() + tr.item());
  });
}

/** W W^T + diag(psi), for psi a number (PPCA's sigma^2) or a [D] tensor (FA's Psi; eye * psi scales column j by psi_j). */
const covOf = (W, psi) => W.matmul(W.transpose(0, 1)).add(wg.eye(W.shape[0], W.shape[0], { dtype: 'float64' }).mul(psi));

/**
 * Factor analysis by EM (Ghahramani & Hinton, 1996), on the sufficient
 * statistic S alone: the E-step's beta = W^T (W W^T + Psi)^-1 gives
 * E[h | x] = beta (x - mu); the M-step sets W = S beta^T (I - beta W + beta S beta^T)^-1
 * and Psi = diag(S - W beta S), floored at PSI_FLOOR.
 */
function factorAnalysis(S, q, iters, train, mu) {
  const D = S.shape[0];
  const I = wg.eye(q, q, { dtype: 'float64' });
  // Start from PPCA's solution: EM then only has to learn the per-pixel noise.
  const init = ppca(S, q);
  let W = wg.keep(init.W);
  let psi = wg.keep(wg.full([D], init.sigma2, { dtype: 'float64' }));
  const trace = [avgLogLik(mu, covOf(W, psi), train)];
  for (let t = 0; t < iters; t++) {
    const [W2, psi2] = wg.tidy(() => {
      const beta = linalg.solve(covOf(W, psi), W).transpose(0, 1); // [q, D] (C is symmetric)
      const Sxz = S.matmul(beta.transpose(0, 1)); // [D, q]
      const Szz = I.sub(beta.matmul(W)).add(beta.matmul(Sxz)); // E[h h^T], averaged
      const Wn = linalg.solve(Szz, Sxz.transpose(0, 1)).transpose(0, 1); // Sxz Szz^-1 (Szz symmetric)
      const diagS = S.mul(wg.eye(D, D, { dtype: 'float64' })).sum(1);
      const pn = diagS.sub(Wn.mul(Sxz).sum(1)).clamp(PSI_FLOOR);
      return [wg.keep(Wn), wg.keep(pn)];
    });
    wg.dispose([W, psi]);
    [W, psi] = [W2, psi2];
    trace.push(avgLogLik(mu, covOf(W, psi), train));
  }
  return { W, psi, trace };
}

/** Samples' means E[x | h] = mu + W h for h ~ N(0, I): what the model thinks a digit looks like, without pixel noise. */
const sampleMeans = (mu, W, n) => wg.tidy(() => wg.randn([n, W.shape[1]], { dtype: 'float64' }).matmul(W.transpose(0, 1)).add(mu).toArray());

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];
  const digits = await wg.data.loadDigits();
  const x = digits.x.div(16).double(); // float64: likelihoods and their gradients to ~1e-10
  const { train: tr, test: te } = wg.data.trainTestSplit(x, digits.y, { testSize: 0.2, seed: 0, stratify: digits.y });
  const [xTrain] = tr.tensors;
  const [xTest] = te.tensors;
  const train = moments(xTrain);
  const test = moments(xTest);
  const { mu, S } = train;
  const D = S.shape[0];

  // PPCA at q = Q: the closed form, its likelihood two ways, and the gradient there.
  const p = ppca(S, Q);
  const C = covOf(p.W, p.sigma2);
  const mvn = new MultivariateNormal(mu, { covarianceMatrix: C });
  const llTrainMvn = wg.tidy(() => mvn.logProb(xTrain).mean().item());
  const llTrain = avgLogLik(mu, C, train);
  const llTest = avgLogLik(mu, C, test);
  mvn.dispose();
  const gradNorm = (W, logS2) =>
    wg.tidy(() => {
      const Wv = W.detach().requiresGrad_();
      const sv = wg.tensor(logS2, { dtype: 'float64', requiresGrad: true });
      const cov = Wv.matmul(Wv.transpose(0, 1)).add(wg.eye(D, D, { dtype: 'float64' }).mul(sv.exp()));
      new MultivariateNormal(mu, { covarianceMatrix: cov }).logProb(xTrain).mean().backward();
      return Math.hypot(linalg.vectorNorm(Wv.grad.flatten()).item(), sv.grad.item());
    });
  const gradAtMle = gradNorm(p.W, Math.log(p.sigma2));
  const gradAway = wg.tidy(() => gradNorm(p.W.mul(0.8), Math.log(p.sigma2) + 0.3));
  log(`probabilistic PCA of the digits (${D} pixels in [0, 1], float64), q = ${Q}: sigma^2 = ${p.sigma2.toExponential(4)}`);
  log(`  mean train log-likelihood ${llTrain.toFixed(4)} (closed form) = ${llTrainMvn.toFixed(4)} (MultivariateNormal.logProb); test ${llTest.toFixed(4)}`);
  log(`  |gradient of the log-likelihood| at the closed form ${gradAtMle.toExponential(2)}; at W * 0.8, sigma^2 * e^0.3: ${gradAway.toExponential(2)}`);

  const qs = fast ? [2, 5, 10, 20, 40] : [1, 2, 3, 5, 10, 15, 20, 30, 40, 45, 50, 55];
  const sweep = qs.map((q) =>
    wg.tidy(() => {
      const m = ppca(S, q);
      const Cq = covOf(m.W, m.sigma2);
      return { q, train: avgLogLik(mu, Cq, train), test: avgLogLik(mu, Cq, test) };
    }),
  );
  log(`  PPCA log-likelihood against q: ${sweep.map((s) => `q=${s.q} ${s.train.toFixed(1)}/${s.test.toFixed(1)}`).join(', ')} (train/test)`);

  const iters = fast ? 30 : 200;
  const fa = factorAnalysis(S, Q, iters, train, mu);
  const faTest = wg.tidy(() => avgLogLik(mu, covOf(fa.W, fa.psi), test));
  const drops = fa.trace.slice(1).map((v, i) => fa.trace[i] - v);
  const maxDrop = Math.max(0, ...drops);
  const psi = fa.psi.toArray();
  log(`factor analysis by EM, q = ${Q}, ${iters} iterations from the PPCA solution:`);
  log(
    `  train log-likelihood ${fa.trace[0].toFixed(4)} -> ${fa.trace.at(-1).toFixed(4)} (largest decrease in any step ${maxDrop.toExponential(1)}); test ${faTest.toFixed(4)} vs PPCA's ${llTest.toFixed(4)}`,
  );
  log(
    `  noise variances Psi from ${Math.min(...psi).toExponential(2)} (${psi.filter((v) => v <= PSI_FLOOR).length} pixels at the floor) to ${Math.max(...psi).toExponential(2)}; PPCA's single sigma^2 ${p.sigma2.toExponential(2)}`,
  );

  const its = fa.trace.map((_, i) => i);
  writeSvg(
    out,
    'ch13-log-likelihood.svg',
    row([
      lineChart({
        title: `factor analysis by EM (q = ${Q})`,
        xLabel: 'EM iteration',
        yLabel: 'mean log-likelihood per digit',
        width: 560,
        series: [
          { name: 'FA, train', x: its, y: fa.trace, color: color(0) },
          { name: 'PPCA, train', x: its, y: its.map(() => llTrain), color: color(1), dashed: true },
        ],
      }),
      lineChart({
        title: 'probabilistic PCA against q',
        xLabel: 'latent dimensions q',
        yLabel: 'mean log-likelihood per digit',
        width: 560,
        series: [
          { name: 'train', x: qs, y: sweep.map((s) => s.train) },
          { name: 'test', x: qs, y: sweep.map((s) => s.test) },
        ],
      }),
    ]),
    files,
  );
  wg.seed(1);
  const loadings = (W) => wg.tidy(() => W.transpose(0, 1).toArray());
  writeSvg(
    out,
    'ch13-samples.svg',
    imageRows({
      title: `samples mu + W h, h ~ N(0, I), and the ${Q} columns of W`,
      cell: 5,
      h: 8,
      w: 8,
      rows: [
        { label: 'PPCA samples', images: sampleMeans(mu, p.W, 10) },
        { label: 'FA samples', images: sampleMeans(mu, fa.W, 10) },
        { label: 'PPCA W columns', images: loadings(p.W) },
        { label: 'FA W columns', images: loadings(fa.W) },
      ],
    }),
    files,
  );
  wg.dispose([fa.W, fa.psi, x, digits.x, digits.y, ...tr.tensors, ...te.tensors, train.mu, train.S, test.mu, test.S]);

  const headline = {
    q: Q,
    ppcaSigma2: p.sigma2,
    ppcaTrainLogLik: llTrain,
    ppcaTrainLogLikMvn: llTrainMvn,
    ppcaTestLogLik: llTest,
    ppcaGradNormAtMle: gradAtMle,
    ppcaGradNormPerturbed: gradAway,
    sweepQ: qs,
    sweepTrain: sweep.map((s) => s.train),
    sweepTest: sweep.map((s) => s.test),
    faIterations: iters,
    faTrainLogLikStart: fa.trace[0],
    faTrainLogLik: fa.trace.at(-1),
    faTestLogLik: faTest,
    faMaxDecrease: maxDrop,
    faPsiMin: Math.min(...psi),
    faPsiMax: Math.max(...psi),
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
