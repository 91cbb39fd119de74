// Chapters 16-18 (structured probabilistic models, Monte Carlo methods, the
// partition function): a restricted Boltzmann machine on binarised 8x8 digits.
//
// The RBM is the undirected model p(v, h) = exp(b.v + c.h + v.W.h) / Z of
// section 16.7.1 and 20.2. Its log-likelihood gradient is a positive phase
// (the data) minus a negative phase (the model's own samples); contrastive
// divergence (section 18.2, CD-k) estimates the negative phase with k steps of
// block Gibbs sampling (section 17.4) started at the data. The updates are
// written out by hand: nothing here needs autodiff.
//
// With few hidden units the partition function is exactly computable (sum over
// the 2^nh hidden states, the visible units summed out analytically), so the
// script reports the exact test log-likelihood next to the independent-pixels
// baseline, as well as the reconstruction error that CD training drives down.
//
//   node examples/book/ch16-rbm.mjs   (full run; run({ fast: true }) for a quick one)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wg from 'wasmgrad';
import { imageGrid, lineChart } from '../lib/svg.mjs';
import { binaryDigits, independentLogLik, rows } from './lib/binary-digits.mjs';

/** A Bernoulli draw with probabilities p (same shape, 0/1 float32). */
const bernoulli = (p) => wg.rand(p.shape).lt(p).float();

/** A random permutation of 0..n-1 from the seeded wasmgrad generator. */
function shuffled(n) {
  const keys = wg.tidy(() => wg.rand([n]).dataSync().slice());
  return Int32Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b]);
}

class RBM {
  constructor(nv, nh, visibleMeans) {
    this.nh = nh;
    this.W = wg.keep(wg.randn([nv, nh]).mul(0.01));
    // Visible biases at log(p / (1 - p)) of the training means (Hinton's practical guide):
    // with W = 0 the model starts as the independent-pixels model.
    this.b = wg.keep(wg.tidy(() => visibleMeans.clamp(0.01, 0.99).log().sub(visibleMeans.clamp(0.01, 0.99).neg().add(1).log())));
    this.c = wg.keep(wg.zeros([nh]));
    this.vel = [this.W, this.b, this.c].map((t) => wg.keep(wg.zerosLike(t)));
  }

  hidden(v) {
    return v.matmul(this.W).add(this.c).sigmoid();
  }

  visible(h) {
    return h.matmul(this.W.transpose(0, 1)).add(this.b).sigmoid();
  }

  /**
   * The squared error of the mean-field one-step reconstruction, per image:
   * the usual progress monitor of CD training (not its objective).
   */
  reconError(v) {
    return wg.tidy(() => this.visible(this.hidden(v)).sub(v).square().sum(1).mean().item());
  }

  /** One CD-k update on a batch v0 [n, nv]. */
  cdStep(v0, { k, lr, momentum, weightDecay }) {
    wg.tidy(() => {
      const ph0 = this.hidden(v0);
      let h = bernoulli(ph0);
      let pv;
      let ph;
      for (let s = 0; s < k; s++) {
        pv = this.visible(h);
        // The last visible state is the probabilities, the hidden state too:
        // fewer sampling noise, the same expectation (practical guide, section 3).
        const v = s === k - 1 ? pv : bernoulli(pv);
        ph = this.hidden(v);
        h = bernoulli(ph);
      }
      const n = v0.shape[0];
      // Positive phase minus negative phase, per parameter.
      const grads = [
        v0.transpose(0, 1).matmul(ph0).sub(pv.transpose(0, 1).matmul(ph)).div(n).sub(this.W.mul(weightDecay)),
        v0.sub(pv).mean(0),
        ph0.sub(ph).mean(0),
      ];
      [this.W, this.b, this.c].forEach((p, i) => {
        this.vel[i].mul_(momentum).add_(grads[i].mul(lr));
        p.add_(this.vel[i]);
      });
    });
  }

  /** Free energy F(v) = -b.v - sum_j softplus(c_j + (vW)_j); p(v) = exp(-F(v)) / Z. */
  freeEnergy(v) {
    return v.matmul(this.b).neg().sub(v.matmul(this.W).add(this.c).softplus().sum(1));
  }

  /**
   * log Z, exactly: Z = sum_h exp(c.h) prod_i (1 + exp(b_i + (W h)_i)), over all
   * 2^nh hidden states in chunks, combined with a running log-sum-exp.
   */
  logPartition() {
    const nh = this.nh;
    const total = 2 ** nh;
    const chunk = Math.min(total, 1 << 14);
    let m = -Infinity;
    let s = 0;
    for (let start = 0; start < total; start += chunk) {
      const bits = new Float32Array(chunk * nh);
      for (let r = 0; r < chunk; r++) for (let j = 0; j < nh; j++) bits[r * nh + j] = ((start + r) >>> j) & 1;
      const lse = wg.tidy(() => {
        const h = wg.tensor(bits, { shape: [chunk, nh] });
        const logs = h.matmul(this.c).add(h.matmul(this.W.transpose(0, 1)).add(this.b).softplus().sum(1));
        return wg.logsumexp(logs, 0).item();
      });
      const mNew = Math.max(m, lse);
      s = s * Math.exp(m - mNew) + Math.exp(lse - mNew);
      m = mNew;
    }
    return m + Math.log(s);
  }

  /** Mean exact log-likelihood (nats per image) of v. */
  logLik(v, logZ = this.logPartition()) {
    return wg.tidy(() => this.freeEnergy(v).neg().mean().item()) - logZ;
  }

  /** Block Gibbs chains from random images; the visible probabilities at the snapshot steps. */
  gibbs(chains, steps, snapshots) {
    const nv = this.W.shape[0];
    const frames = [];
    let v = wg.keep(wg.tidy(() => bernoulli(wg.full([chains, nv], 0.5))));
    for (let s = 1; s <= steps; s++) {
      const next = wg.tidy(() => {
        const pv = this.visible(bernoulli(this.hidden(v)));
        if (snapshots.includes(s)) frames.push({ step: s, images: rows(pv) });
        return wg.keep(bernoulli(pv));
      });
      v.dispose();
      v = next;
    }
    v.dispose();
    return frames;
  }

  dispose() {
    wg.dispose([this.W, this.b, this.c, ...this.vel]);
  }
}

export async function run({ fast = false, out = 'out/book' } = {}) {
  await wg.init();
  mkdirSync(out, { recursive: true });
  const cfg = fast ? { nh: 16, epochs: 8, batch: 20, k: 1, lr: 0.05 } : { nh: 20, epochs: 40, batch: 20, k: 1, lr: 0.05 };
  const t0 = performance.now();
  wg.seed(16);
  const { train, test } = await binaryDigits();
  const n = train.shape[0];
  const rbm = new RBM(
    64,
    cfg.nh,
    wg.tidy(() => train.mean(0)),
  );

  const baseline = { train: independentLogLik(train, train), test: independentLogLik(train, test) };
  const history = { epoch: [0], recon: [rbm.reconError(train)], trainLL: [rbm.logLik(train)], testLL: [rbm.logLik(test)] };
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const perm = shuffled(n);
    for (let i = 0; i < n; i += cfg.batch) {
      const idx = wg.tensor(perm.subarray(i, Math.min(n, i + cfg.batch)), { dtype: 'int32' });
      const v0 = train.indexSelect(0, idx);
      // Momentum 0.5 while the weights are small, then 0.9 (practical guide, section 9).
      // The rate decays linearly to a tenth: late CD updates mostly add noise.
      const lr = cfg.lr * (1 - (0.9 * (epoch - 1)) / cfg.epochs);
      rbm.cdStep(v0, { k: cfg.k, lr, momentum: epoch <= 5 ? 0.5 : 0.9, weightDecay: 1e-4 });
      wg.dispose([idx, v0]);
    }
    history.recon.push(rbm.reconError(train));
    history.epoch.push(epoch);
    const logZ = rbm.logPartition();
    history.trainLL.push(rbm.logLik(train, logZ));
    history.testLL.push(rbm.logLik(test, logZ));
    if (!fast && (epoch % 10 === 0 || epoch === 1)) {
      console.log(
        `  epoch ${epoch}: reconstruction ${history.recon.at(-1).toFixed(3)}  log-likelihood train ${history.trainLL.at(-1).toFixed(2)} test ${history.testLL.at(-1).toFixed(2)}`,
      );
    }
  }

  const files = ['training', 'reconstruction', 'filters', 'gibbs'].map((name) => join(out, `ch16-rbm-${name}.svg`));
  writeFileSync(
    files[0],
    lineChart({
      title: `RBM (64 visible, ${cfg.nh} hidden, CD-${cfg.k}): exact log-likelihood`,
      xLabel: 'epoch',
      yLabel: 'nats per image',
      series: [
        { name: 'train', x: history.epoch, y: history.trainLL },
        { name: 'test', x: history.epoch, y: history.testLL },
        { name: 'independent', x: [0, cfg.epochs], y: [baseline.test, baseline.test], dashed: true },
      ],
    }),
  );
  writeFileSync(
    files[1],
    lineChart({
      title: 'RBM: mean-field reconstruction error (training set)',
      xLabel: 'epoch',
      yLabel: 'squared error per image',
      series: [{ name: 'reconstruction', x: history.epoch, y: history.recon }],
    }),
  );
  // Each hidden unit's weights, drawn as an 8x8 image (white = positive).
  const W = rows(wg.tidy(() => rbm.W.transpose(0, 1).contiguous()));
  writeFileSync(files[2], imageGrid({ images: W, h: 8, w: 8, cols: 10, cell: 8, title: 'RBM filters: weights of each hidden unit' }));
  // Gibbs chains from noise: rows are chains, columns the steps.
  const snapshots = [1, 2, 5, 10, 50, 100, 500, 1000];
  const frames = rbm.gibbs(10, fast ? 100 : 1000, snapshots);
  const images = [];
  const captions = [];
  for (let c = 0; c < 10; c++) {
    for (const f of frames) {
      images.push(f.images[c]);
      captions.push(c === 9 ? `t=${f.step}` : '');
    }
  }
  writeFileSync(
    files[3],
    imageGrid({ images, h: 8, w: 8, cols: frames.length, cell: 6, range: [0, 1], captions, title: 'block Gibbs sampling from noise (rows: chains)' }),
  );

  const headline = {
    hidden: cfg.nh,
    epochs: cfg.epochs,
    reconstructionStart: history.recon[0],
    reconstructionFirstEpoch: history.recon[1],
    reconstructionEnd: history.recon.at(-1),
    logPartition: rbm.logPartition(),
    trainLogLik: history.trainLL.at(-1),
    testLogLik: history.testLL.at(-1),
    initialTestLogLik: history.testLL[0],
    independentTestLogLik: baseline.test,
    seconds: (performance.now() - t0) / 1000,
  };
  rbm.dispose();
  wg.dispose([train, test]);
  return { headline, files };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { headline, files } = await run();
  console.log(headline);
  console.log(`wrote ${files.join(', ')}`);
}
