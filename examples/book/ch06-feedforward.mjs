// Chapter 6, deep feedforward networks: XOR (section 6.1) with the book's
// exact ReLU solution and a trained network, an MLP on the 8x8 digits, and
// back-propagation as an explicit walk over a computational graph (section
// 6.5), checked against wasmgrad's backward().
//   node examples/book/ch06-feedforward.mjs
import * as wg from 'wasmgrad';
import { graphDiagram, lineChart, row, scatter } from '../lib/svg.mjs';
import { describeStep, diagramOf, Graph } from './lib/backprop-graph.mjs';
import { digitsSplit, isMain, main, pct, writeSvg } from './lib/deep-networks.mjs';

const { nn, optim, data } = wg;
const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const XOR_Y = [0, 1, 1, 0];

/** Full-batch training of `model` on XOR with the book's mean squared error; returns the final loss. */
function trainXor(model, x, y, { steps, lr }) {
  const opt = new optim.Adam(model.parameters(), { lr });
  let loss = Number.NaN;
  for (let i = 0; i < steps; i++) {
    loss = wg.tidy(() => {
      opt.zeroGrad();
      const l = wg.mseLoss(model.forward(x), y);
      l.backward();
      opt.step();
      return l.item();
    });
  }
  return loss;
}

/** Points of XOR in a 2-D space, coloured by class, with the output's 0.5 level line w·h + b = 0.5 when given. */
function xorPanel(title, pts, xLabel, yLabel, w, b) {
  const lines = [];
  if (w && Math.abs(w[1]) > 1e-9) {
    // w0 h0 + w1 h1 + b = 0.5, clipped to the plotted box (the points' range plus the chart's 5% margin).
    const box = [0, 1].map((k) => {
      const vs = pts.map((p) => p[k]);
      const [lo, hi] = [Math.min(...vs), Math.max(...vs)];
      return [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)];
    });
    const h1At = (h0) => (0.5 - b - w[0] * h0) / w[1];
    const h0At = (h1) => (0.5 - b - w[1] * h1) / w[0];
    const inside = ([u, v]) => u >= box[0][0] - 1e-9 && u <= box[0][1] + 1e-9 && v >= box[1][0] - 1e-9 && v <= box[1][1] + 1e-9;
    const ends = [...box[0].map((h0) => [h0, h1At(h0)]), ...(Math.abs(w[0]) > 1e-9 ? box[1].map((h1) => [h0At(h1), h1]) : [])].filter(inside);
    if (ends.length >= 2) lines.push({ points: ends.slice(0, 2), dashed: true, color: '#444' });
  }
  return scatter({
    title,
    xLabel,
    yLabel,
    width: 400,
    height: 340,
    radius: 7,
    groupNames: ['y = 0', 'y = 1'],
    // (1, 0) is nudged right: in hidden space it lands on (0, 1)'s point, and both should show.
    points: pts.map(([px, py], i) => ({ x: px + (i === 2 ? 0.04 : 0), y: py, group: XOR_Y[i] })),
    lines,
  });
}

async function xorSection(fast, out, files) {
  const x = wg.tensor(XOR_X);
  const y = wg.tensor(XOR_Y.map((v) => [v]));

  // A linear model cannot represent XOR: trained to convergence it reaches the
  // least-squares solution w = 0, b = 1/2, MSE 1/4 (the book's normal equations).
  wg.seed(0);
  const linear = new nn.Linear(2, 1);
  const linearLoss = trainXor(linear, x, y, { steps: 1000, lr: 0.05 });
  const linW = linear.weight.toArray()[0];
  const linB = linear.bias.item();

  // The book's solution: f(x) = w^T max(0, W^T x + c) + b.
  const W = wg.tensor([
    [1, 1],
    [1, 1],
  ]);
  const c = wg.tensor([0, -1]);
  const w = wg.tensor([[1], [-2]]);
  const hExact = x.matmul(W).add(c).relu();
  const b = 0;
  const fExact = hExact.matmul(w).add(b).reshape([4]).toArray();
  const exactMse = fExact.reduce((s, v, i) => s + (v - XOR_Y[i]) ** 2, 0) / 4;

  // The same architecture (2 ReLU units) trained from random starts: the
  // solution exists but gradient descent finds it only from some of them
  // (the others end with a dead unit or in a poor local minimum: MSE 1/8, 1/6 or 1/4).
  const starts = fast ? 10 : 20;
  const finals = [];
  let learned = null;
  for (let s = 0; s < starts; s++) {
    wg.seed(s);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
    const loss = trainXor(model, x, y, { steps: 500, lr: 0.05 });
    finals.push(loss);
    if (loss < 1e-3 && !learned) learned = { seed: s, model, loss };
    else model.dispose();
  }
  const successes = finals.filter((l) => l < 1e-3).length;
  let learnedOut = null;
  const panels = [
    xorPanel('XOR in input space', XOR_X, 'x1', 'x2'),
    xorPanel("book's solution: h = relu(Wᵀx + c)", hExact.toArray(), 'h1', 'h2', w.reshape([2]).toArray(), b),
  ];
  if (learned) {
    const [l1, , l2] = learned.model.children();
    const hLearned = wg.tidy(() => l1.forward(x).relu().toArray());
    learnedOut = wg.tidy(() => learned.model.forward(x).reshape([4]).toArray());
    panels.push(xorPanel(`trained (start ${learned.seed}): hidden space`, hLearned, 'h1', 'h2', l2.weight.toArray()[0], l2.bias.item()));
    learned.model.dispose();
  }
  writeSvg(out, 'ch06-xor.svg', row(panels), files);
  wg.dispose([x, y, W, c, w, hExact]);
  linear.dispose();
  return { linW, linB, linearLoss, fExact, exactMse, starts, successes, finals, learned, learnedOut };
}

async function digitsSection(fast, out, files) {
  const { train, test } = await digitsSplit();
  wg.seed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const epochs = fast ? 8 : 30;
  const history = wg.fit(model, {
    optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
    loss: wg.crossEntropy,
    data: new data.DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 }),
    validation: new data.DataLoader(test, { batchSize: 360 }),
    epochs,
  });
  const ep = history.loss.map((_, i) => i + 1);
  writeSvg(
    out,
    'ch06-digits-mlp.svg',
    row([
      lineChart({
        title: 'MLP 64-128-64-10 on the digits: loss',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        logY: true,
        width: 560,
        series: [
          { name: 'train', x: ep, y: history.loss },
          { name: 'test', x: ep, y: history.valLoss, dashed: true },
        ],
      }),
      lineChart({
        title: 'accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        width: 560,
        series: [
          { name: 'train', x: ep, y: history.accuracy },
          { name: 'test', x: ep, y: history.valAccuracy, dashed: true },
        ],
      }),
    ]),
    files,
  );
  const result = {
    epochs,
    parameters: model.numParameters(),
    trainAcc: history.accuracy.at(-1),
    testAcc: history.valAccuracy.at(-1),
    testLoss: history.valLoss.at(-1),
  };
  model.dispose();
  train.dispose();
  test.dispose();
  return result;
}

// The graph of a 2-2-1 ReLU network on one input with a squared error,
// scalar by scalar. The values are picked so that one hidden unit is off
// (its relu passes no gradient back) and one is on.
const PARAMS = { x: [0.5, -1], W1: [0.8, -0.4, 0.3, 0.9], b1: [0.1, -0.2], v: [1.5, -0.7], c: 0.2, y: 1 };

function buildGraph() {
  const g = new Graph();
  const x = PARAMS.x.map((v, i) => g.input(`x${i + 1}`, v));
  const W = PARAMS.W1.map((v, k) => g.input(`W${Math.floor(k / 2) + 1}${(k % 2) + 1}`, v));
  const b = PARAMS.b1.map((v, j) => g.input(`b${j + 1}`, v));
  const h = [0, 1].map((j) => {
    const p1 = g.op(`p${j + 1}1`, 'mul', W[2 * j], x[0]);
    const p2 = g.op(`p${j + 1}2`, 'mul', W[2 * j + 1], x[1]);
    const s = g.op(`s${j + 1}`, 'add', p1, p2);
    const a = g.op(`a${j + 1}`, 'add', s, b[j]);
    return g.op(`h${j + 1}`, 'relu', a);
  });
  const v = PARAMS.v.map((val, j) => g.input(`v${j + 1}`, val));
  const q = h.map((hj, j) => g.op(`q${j + 1}`, 'mul', v[j], hj));
  const r = g.op('r', 'add', q[0], q[1]);
  const yhat = g.op('ŷ', 'add', r, g.input('c', PARAMS.c));
  const e = g.op('e', 'sub', yhat, g.input('y', PARAMS.y));
  const L = g.op('L', 'square', e);
  return { g, L, leaves: { x, W, b, v } };
}

/** The same computation with tensors (float64), differentiated by wasmgrad; returns the gradients by leaf name. */
function wasmgradGrads() {
  return wg.tidy(() => {
    const t = (v, shape) => wg.tensor(v, { dtype: 'float64', requiresGrad: true, shape });
    const x = t(PARAMS.x);
    const W1 = t(PARAMS.W1, [2, 2]);
    const b1 = t(PARAMS.b1);
    const v = t(PARAMS.v);
    const c = t(PARAMS.c);
    const y = t(PARAMS.y);
    const loss = W1.matmul(x).add(b1).relu().dot(v).add(c).sub(y).square();
    loss.backward();
    const out = { L: loss.item(), c: c.grad.item(), y: y.grad.item() };
    x.grad.toArray().forEach((g, i) => (out[`x${i + 1}`] = g));
    W1.grad
      .toArray()
      .flat()
      .forEach((g, k) => (out[`W${Math.floor(k / 2) + 1}${(k % 2) + 1}`] = g));
    b1.grad.toArray().forEach((g, j) => (out[`b${j + 1}`] = g));
    v.grad.toArray().forEach((g, j) => (out[`v${j + 1}`] = g));
    return out;
  });
}

function backpropSection(out, files) {
  const { g, L } = buildGraph();
  const steps = g.backward(L);
  const reference = wasmgradGrads();
  const leaves = g.nodes.filter((n) => n.op === 'input');
  const maxGradDiff = Math.max(...leaves.map((n) => Math.abs(n.grad - reference[n.name])));
  const { nodes, edges } = diagramOf(g, L);
  writeSvg(
    out,
    'ch06-backprop-graph.svg',
    graphDiagram({ title: 'Back-propagation through a 2-2-1 ReLU network: value and gradient of every node (edges: local derivatives)', nodes, edges }),
    files,
  );
  return { steps, loss: L.value, lossWasmgrad: reference.L, maxGradDiff, nodes: g.nodes.length, edges: edges.length };
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  const files = [];
  const xor = await xorSection(fast, out, files);
  log(`XOR, linear model (least squares): w = [${xor.linW.map((v) => v.toFixed(4))}], b = ${xor.linB.toFixed(4)}, MSE ${xor.linearLoss.toFixed(4)}`);
  log(`XOR, the book's ReLU solution: f = [${xor.fExact}], MSE ${xor.exactMse}`);
  log(
    `XOR, 2-2-1 ReLU trained from ${xor.starts} random starts (Adam, 500 steps): ${xor.successes} reach MSE < 1e-3; final MSEs ${xor.finals.map((l) => l.toFixed(3)).join(' ')}`,
  );
  if (xor.learned) log(`  first success (start ${xor.learned.seed}): f = [${xor.learnedOut.map((v) => v.toFixed(3))}]`);

  const digits = await digitsSection(fast, out, files);
  log(`digits MLP (${digits.parameters} parameters, ${digits.epochs} epochs): train ${pct(digits.trainAcc)}, test ${pct(digits.testAcc)}`);

  const bp = backpropSection(out, files);
  log(`back-propagation walk over ${bp.nodes} nodes, reverse topological order:`);
  for (const s of bp.steps) log(`  ${describeStep(s)}`);
  log(`  loss ${bp.loss} (wasmgrad ${bp.lossWasmgrad}); largest |walk - backward()| over the leaves' gradients: ${bp.maxGradDiff}`);

  return {
    headline: {
      xorLinearMse: xor.linearLoss,
      xorExactMse: xor.exactMse,
      xorExactOutputs: xor.fExact,
      xorStarts: xor.starts,
      xorSuccesses: xor.successes,
      xorLearnedMse: xor.learned?.loss ?? null,
      digitsTestAccuracy: digits.testAcc,
      digitsTrainAccuracy: digits.trainAcc,
      backpropNodes: bp.nodes,
      backpropEdges: bp.edges,
      backpropMaxGradDiff: bp.maxGradDiff,
    },
    files,
  };
}

if (isMain(import.meta.url)) await main(run);
