// Chapter 20 (deep generative models), section 20.10.4: a generative
// adversarial network on a 2-D mixture of eight Gaussians on a ring.
//
// The generator g maps noise z ~ N(0, I) to points; the discriminator d is a
// classifier between real and generated points. They play the minimax game of
// equation 20.80, with the generator trained on the non-saturating loss
// -log d(g(z)) (section 20.10.4: it keeps the generator's gradient alive when
// the discriminator wins). Eight well-separated modes make mode collapse, the
// GAN's best-known failure, easy to see: the script counts how many generated
// points land near each mode.
//
// The plain game often collapses onto a few modes here. The R1 penalty of
// Mescheder et al. (2018), (gamma / 2) E||grad_x d(x)||^2 on real points, keeps
// the discriminator from growing steep walls around the data, the dynamics
// settle, and the generator spreads over all eight modes. The penalty is a
// gradient of a gradient: wg.grad records the inner gradient's graph when its
// input requires a gradient, so the outer backward reaches d's parameters.
// The full run trains both from three seeds and draws them side by side; the
// fast run trains the penalised one.
//
//   node examples/book/ch20-gan.mjs   (full run; run({ fast: true }) for a quick one)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wg from 'wasmgrad';
import { color, lineChart, row, scatter } from '../lib/svg.mjs';

const { nn, optim } = wg;
const MODES = 8;
const RADIUS = 2;
const STD = 0.05;
const CENTRES = Array.from({ length: MODES }, (_, k) => [RADIUS * Math.cos((2 * Math.PI * k) / MODES), RADIUS * Math.sin((2 * Math.PI * k) / MODES)]);

/** n points of the mixture [n, 2]: a random centre plus N(0, STD^2) noise. */
function realBatch(n) {
  return wg.tidy(() => {
    const pick = wg.randint(0, MODES, [n], { dtype: 'int32' });
    return wg
      .tensor(CENTRES)
      .indexSelect(0, pick)
      .add(wg.randn([n, 2]).mul(STD));
  });
}

/**
 * Coverage of generated points [n, 2]: for each mode, the share of all points
 * that lie within 3 STD of its centre; the share of such "good" points; and how
 * many modes hold at least 2% of the points (an even spread gives 12.5% each).
 */
function coverage(points) {
  const p = points.dataSync();
  const counts = new Array(MODES).fill(0);
  let good = 0;
  const n = p.length / 2;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let dist = Infinity;
    CENTRES.forEach(([cx, cy], k) => {
      const d = Math.hypot(p[2 * i] - cx, p[2 * i + 1] - cy);
      if (d < dist) [best, dist] = [k, d];
    });
    if (dist < 3 * STD) {
      counts[best]++;
      good++;
    }
  }
  return { shares: counts.map((c) => c / n), goodShare: good / n, modesCovered: counts.filter((c) => c / n >= 0.02).length };
}

const mlp = (inp, hidden, outp) =>
  new nn.Sequential(
    new nn.Linear(inp, hidden),
    new nn.ReLU(),
    new nn.Linear(hidden, hidden),
    new nn.ReLU(),
    new nn.Linear(hidden, hidden),
    new nn.ReLU(),
    new nn.Linear(hidden, outp),
  );

/**
 * Trains one generator/discriminator pair for `steps` steps (one update of
 * each per step); r1 is the penalty's gamma (0 for the plain game). Returns the
 * coverage history, snapshots of generated points and the final ones.
 */
function trainGAN({ steps, batch, hidden, zDim, lr, r1, snapshotAt, log }) {
  const G = mlp(zDim, hidden, 2);
  const D = mlp(2, hidden, 1);
  // beta1 = 0.5, as in DCGAN: less momentum keeps the two players from overshooting each other.
  const optG = new optim.Adam(G.parameters(), { lr, betas: [0.5, 0.999] });
  const optD = new optim.Adam(D.parameters(), { lr, betas: [0.5, 0.999] });
  const bce = wg.binaryCrossEntropyWithLogits;
  const ones = wg.keep(wg.ones([batch, 1]));
  const zeros = wg.keep(wg.zeros([batch, 1]));
  const fixedZ = wg.keep(wg.randn([2000, zDim])); // the same noise for every snapshot
  const slope = wg.grad((x) => D.forward(x).sum()); // d's gradient with respect to its input
  const history = { step: [], modes: [], good: [] };
  const snapshots = [];
  for (let step = 1; step <= steps; step++) {
    wg.tidy(() => {
      // Discriminator: real points are class 1, generated ones class 0
      // (detached, so this step leaves the generator alone).
      const real = realBatch(batch);
      const fake = G.forward(wg.randn([batch, zDim])).detach();
      let dLoss = bce(D.forward(real), ones).add(bce(D.forward(fake), zeros));
      if (r1 > 0)
        dLoss = dLoss.add(
          slope(real.requiresGrad_())
            .square()
            .sum(1)
            .mean()
            .mul(r1 / 2),
        );
      optD.zeroGrad();
      dLoss.backward();
      optD.step();
      // Generator: make d call its points real (the non-saturating loss).
      const gLoss = bce(D.forward(G.forward(wg.randn([batch, zDim]))), ones);
      optG.zeroGrad();
      gLoss.backward();
      optG.step();
    });
    if (step % 50 === 0 || snapshotAt.includes(step)) {
      const pts = wg.noGrad(() => G.forward(fixedZ));
      const cov = coverage(pts);
      history.step.push(step);
      history.modes.push(cov.modesCovered);
      history.good.push(cov.goodShare);
      if (snapshotAt.includes(step)) snapshots.push({ step, points: Array.from(pts.dataSync()) });
      pts.dispose();
      if (log && step % 500 === 0) console.log(`  ${log} step ${step}: ${cov.modesCovered} modes, ${(100 * cov.goodShare).toFixed(1)}% within 3 std of a mode`);
    }
  }
  const final = wg.noGrad(() => G.forward(fixedZ));
  const result = { history, snapshots, coverage: coverage(final), points: Array.from(final.dataSync()) };
  wg.dispose([ones, zeros, fixedZ, final]);
  G.dispose();
  D.dispose();
  return result;
}

const toPoints = (flat, group, count) => Array.from({ length: count }, (_, i) => ({ x: flat[2 * i], y: flat[2 * i + 1], group }));
const LIM = RADIUS + 1;
const square = { xRange: [-LIM, LIM], yRange: [-LIM, LIM] };

export async function run({ fast = false, out = 'out/book' } = {}) {
  await wg.init();
  mkdirSync(out, { recursive: true });
  const cfg = fast
    ? { steps: 2000, batch: 128, hidden: 64, zDim: 8, lr: 2e-3, seeds: [2020], snapshotAt: [100, 500, 2000] }
    : { steps: 3000, batch: 128, hidden: 64, zDim: 8, lr: 1e-3, seeds: [1, 2, 3], snapshotAt: [250, 1000, 3000] };
  const t0 = performance.now();
  // Each seed gives both variants the same initial weights and data.
  const variants = fast
    ? [{ name: 'R1 penalty', r1: 1 }]
    : [
        { name: 'R1 penalty', r1: 1 },
        { name: 'plain', r1: 0 },
      ];
  const runs = variants.flatMap((v) =>
    cfg.seeds.map((seed) => {
      wg.seed(seed);
      return { ...v, seed, ...trainGAN({ ...cfg, r1: v.r1, log: fast ? '' : `${v.name}, seed ${seed},` }) };
    }),
  );
  const first = variants.map((v) => runs.find((r) => r.name === v.name));
  const realPts = wg.tidy(() => toPoints(realBatch(1000).dataSync(), 0, 1000));

  const files = ['samples', 'training', 'progress'].map((name) => join(out, `ch20-gan-${name}.svg`));
  writeFileSync(
    files[0],
    row(
      first.map((r) =>
        scatter({
          title: `${r.name} (seed ${r.seed}): ${r.coverage.modesCovered} of 8 modes`,
          points: [...realPts, ...toPoints(r.points, 1, 1000)],
          groupNames: ['real', 'generated'],
          radius: 2,
          width: 560,
          height: 440,
          ...square,
        }),
      ),
    ),
  );
  writeFileSync(
    files[1],
    lineChart({
      title: 'GAN training: modes holding >= 2% of the samples',
      xLabel: 'step',
      yLabel: 'modes covered (of 8)',
      yRange: [0, 8.5],
      series: runs.map((r) => ({
        name: `${r.r1 ? 'R1' : 'plain'}, seed ${r.seed}`,
        x: r.history.step,
        y: r.history.modes,
        color: color(cfg.seeds.indexOf(r.seed)),
        dashed: r.r1 === 0,
      })),
    }),
  );
  // The penalised generator's points (orange) over the data (blue) at a few steps.
  writeFileSync(
    files[2],
    row(
      runs[0].snapshots.map((s) =>
        scatter({
          title: `step ${s.step}`,
          points: [...realPts.slice(0, 500), ...toPoints(s.points, 1, 500)],
          radius: 1.5,
          width: 400,
          height: 330,
          ...square,
        }),
      ),
    ),
  );

  const summary = (r) => ({
    modeShares: r.coverage.shares,
    minModeShare: Math.min(...r.coverage.shares),
    modesCovered: r.coverage.modesCovered,
    goodShare: r.coverage.goodShare,
  });
  const modesBySeed = (name) => runs.filter((r) => r.name === name).map((r) => r.coverage.modesCovered);
  const headline = {
    steps: cfg.steps,
    seeds: cfg.seeds,
    r1: summary(first[0]),
    plain: first[1] ? summary(first[1]) : null,
    modesCoveredBySeed: { r1: modesBySeed('R1 penalty'), plain: fast ? null : modesBySeed('plain') },
    seconds: (performance.now() - t0) / 1000,
  };
  return { headline, files };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { headline, files } = await run();
  console.log(headline);
  console.log(`wrote ${files.join(', ')}`);
}
