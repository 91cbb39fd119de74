// Chapter 20 (deep generative models), section 20.10.3: a variational
// autoencoder on binarised 8x8 digits.
//
// The decoder p(x | z) is a product of Bernoullis whose logits an MLP computes
// from z ~ N(0, I); the encoder q(z | x) = N(mu(x), diag sigma^2(x)) is a second
// MLP. Training maximises the evidence lower bound (section 19.4)
//   ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || p(z)) <= log p(x)
// with the reparameterisation z = mu + sigma * eps (section 20.9), so that
// ordinary backprop reaches the encoder through the sample.
//
// Because the ELBO is a lower bound on log p(x), a test ELBO above the exact
// log-likelihood of the independent-pixels model (the best model that ignores
// how pixels go together) shows that the VAE has learned that structure. An
// importance-weighted estimate (Burda et al. 2015) tightens the bound.
//
//   node examples/book/ch20-vae.mjs   (full run; run({ fast: true }) for a quick one)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wg from 'wasmgrad';
import { imageGrid, lineChart } from '../lib/svg.mjs';
import { binaryDigits, independentLogLik, rows } from './lib/binary-digits.mjs';

const { nn, optim, data } = wg;
const LOG_2PI = Math.log(2 * Math.PI);

class VAE extends nn.Module {
  constructor(latent, hidden) {
    super();
    this.latent = latent;
    this.encoder = new nn.Sequential(new nn.Linear(64, hidden), new nn.ReLU(), new nn.Linear(hidden, hidden), new nn.ReLU(), new nn.Linear(hidden, 2 * latent));
    this.decoder = new nn.Sequential(new nn.Linear(latent, hidden), new nn.ReLU(), new nn.Linear(hidden, hidden), new nn.ReLU(), new nn.Linear(hidden, 64));
  }

  /** The parameters of q(z | x): mu and log sigma^2, each [n, latent]. */
  encode(x) {
    const h = this.encoder.forward(x);
    return [h.narrow(1, 0, this.latent), h.narrow(1, this.latent, this.latent)];
  }

  /**
   * The per-image ELBO [n] from one reparameterised sample, and its two terms.
   * The KL between two Gaussians is in closed form; only the reconstruction
   * term needs the sample.
   */
  forward(x) {
    const [mu, logvar] = this.encode(x);
    const z = mu.add(logvar.mul(0.5).exp().mul(wg.randn(mu.shape)));
    const logits = this.decoder.forward(z);
    const logLik = wg.binaryCrossEntropyWithLogits(logits, x, { reduction: 'none' }).sum(1).neg();
    const kl = mu.square().add(logvar.exp()).sub(1).sub(logvar).sum(1).mul(0.5);
    return { elbo: logLik.sub(kl), logLik, kl };
  }

  /**
   * log p(x) >= log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x), z_k ~ q(z | x):
   * the importance-weighted bound, which tends to log p(x) as K grows.
   */
  iwae(x, K) {
    return wg.tidy(() => {
      const [n, d] = [x.shape[0], this.latent];
      const [mu, logvar] = this.encode(x);
      const eps = wg.randn([K, n, d]);
      const z = mu.add(logvar.mul(0.5).exp().mul(eps)); // [K, n, d]
      const logits = this.decoder.forward(z.reshape([K * n, d]));
      const xs = x
        .unsqueeze(0)
        .expand([K, n, 64])
        .reshape([K * n, 64]);
      const logPxz = wg.binaryCrossEntropyWithLogits(logits, xs, { reduction: 'none' }).sum(1).neg().reshape([K, n]);
      const logPz = z
        .square()
        .sum(2)
        .add(d * LOG_2PI)
        .mul(-0.5);
      const logQz = eps.square().add(logvar).add(LOG_2PI).sum(2).mul(-0.5);
      return wg.logsumexp(logPxz.add(logPz).sub(logQz), 0).sub(Math.log(K)).mean().item();
    });
  }
}

/** Mean ELBO (nats per image) over x, in one pass without gradients. */
const meanElbo = (model, x) => wg.noGrad(() => wg.tidy(() => model.forward(x).elbo.mean().item()));

export async function run({ fast = false, out = 'out/book' } = {}) {
  await wg.init();
  mkdirSync(out, { recursive: true });
  const cfg = fast ? { latent: 2, hidden: 128, epochs: 30, batch: 64, lr: 2e-3, K: 50 } : { latent: 2, hidden: 256, epochs: 100, batch: 64, lr: 1e-3, K: 500 };
  const t0 = performance.now();
  wg.seed(20);
  const { train, test } = await binaryDigits();
  const independent = independentLogLik(train, test);
  const model = new VAE(cfg.latent, cfg.hidden);
  const optimizer = new optim.Adam(model.parameters(), { lr: cfg.lr });
  const loader = new data.DataLoader(new data.TensorDataset(train), { batchSize: cfg.batch, shuffle: true, seed: 20 });

  const history = { epoch: [0], train: [meanElbo(model, train)], test: [meanElbo(model, test)] };
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    let sum = 0;
    for (const [xb] of loader) {
      sum += wg.tidy(() => {
        const { elbo } = model.forward(xb);
        const loss = elbo.mean().neg(); // maximise the ELBO
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return -loss.item() * xb.shape[0];
      });
      xb.dispose();
    }
    history.epoch.push(epoch);
    history.train.push(sum / train.shape[0]); // the average over the epoch, as the model changed
    history.test.push(meanElbo(model, test));
    if (!fast && epoch % 25 === 0) console.log(`  epoch ${epoch}: ELBO train ${history.train.at(-1).toFixed(2)}, test ${history.test.at(-1).toFixed(2)} nats`);
  }

  model.eval();
  const final = wg.noGrad(() =>
    wg.tidy(() => {
      const r = model.forward(test);
      return { elbo: r.elbo.mean().item(), logLik: r.logLik.mean().item(), kl: r.kl.mean().item() };
    }),
  );
  const iwae = wg.noGrad(() => model.iwae(test, cfg.K));

  const files = ['elbo', 'samples', 'reconstructions', 'manifold'].map((name) => join(out, `ch20-vae-${name}.svg`));
  writeFileSync(
    files[0],
    lineChart({
      title: `VAE (latent ${cfg.latent}): ELBO per image`,
      xLabel: 'epoch',
      yLabel: 'nats',
      // The untrained model's ELBO (about -44) would squash the curves: start the axis near the baseline.
      yRange: [Math.min(independent, ...history.test.slice(1)) - 3, Math.max(...history.train, iwae) + 2],
      clip: true,
      series: [
        { name: 'train', x: history.epoch, y: history.train },
        { name: 'test', x: history.epoch, y: history.test },
        { name: 'independent', x: [0, cfg.epochs], y: [independent, independent], dashed: true },
      ],
    }),
  );
  // New digits: z from the prior, drawn as the decoder's pixel probabilities.
  const samples = wg.noGrad(() => wg.tidy(() => model.decoder.forward(wg.randn([50, cfg.latent])).sigmoid()));
  writeFileSync(files[1], imageGrid({ images: rows(samples), h: 8, w: 8, cols: 10, cell: 6, range: [0, 1], title: 'VAE samples, z ~ N(0, I)' }));
  // Test digits (odd rows) and the decoding of their posterior means (even rows).
  const recon = wg.noGrad(() => wg.tidy(() => model.decoder.forward(model.encode(test.narrow(0, 0, 30))[0]).sigmoid()));
  const [orig, rec] = [rows(test, 30), rows(recon)];
  const pairs = [0, 1, 2].flatMap((r) => [...orig.slice(10 * r, 10 * r + 10), ...rec.slice(10 * r, 10 * r + 10)]);
  writeFileSync(files[2], imageGrid({ images: pairs, h: 8, w: 8, cols: 10, cell: 6, range: [0, 1], title: 'test digits (odd rows) and reconstructions' }));
  // With a 2-D latent space the whole learned manifold fits on one page (figure 20.6):
  // decode a grid of z at the Gaussian quantiles, so equal areas are equally likely.
  const n = 12;
  const q = (p) => Math.SQRT2 * erfinv(2 * p - 1);
  const grid = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) grid.push([q((j + 0.5) / n), q(1 - (i + 0.5) / n)]);
  const manifold = wg.noGrad(() => wg.tidy(() => model.decoder.forward(wg.tensor(grid.map((g) => g.slice(0, cfg.latent)))).sigmoid()));
  if (cfg.latent === 2)
    writeFileSync(files[3], imageGrid({ images: rows(manifold), h: 8, w: 8, cols: n, cell: 5, range: [0, 1], title: 'the learned 2-D manifold' }));

  const headline = {
    latent: cfg.latent,
    epochs: cfg.epochs,
    initialTestElbo: history.test[0],
    testElbo: final.elbo,
    testReconstructionLogLik: final.logLik,
    testKL: final.kl,
    trainElbo: meanElbo(model, train),
    testIwae: iwae,
    iwaeSamples: cfg.K,
    independentTestLogLik: independent,
    seconds: (performance.now() - t0) / 1000,
  };
  wg.dispose([samples, recon, manifold, train, test]);
  model.dispose();
  return { headline, files: cfg.latent === 2 ? files : files.slice(0, 3) };
}

/** The inverse error function (Giles 2010's single-precision approximation), for Gaussian quantiles. */
function erfinv(x) {
  let w = -Math.log((1 - x) * (1 + x));
  let p;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  return p * x;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { headline, files } = await run();
  console.log(headline);
  console.log(`wrote ${files.join(', ')}`);
}
