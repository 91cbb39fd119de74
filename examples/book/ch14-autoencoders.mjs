// Chapter 14, autoencoders: undercomplete autoencoders on the digits (section
// 14.1) against PCA with the same code size: a linear autoencoder trained on
// the squared error learns PCA's subspace, and a deep (nonlinear) one
// reconstructs better than PCA can with the same number of code units; and a
// denoising autoencoder (14.2.2, 14.5), trained to map corrupted digits back
// to clean ones, which removes noise better than the plain autoencoder or PCA.
//   node examples/book/ch14-autoencoders.mjs
import * as wg from 'wasmgrad';
import { imageRows, lineChart } from '../lib/svg.mjs';
import { isMain, main, writeSvg } from './lib/foundations.mjs';

const { nn, optim, data, linalg } = wg;

const CODE = 8; // the main comparison's code size (64 pixels -> 8 numbers)
const HIDDEN = 128;
const NOISE = 0.3; // the corruption C(x~|x) = N(x, 0.3^2 I) on pixels in [0, 1]

/** PCA fitted on x: the mean and the first k principal directions (rows), and the projection onto them. */
function pca(x, k) {
  return wg.tidy(() => {
    const mu = x.mean(0, true);
    const [, , Vh] = linalg.svd(x.sub(mu), { fullMatrices: false });
    const V = Vh.narrow(0, 0, k).contiguous();
    return { mu: wg.keep(mu), V: wg.keep(V), reconstruct: (z) => z.sub(mu).matmul(V.transpose(0, 1)).matmul(V).add(mu) };
  });
}

/**
 * An autoencoder with a k-unit code: a linear encoder and decoder (linear),
 * or one hidden ReLU layer on each side and a sigmoid output for pixels in [0, 1].
 */
function autoencoder(k, linear) {
  if (linear) return { encoder: new nn.Linear(64, k), decoder: new nn.Linear(k, 64) };
  return {
    encoder: new nn.Sequential(new nn.Linear(64, HIDDEN), new nn.ReLU(), new nn.Linear(HIDDEN, k)),
    decoder: new nn.Sequential(new nn.Linear(k, HIDDEN), new nn.ReLU(), new nn.Linear(HIDDEN, 64), new nn.Sigmoid()),
  };
}

/**
 * Trains an autoencoder on the squared reconstruction error with Adam. With
 * `noise`, each batch is corrupted afresh (x~ = x + noise * eps) and the
 * target is the clean x: the denoising criterion of section 14.2.2.
 */
function train(xTrain, { k, linear = false, noise = 0, epochs, lr = 1e-3 }) {
  wg.seed(0); // the same initialisation and batches for every model
  const ae = autoencoder(k, linear);
  const model = new nn.Sequential(ae.encoder, ae.decoder);
  const opt = new optim.Adam(model.parameters(), { lr });
  const loader = new data.DataLoader(new data.TensorDataset(xTrain), { batchSize: 32, shuffle: true, seed: 0 });
  for (let e = 0; e < epochs; e++) {
    for (const [xb] of loader) {
      wg.tidy(() => {
        opt.zeroGrad();
        const input = noise ? xb.add(wg.randn(xb.shape).mul(noise)) : xb;
        wg.mseLoss(model.forward(input), xb).backward();
        opt.step();
      });
    }
  }
  model.eval();
  return { model, ...ae };
}

/** Mean squared error per pixel between a reconstruction and the clean images. */
const mse = (rec, x) => wg.tidy(() => rec.sub(x).square().mean().item());

/**
 * Cosines of the principal angles between the column space of the linear
 * decoder's weight [64, k] and PCA's first k directions: all 1 when the two
 * subspaces coincide (section 14.1: a linear decoder with the squared error
 * learns to span PCA's subspace, though not PCA's basis).
 */
function subspaceCosines(decoderWeight, V) {
  return wg.tidy(() => {
    const [Q] = linalg.qr(decoderWeight);
    return linalg.svdvals(Q.transpose(0, 1).matmul(V.transpose(0, 1))).toArray();
  });
}

/** One test image per class, so the reconstructions show every digit. */
function onePerClass(x, y) {
  const labels = y.toArray();
  const idx = Array.from({ length: 10 }, (_, c) => labels.indexOf(c));
  return wg.indexSelect(x, 0, wg.tensor(idx, { dtype: 'int32' }));
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];
  const digits = await data.loadDigits();
  const x = digits.x.div(16);
  const { train: tr, test: te } = data.trainTestSplit(x, digits.y, { testSize: 0.2, seed: 0, stratify: digits.y });
  const [xTrain] = tr.tensors;
  const [xTest, yTest] = te.tensors;
  wg.seed(1);
  const noisyTest = wg.keep(xTest.add(wg.randn(xTest.shape).mul(NOISE)));
  const epochs = fast ? 20 : 100;

  const p = pca(xTrain, CODE);
  const lin = train(xTrain, { k: CODE, linear: true, epochs, lr: 1e-2 });
  const ae = train(xTrain, { k: CODE, epochs });
  const dae = train(xTrain, { k: CODE, epochs, noise: NOISE });
  const rec = (m, z) => wg.noGrad(() => m.forward(z));
  const r = {
    pcaTrain: mse(p.reconstruct(xTrain), xTrain),
    pcaTest: mse(p.reconstruct(xTest), xTest),
    linearTrain: mse(rec(lin.model, xTrain), xTrain),
    linearTest: mse(rec(lin.model, xTest), xTest),
    aeTrain: mse(rec(ae.model, xTrain), xTrain),
    aeTest: mse(rec(ae.model, xTest), xTest),
    daeTest: mse(rec(dae.model, xTest), xTest),
    noisyInput: mse(noisyTest, xTest),
    pcaNoisy: mse(p.reconstruct(noisyTest), xTest),
    aeNoisy: mse(rec(ae.model, noisyTest), xTest),
    daeNoisy: mse(rec(dae.model, noisyTest), xTest),
  };
  const cosines = subspaceCosines(lin.decoder.weight, p.V);
  log(`digits (pixels in [0, 1]), code size ${CODE}, ${epochs} epochs; reconstruction MSE per pixel, train / test:`);
  log(`  PCA (${CODE} components)             ${r.pcaTrain.toFixed(5)} / ${r.pcaTest.toFixed(5)}`);
  log(
    `  linear autoencoder               ${r.linearTrain.toFixed(5)} / ${r.linearTest.toFixed(5)}  (principal-angle cosines to PCA's subspace >= ${Math.min(...cosines).toFixed(4)})`,
  );
  log(
    `  autoencoder 64-${HIDDEN}-${CODE}-${HIDDEN}-64       ${r.aeTrain.toFixed(5)} / ${r.aeTest.toFixed(5)}  (test error ${(100 * (1 - r.aeTest / r.pcaTest)).toFixed(1)}% below PCA's)`,
  );
  log(`test digits corrupted with N(0, ${NOISE}^2) noise (MSE ${r.noisyInput.toFixed(5)} to the clean ones), reconstructed from the noisy input:`);
  log(
    `  PCA ${r.pcaNoisy.toFixed(5)}, autoencoder ${r.aeNoisy.toFixed(5)}, denoising autoencoder ${r.daeNoisy.toFixed(5)} (on clean input: ${r.daeTest.toFixed(5)})`,
  );

  // Code size sweep: PCA against the deep autoencoder (the full run only trains one per size).
  const sizes = fast ? [2, CODE] : [2, 4, 8, 16, 32];
  const sweep = sizes.map((k) => {
    if (k === CODE) return { k, pca: r.pcaTest, ae: r.aeTest };
    const pk = pca(xTrain, k);
    const m = train(xTrain, { k, epochs });
    const res = { k, pca: mse(pk.reconstruct(xTest), xTest), ae: mse(rec(m.model, xTest), xTest) };
    m.model.dispose();
    wg.dispose([pk.mu, pk.V]);
    return res;
  });
  log(`test MSE against code size: ${sweep.map((s) => `k=${s.k} PCA ${s.pca.toFixed(4)} AE ${s.ae.toFixed(4)}`).join('; ')}`);
  writeSvg(
    out,
    'ch14-code-size.svg',
    lineChart({
      title: 'test reconstruction error against code size',
      xLabel: 'code units k',
      yLabel: 'MSE per pixel',
      logY: true,
      series: [
        { name: 'PCA', x: sizes, y: sweep.map((s) => s.pca) },
        { name: 'autoencoder', x: sizes, y: sweep.map((s) => s.ae) },
      ],
    }),
    files,
  );

  const rows = wg.tidy(() => {
    const sel = onePerClass(xTest, yTest);
    const noisySel = onePerClass(noisyTest, yTest);
    return [
      sel,
      p.reconstruct(sel),
      rec(lin.model, sel),
      rec(ae.model, sel),
      noisySel,
      p.reconstruct(noisySel),
      rec(ae.model, noisySel),
      rec(dae.model, noisySel),
    ].map((t) => t.toArray());
  });
  const names = ['original', `PCA (${CODE})`, 'linear AE', 'autoencoder', 'noisy input', 'PCA of noisy', 'AE of noisy', 'denoising AE'];
  writeSvg(
    out,
    'ch14-reconstructions.svg',
    imageRows({
      title: `test digits and their reconstructions from ${CODE} code units`,
      rows: rows.map((images, i) => ({ label: names[i], images })),
      h: 8,
      w: 8,
      cell: 5,
      range: [0, 1],
    }),
    files,
  );

  for (const m of [lin, ae, dae]) m.model.dispose();
  wg.dispose([p.mu, p.V, noisyTest, x, digits.x, digits.y, ...tr.tensors, ...te.tensors]);
  const headline = {
    codeSize: CODE,
    epochs,
    ...r,
    linearSubspaceMinCosine: Math.min(...cosines),
    aeVsPcaTestRatio: r.aeTest / r.pcaTest,
    sweepSizes: sizes,
    sweepPca: sweep.map((s) => s.pca),
    sweepAe: sweep.map((s) => s.ae),
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
