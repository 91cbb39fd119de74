// Chapter 8, optimisation for training deep models: SGD, momentum, Nesterov
// momentum, AdaGrad, RMSProp and Adam (sections 8.3 and 8.5) on one network
// from one initialisation with the same batches; their paths on an
// ill-conditioned quadratic (figure 8.5's picture); and batch normalisation
// (section 8.7.1) in a deep MLP.
//   node examples/book/ch08-optimization.mjs
import * as wg from 'wasmgrad';
import { color, lineChart, row, scatter } from '../lib/svg.mjs';
import { digitsSplit, isMain, main, pct, writeSvg } from './lib/deep-networks.mjs';

const { nn, optim, data } = wg;

// Each method at its usual learning rate: SGD and the two momentum methods
// share one (momentum 0.9 then takes steps up to 10x as long, section 8.3.2),
// AdaGrad at PyTorch's default, RMSProp and Adam at 1e-3 (Adam's default).
export const METHODS = [
  { name: 'SGD', key: 'sgd', make: (p) => new optim.SGD(p, { lr: 0.01 }) },
  { name: 'momentum', key: 'momentum', make: (p) => new optim.SGD(p, { lr: 0.01, momentum: 0.9 }) },
  { name: 'Nesterov', key: 'nesterov', make: (p) => new optim.SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true }) },
  { name: 'AdaGrad', key: 'adagrad', make: (p) => new optim.Adagrad(p, { lr: 0.01 }) },
  { name: 'RMSProp', key: 'rmsprop', make: (p) => new optim.RMSprop(p, { lr: 1e-3 }) },
  { name: 'Adam', key: 'adam', make: (p) => new optim.Adam(p, { lr: 1e-3 }) },
];

/** The same MLP every time: the seed fixes its initial weights. */
function mlp() {
  wg.seed(0);
  return new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
}

/** Mean of each window of `k` consecutive values (per-step losses are noisy). */
/** Log scale only when the curves span more than a decade (the log axis labels powers of ten). */
const wide = (series) => {
  const ys = series.flatMap((s) => s.y).filter((v) => v > 0);
  return Math.max(...ys) / Math.min(...ys) > 10;
};

const smooth = (ys, k) => ys.map((_, i) => ys.slice(Math.max(0, i - k + 1), i + 1).reduce((a, b) => a + b, 0) / Math.min(k, i + 1));

function compareOptimizers(train, test, epochs) {
  return METHODS.map(({ name, key, make }) => {
    const model = mlp();
    const steps = [];
    // A fresh loader with the same seed gives every method the same batches in the same order.
    const history = wg.fit(model, {
      optimizer: make(model.parameters()),
      loss: wg.crossEntropy,
      data: new data.DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 }),
      validation: new data.DataLoader(test, { batchSize: 360 }),
      epochs,
      callbacks: { onBatchEnd: ({ loss }) => steps.push(loss) },
    });
    model.dispose();
    return { name, key, steps, epochLoss: history.loss, finalLoss: history.loss.at(-1), testAcc: history.valAccuracy.at(-1) };
  });
}

// f(x, y) = (x² + 25 y²) / 2: curvature 25 times higher along y than along x,
// the ill-conditioning of section 8.2.1 that makes plain gradient descent
// bounce across the valley while it crawls along it. Each method gets a
// learning rate that suits it here (SGD's is near its stability limit 2/25;
// momentum's is lower, as its steps build up).
const CURV = [1, 25];
const quadratic = (p) => p.square().mul(wg.tensor(CURV)).sum().mul(0.5);
const QUAD_METHODS = [
  { name: 'SGD', make: (p) => new optim.SGD(p, { lr: 0.07 }) },
  { name: 'momentum', make: (p) => new optim.SGD(p, { lr: 0.03, momentum: 0.7 }) },
  { name: 'Nesterov', make: (p) => new optim.SGD(p, { lr: 0.03, momentum: 0.7, nesterov: true }) },
  { name: 'AdaGrad', make: (p) => new optim.Adagrad(p, { lr: 1.5 }) },
  { name: 'RMSProp', make: (p) => new optim.RMSprop(p, { lr: 0.15 }) },
  { name: 'Adam', make: (p) => new optim.Adam(p, { lr: 0.5 }) },
];

function quadraticPaths(steps) {
  return QUAD_METHODS.map(({ name, make }, i) => {
    const p = wg.keep(wg.tensor([-9, 1.5], { requiresGrad: true }));
    const opt = make([p]);
    const path = [p.toArray()];
    for (let i = 0; i < steps; i++) {
      wg.tidy(() => {
        opt.zeroGrad();
        quadratic(p).backward();
        opt.step();
      });
      path.push(p.toArray());
    }
    const final = wg.tidy(() => quadratic(p).item());
    p.dispose();
    return { name, key: METHODS[i].key, path, final };
  });
}

function quadraticChart(paths) {
  // Level sets f = c as ellipses, so the valley's shape shows.
  const ellipses = [0.5, 2, 8, 20, 40.5, 68.6].map((c) => ({
    points: Array.from({ length: 97 }, (_, k) => {
      const t = (2 * Math.PI * k) / 96;
      return [Math.sqrt((2 * c) / CURV[0]) * Math.cos(t), Math.sqrt((2 * c) / CURV[1]) * Math.sin(t)];
    }),
    color: '#ccc',
  }));
  const tracks = paths.map((r, i) => ({ points: r.path, color: color(i) }));
  return scatter({
    title: `paths on f = (x² + 25y²)/2, ${paths[0].path.length - 1} steps from (-9, 1.5)`,
    // Fixed axes: a method that overshoots would otherwise stretch the picture.
    xRange: [-10, 4],
    yRange: [-2, 2],
    clip: true,
    xLabel: 'x',
    yLabel: 'y',
    width: 720,
    height: 400,
    radius: 2.5,
    groupNames: paths.map((r) => r.name),
    points: paths.flatMap((r, i) => r.path.map(([x, y]) => ({ x, y, group: i }))),
    lines: [...ellipses, ...tracks],
  });
}

/** A deep MLP (8 hidden layers of 64 ReLU units), with batch normalisation before each ReLU, or He-initialised weights. */
function deepMlp({ batchNorm = false, he = false }) {
  wg.seed(0);
  const layers = [];
  for (let i = 0; i < 8; i++) {
    layers.push(new nn.Linear(64, 64));
    if (batchNorm) layers.push(new nn.BatchNorm1d(64));
    layers.push(new nn.ReLU());
  }
  layers.push(new nn.Linear(64, 10));
  if (he) for (const l of layers) if (l instanceof nn.Linear) nn.init.kaimingNormal_(l.weight, { nonlinearity: 'relu' });
  return new nn.Sequential(...layers);
}

// PyTorch's default initialisation (uniform, variance 1/(3 fan-in)) shrinks
// the signal of a ReLU layer by about 6x, so after 8 layers the output barely
// depends on the input and plain SGD does not get going. Batch normalisation
// rescales every layer's pre-activations and learns at once; He
// initialisation (variance 2/fan-in) is the other cure, shown for comparison.
const BN_VARIANTS = [
  { name: 'default init, no batch norm', short: 'default init', opts: {} },
  { name: 'default init + BatchNorm1d', short: '+ BatchNorm1d', opts: { batchNorm: true } },
  { name: 'He init, no batch norm', short: 'He init', opts: { he: true } },
];

function batchNormRuns(train, test, epochs) {
  return BN_VARIANTS.map(({ name, short, opts }) => {
    const model = deepMlp(opts);
    const history = wg.fit(model, {
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      loss: wg.crossEntropy,
      data: new data.DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 }),
      validation: new data.DataLoader(test, { batchSize: 360 }),
      epochs,
    });
    model.dispose();
    return { name, short, loss: history.loss, testAcc: history.valAccuracy };
  });
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  const files = [];
  const { train, test } = await digitsSplit();

  const epochs = fast ? 5 : 20;
  const opt = compareOptimizers(train, test, epochs);
  log(`MLP 64-64-64-10 on the digits, one initialisation, same batches (32), ${epochs} epochs:`);
  log('method      final train loss  test acc');
  for (const r of opt) log(`${r.name.padEnd(10)}  ${r.finalLoss.toFixed(4).padStart(16)}  ${pct(r.testAcc).padStart(8)}`);
  const perEpoch = train.length / 32;
  const stepX = opt[0].steps.map((_, i) => i + 1);
  const optSeries = opt.map((r) => ({ name: r.name, x: stepX, y: smooth(r.steps, Math.round(perEpoch)) }));
  writeSvg(
    out,
    'ch08-optimizers.svg',
    lineChart({
      title: `six optimisers, same network, init and batches (loss averaged over ${Math.round(perEpoch)} steps)`,
      xLabel: 'step',
      yLabel: 'training loss',
      logY: wide(optSeries),
      width: 820,
      height: 440,
      series: optSeries,
    }),
    files,
  );

  const paths = quadraticPaths(40);
  log(`\nf = (x² + 25y²)/2 from (-9, 1.5), ${paths[0].path.length - 1} steps: ${paths.map((r) => `${r.name} ${r.final.toExponential(2)}`).join(', ')}`);
  writeSvg(out, 'ch08-quadratic.svg', quadraticChart(paths), files);

  const bnEpochs = fast ? 4 : 12;
  const bn = batchNormRuns(train, test, bnEpochs);
  log(`\ndeep MLP (8 hidden layers of 64), SGD lr 0.1, ${bnEpochs} epochs: training loss per epoch`);
  for (const r of bn) log(`${r.name.padEnd(28)} ${r.loss.map((v) => v.toFixed(3)).join(' ')}  test ${pct(r.testAcc.at(-1))}`);
  const ep = bn[0].loss.map((_, i) => i + 1);
  const bnLoss = bn.map((r) => ({ name: r.short, x: ep, y: r.loss }));
  writeSvg(
    out,
    'ch08-batchnorm.svg',
    row([
      lineChart({ title: 'deep MLP: training loss', xLabel: 'epoch', yLabel: 'cross-entropy', logY: wide(bnLoss), width: 560, series: bnLoss }),
      lineChart({ title: 'test accuracy', xLabel: 'epoch', yLabel: 'accuracy', width: 560, series: bn.map((r) => ({ name: r.short, x: ep, y: r.testAcc })) }),
    ]),
    files,
  );
  wg.dispose([...train.tensors, ...test.tensors]);

  const headline = {};
  for (const r of opt) headline[`${r.key}FinalLoss`] = r.finalLoss;
  for (const r of opt) headline[`${r.key}TestAcc`] = r.testAcc;
  for (const r of paths) headline[`${r.key}QuadraticFinal`] = r.final;
  headline.noBatchNormFinalLoss = bn[0].loss.at(-1);
  headline.batchNormFinalLoss = bn[1].loss.at(-1);
  headline.heInitFinalLoss = bn[2].loss.at(-1);
  headline.batchNormFirstEpochLoss = bn[1].loss[0];
  headline.heInitFirstEpochLoss = bn[2].loss[0];
  headline.noBatchNormTestAcc = bn[0].testAcc.at(-1);
  headline.batchNormTestAcc = bn[1].testAcc.at(-1);
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
