// Chapter 3, probability and information theory: samples from wg.distributions
// against their laws (section 3.9: the Bernoulli, multinoulli, Gaussian and
// multivariate normal distributions, and a uniform one), entropy as the
// expected negative log-probability (3.13), and the asymmetry of the KL
// divergence, with figure 3.6's experiment: fitting one Gaussian q to a
// bimodal p by minimising KL(p||q) (it covers both modes) or KL(q||p) (it
// picks one).
//   node examples/book/ch03-probability.mjs
import * as wg from 'wasmgrad';
import { barChart, color, histogram, lineChart, row, scatter } from '../lib/svg.mjs';
import { ellipse, isMain, main, writeSvg } from './lib/foundations.mjs';

const { Normal, Uniform, Bernoulli, Categorical, MultivariateNormal, klDivergence } = wg.distributions;

/** Mean of an array. */
const avg = (a) => a.reduce((s, v) => s + v, 0) / a.length;

/** A histogram as a density: bin edges and count / (n * width) per bin. */
function densityHistogram(xs, lo, hi, bins) {
  const w = (hi - lo) / bins;
  const counts = new Array(bins).fill(0);
  for (const x of xs) if (x >= lo && x < hi) counts[Math.floor((x - lo) / w)]++;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * w), heights: counts.map((c) => c / (xs.length * w)) };
}

/**
 * Draws n samples of a scalar distribution and measures them against it: the
 * sample mean and standard deviation, the Kolmogorov-Smirnov distance
 * sup |F_n - F| (via the distribution's cdf), and entropy() against its
 * Monte Carlo estimate -mean log p(x).
 */
function continuous(d, n) {
  return wg.tidy(() => {
    const s = d.sample([n]);
    const xs = Array.from(s.dataSync());
    const sorted = Float64Array.from(xs).sort();
    const F = d.cdf(wg.tensor(sorted)).dataSync();
    let ks = 0;
    for (let i = 0; i < n; i++) ks = Math.max(ks, (i + 1) / n - F[i], F[i] - i / n);
    return { xs, mean: avg(xs), std: s.std().item(), ks, entropy: d.entropy().item(), mcEntropy: -d.logProb(s).mean().item() };
  });
}

/** Frequencies of the outcomes 0..k-1 in n samples. */
function frequencies(samples, k) {
  const f = new Array(k).fill(0);
  for (const v of samples) f[v]++;
  return f.map((c) => c / samples.length);
}

/**
 * Samples of a 2-D Gaussian: their mean and covariance, and the fraction that
 * falls inside the Mahalanobis ellipses of radius 1 and 2, which for two
 * dimensions is 1 - exp(-r^2 / 2) (the squared radius is chi-square with 2
 * degrees of freedom).
 */
function gaussian2d(n) {
  return wg.tidy(() => {
    const loc = wg.tensor([1, -1]);
    const cov = wg.tensor([
      [2, 1.2],
      [1.2, 1],
    ]);
    const d = new MultivariateNormal(loc, { covarianceMatrix: cov });
    const s = d.sample([n]);
    const mu = s.mean(0, true);
    const c = s.sub(mu);
    const sampleCov = c
      .transpose(0, 1)
      .matmul(c)
      .div(n - 1)
      .toArray();
    // log p(x) = -d^2 / 2 - log(2 pi) - log det(Sigma) / 2, so d^2 follows from logProb.
    const logdet = wg.linalg.slogdet(cov)[1].item();
    const d2 = d
      .logProb(s)
      .add(Math.log(2 * Math.PI) + logdet / 2)
      .mul(-2)
      .toArray();
    const inside = (r) => d2.filter((v) => v <= r * r).length / n;
    return {
      points: s.toArray(),
      sampleMean: mu.squeeze(0).toArray(),
      sampleCov,
      within1: inside(1),
      within2: inside(2),
      L: d.scaleTril.toArray(),
      entropy: d.entropy().item(),
      mcEntropy: -d.logProb(s).mean().item(),
    };
  });
}

/** KL(p||q) and KL(q||p) in closed form (klDivergence) and as Monte Carlo averages of log p - log q. */
function klPair(p, q, n) {
  return wg.tidy(() => {
    const mc = (a, b) => {
      const x = a.sample([n]);
      return a.logProb(x).sub(b.logProb(x)).mean().item();
    };
    return { pq: klDivergence(p, q).item(), qp: klDivergence(q, p).item(), mcPq: mc(p, q), mcQp: mc(q, p) };
  });
}

// Figure 3.6's p: an even mixture of N(-3, 0.8^2) and N(3, 0.8^2), its modes
// far enough apart for KL(q||p) to have a minimum at each (with closer modes,
// such as +-2 and sd 0.6, a q started wide settles on a blurred fit at 0).
// The KLs are integrals over x, taken on a fine grid (a Riemann sum, exact to
// ~1e-6 here), so the fits are deterministic and differentiable in q's parameters.
const MODES = [-3, 3];
const MODE_SD = 0.8;
const GRID = [-9, 9, 3601];
const DX = (GRID[1] - GRID[0]) / (GRID[2] - 1);
const logP = (x) => wg.logsumexp(wg.stack(MODES.map((m) => new Normal(m, MODE_SD).logProb(x).add(Math.log(0.5)))), 0);

/** KL of q = N(mu, exp(logSigma)^2) against p, in the direction given, on the grid. */
function gridKl(mu, logSigma, direction) {
  const x = wg.linspace(...GRID);
  const q = new Normal(mu, logSigma.exp());
  const lq = q.logProb(x);
  const lp = logP(x);
  return direction === 'forward' ? lp.exp().mul(lp.sub(lq)).sum().mul(DX) : lq.exp().mul(lq.sub(lp)).sum().mul(DX);
}

/** Minimises KL in one direction over (mu, log sigma) with Adam, from mu0 and sigma 1. */
function fitQ(direction, mu0, steps) {
  const mu = wg.keep(wg.tensor(mu0, { requiresGrad: true }));
  const logSigma = wg.keep(wg.tensor(0, { requiresGrad: true }));
  const opt = new wg.optim.Adam([mu, logSigma], { lr: 0.05 });
  for (let i = 0; i < steps; i++) {
    wg.tidy(() => {
      opt.zeroGrad();
      gridKl(mu, logSigma, direction).backward();
      opt.step();
    });
  }
  const [m, s] = [mu.item(), Math.exp(logSigma.item())];
  const [fwd, rev] = wg.tidy(() => [gridKl(mu, logSigma, 'forward').item(), gridKl(mu, logSigma, 'reverse').item()]);
  wg.dispose([mu, logSigma]);
  return { direction, mu0, mu: m, sigma: s, forwardKl: fwd, reverseKl: rev };
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];
  const n = fast ? 5000 : 50000;

  const normalDist = new Normal(1, 0.5);
  const normal = continuous(normalDist, n);
  const uniform = continuous(new Uniform(-1, 2), n);
  const grid = wg.linspace(-1, 3, 201).toArray();
  const normalDensity = wg.tidy(() => normalDist.logProb(wg.tensor(grid)).exp().toArray());
  normalDist.dispose();
  log(`${n} samples each; Kolmogorov-Smirnov distance sup|F_n - F| (95% bound 1.36/sqrt(n) = ${(1.36 / Math.sqrt(n)).toFixed(4)}):`);
  log(
    `  Normal(1, 0.5):  mean ${normal.mean.toFixed(4)} std ${normal.std.toFixed(4)}  KS ${normal.ks.toFixed(4)}  entropy ${normal.entropy.toFixed(4)} (Monte Carlo ${normal.mcEntropy.toFixed(4)})`,
  );
  log(
    `  Uniform(-1, 2):  mean ${uniform.mean.toFixed(4)} std ${uniform.std.toFixed(4)}  KS ${uniform.ks.toFixed(4)}  entropy ${uniform.entropy.toFixed(4)} (Monte Carlo ${uniform.mcEntropy.toFixed(4)})`,
  );
  const normalHist = densityHistogram(normal.xs, -1, 3, 40);
  const uniformHist = densityHistogram(uniform.xs, -1.5, 2.5, 40);
  writeSvg(
    out,
    'ch03-continuous.svg',
    row([
      histogram({
        title: `Normal(1, 0.5): ${n} samples`,
        xLabel: 'x',
        yLabel: 'density',
        width: 560,
        bars: [{ name: 'samples', ...normalHist }],
        curves: [{ name: 'p(x)', x: grid, y: normalDensity }],
      }),
      histogram({
        title: `Uniform(-1, 2): ${n} samples`,
        xLabel: 'x',
        yLabel: 'density',
        width: 560,
        bars: [{ name: 'samples', ...uniformHist }],
        curves: [{ name: 'p(x)', x: [-1.5, -1, -1, 2, 2, 2.5], y: [0, 0, 1 / 3, 1 / 3, 0, 0] }],
      }),
    ]),
    files,
  );

  const bernP = 0.3;
  const catP = [0.1, 0.2, 0.4, 0.3];
  const disc = wg.tidy(() => {
    const b = new Bernoulli({ probs: bernP });
    const c = new Categorical({ probs: wg.tensor(catP) });
    return {
      bern: frequencies(b.sample([n]).toArray(), 2),
      cat: frequencies(c.sample([n]).toArray(), 4),
      bernEntropy: b.entropy().item(),
      catEntropy: c.entropy().item(),
    };
  });
  const catErr = Math.max(...disc.cat.map((f, k) => Math.abs(f - catP[k])));
  log(
    `  Bernoulli(0.3):  frequency of 1 ${disc.bern[1].toFixed(4)}; Categorical(${catP}): frequencies ${disc.cat.map((f) => f.toFixed(4)).join(' ')} (max error ${catErr.toFixed(4)})`,
  );
  writeSvg(
    out,
    'ch03-discrete.svg',
    row([
      barChart({
        title: 'Bernoulli(0.3)',
        xLabel: 'outcome',
        yLabel: 'probability',
        width: 420,
        series: [
          { name: 'P(x)', values: [1 - bernP, bernP] },
          { name: 'frequency', values: disc.bern },
        ],
      }),
      barChart({
        title: `Categorical(${catP.join(', ')})`,
        xLabel: 'outcome',
        yLabel: 'probability',
        width: 560,
        series: [
          { name: 'P(x)', values: catP },
          { name: 'frequency', values: disc.cat },
        ],
      }),
    ]),
    files,
  );

  const g = gaussian2d(n);
  log(
    `  MultivariateNormal([1, -1], [[2, 1.2], [1.2, 1]]): sample mean [${g.sampleMean.map((v) => v.toFixed(3))}], covariance [${g.sampleCov.map((r) => `[${r.map((v) => v.toFixed(3))}]`)}]`,
  );
  log(
    `    inside the 1- and 2-sigma ellipses: ${g.within1.toFixed(4)} and ${g.within2.toFixed(4)} (expected ${(1 - Math.exp(-0.5)).toFixed(4)} and ${(1 - Math.exp(-2)).toFixed(4)})`,
  );
  writeSvg(
    out,
    'ch03-mvn.svg',
    scatter({
      title: '2-D Gaussian samples with the 1- and 2-sigma ellipses of Sigma',
      xLabel: 'x1',
      yLabel: 'x2',
      radius: 1.8,
      points: g.points.slice(0, 2000).map(([x, y]) => ({ x, y, group: 0 })),
      lines: [1, 2].map((r) => ({ points: ellipse([1, -1], g.L, r), color: color(3), dashed: r === 2 })),
    }),
    files,
  );

  const kN = klPair(new Normal(0, 1), new Normal(1, 2), n);
  const kC = klPair(new Categorical({ probs: wg.tensor([0.1, 0.2, 0.7]) }), new Categorical({ probs: wg.tensor([0.4, 0.4, 0.2]) }), n);
  log('\nKL divergence is not symmetric:');
  log(
    `  p = N(0, 1), q = N(1, 2):            KL(p||q) ${kN.pq.toFixed(4)} (MC ${kN.mcPq.toFixed(4)}), KL(q||p) ${kN.qp.toFixed(4)} (MC ${kN.mcQp.toFixed(4)})`,
  );
  log(
    `  p = Cat(.1 .2 .7), q = Cat(.4 .4 .2): KL(p||q) ${kC.pq.toFixed(4)} (MC ${kC.mcPq.toFixed(4)}), KL(q||p) ${kC.qp.toFixed(4)} (MC ${kC.mcQp.toFixed(4)})`,
  );

  // Figure 3.6: forward KL from one start; reverse KL from either side of 0 finds either mode.
  const steps = fast ? 300 : 1000;
  const fits = [fitQ('forward', 1, steps), fitQ('reverse', 1, steps), fitQ('reverse', -1, steps)];
  const mixVar = MODE_SD ** 2 + avg(MODES.map((m) => m * m)) - avg(MODES) ** 2;
  log(
    `\nfitting q = N(mu, sigma^2) to p = (${MODES.map((m) => `N(${m}, ${MODE_SD}^2)`).join(' + ')}) / 2 (${steps} Adam steps; p has mean 0 and sd ${Math.sqrt(mixVar).toFixed(4)}):`,
  );
  for (const f of fits) {
    log(
      `  min KL(${f.direction === 'forward' ? 'p||q' : 'q||p'}) from mu = ${f.mu0}: mu ${f.mu.toFixed(4)} sigma ${f.sigma.toFixed(4)}; KL(p||q) ${f.forwardKl.toFixed(4)} KL(q||p) ${f.reverseKl.toFixed(4)}`,
    );
  }
  const xs = wg.tidy(() => wg.linspace(...GRID).toArray()).filter((_, i) => i % 10 === 0);
  const pd = wg.tidy(() => logP(wg.tensor(xs)).exp().toArray());
  const qd = (f) => wg.tidy(() => new Normal(f.mu, f.sigma).logProb(wg.tensor(xs)).exp().toArray());
  writeSvg(
    out,
    'ch03-kl-fits.svg',
    lineChart({
      title: 'figure 3.6: the Gaussian q closest to a bimodal p, in each direction of KL',
      xLabel: 'x',
      yLabel: 'density',
      width: 820,
      series: [
        { name: 'p(x)', x: xs, y: pd, color: '#000' },
        { name: 'argmin KL(p||q)', x: xs, y: qd(fits[0]), color: color(0) },
        { name: 'argmin KL(q||p), right', x: xs, y: qd(fits[1]), color: color(3), dashed: true },
        { name: 'argmin KL(q||p), left', x: xs, y: qd(fits[2]), color: color(2), dashed: true },
      ],
    }),
    files,
  );

  const headline = {
    samples: n,
    normalMean: normal.mean,
    normalStd: normal.std,
    normalKs: normal.ks,
    normalEntropy: normal.entropy,
    normalMcEntropy: normal.mcEntropy,
    uniformMean: uniform.mean,
    uniformStd: uniform.std,
    uniformKs: uniform.ks,
    uniformEntropy: uniform.entropy,
    uniformMcEntropy: uniform.mcEntropy,
    bernoulliFrequency: disc.bern[1],
    categoricalFrequencies: disc.cat,
    categoricalMaxError: catErr,
    mvnSampleMean: g.sampleMean,
    mvnSampleCov: g.sampleCov,
    mvnWithin1Sigma: g.within1,
    mvnWithin2Sigma: g.within2,
    mvnEntropy: g.entropy,
    mvnMcEntropy: g.mcEntropy,
    klNormalPQ: kN.pq,
    klNormalQP: kN.qp,
    klNormalMcPQ: kN.mcPq,
    klNormalMcQP: kN.mcQp,
    klCategoricalPQ: kC.pq,
    klCategoricalQP: kC.qp,
    mixtureSd: Math.sqrt(mixVar),
    forwardFitMu: fits[0].mu,
    forwardFitSigma: fits[0].sigma,
    reverseFitRightMu: fits[1].mu,
    reverseFitRightSigma: fits[1].sigma,
    reverseFitLeftMu: fits[2].mu,
    reverseFitLeftSigma: fits[2].sigma,
    forwardFitKls: [fits[0].forwardKl, fits[0].reverseKl],
    reverseFitKls: [fits[1].forwardKl, fits[1].reverseKl],
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
