// Kernel microbenchmarks per family, side by side with tfjs-wasm. The families
// and their ops come from the same manifests the dispatcher and the tests use.
import { BINARY_F32, CONV_F32, GEMM_F32, REDUCE_F32, SOFTMAX_F32, UNARY_F32 } from '../dist/backends/wasm/manifests/index.js';
import { measure, measureAlternating, measurePair, table } from './lib.mjs';

const ops = (entries) => entries.map((e) => e.op);

/** Seconds per call of f inside a scope that frees its results (tidy keeps what it returns, so return nothing). */
const ourTime = (wg, f) =>
  measure(() =>
    wg.tidy(() => {
      f();
    }),
  );
/** Seconds per call of our f and of tfjs's g (null: only ours), their batches alternating. */
const sideBySide = (wg, tf, f, g) => {
  if (!g) return { ours: ourTime(wg, f), peer: null };
  const [ours, peer, oursBest, peerBest] = measurePair(
    () =>
      wg.tidy(() => {
        f();
      }),
    () =>
      tf.tidy(() => {
        g();
      }),
  );
  return { ours, peer, oursBest, peerBest };
};

export async function gemm(wg, tf) {
  const rows = [];
  const shapes = [
    [64, 64, 64],
    [128, 128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [1024, 1024, 1024],
    [64, 784, 256],
    [128, 4096, 128],
  ];
  const run = (m, k, n, ta, tb, label) => {
    const a = wg.randn(ta ? [k, m] : [m, k]);
    const b = wg.randn(tb ? [n, k] : [k, n]);
    const A = ta ? a.T : a;
    const B = tb ? b.T : b;
    const pa = tf.randomNormal(ta ? [k, m] : [m, k]);
    const pb = tf.randomNormal(tb ? [n, k] : [k, n]);
    const t = sideBySide(
      wg,
      tf,
      () => wg.matmul(A, B),
      () => tf.matMul(pa, pb, ta, tb),
    );
    wg.dispose([a, b, A, B]);
    tf.dispose([pa, pb]);
    rows.push({ problem: `${label} ${m}x${k} @ ${k}x${n}`, ...t, work: 2 * m * n * k, unit: 'GFLOP/s' });
  };
  for (const [m, k, n] of shapes) run(m, k, n, false, false, 'A B');
  run(784, 64, 256, true, false, 'A^T B');
  run(64, 256, 784, false, true, 'A B^T');
  run(4096, 128, 128, true, false, 'A^T B');
  run(128, 128, 4096, false, true, 'A B^T');
  table(`GEMM (${GEMM_F32.name})`, rows);
  return rows;
}

export async function conv2d(wg, tf) {
  const rows = [];
  const cases = [
    { x: [8, 16, 32, 32], w: [32, 16, 3, 3], padding: 1, groups: 1, label: '3x3 pad 1' },
    { x: [64, 1, 28, 28], w: [6, 1, 5, 5], padding: 0, groups: 1, label: 'LeNet 5x5' },
    { x: [8, 64, 16, 16], w: [64, 64, 1, 1], padding: 0, groups: 1, label: '1x1' },
    { x: [8, 32, 32, 32], w: [32, 1, 3, 3], padding: 1, groups: 32, label: 'depthwise 3x3' },
  ];
  for (const c of cases) {
    const [N, C, H, W] = c.x;
    const [Co, , kh, kw] = c.w;
    const opts = { padding: c.padding, groups: c.groups };
    const x = wg.randn(c.x);
    const w = wg.randn(c.w);
    const y = wg.conv2d(x, w, opts);
    const [, , OH, OW] = y.shape;
    const flops = 2 * N * Co * OH * OW * (C / c.groups) * kh * kw;
    // tfjs works in NHWC; its layouts are made once, outside the timed loop.
    const tx = tf.randomNormal([N, H, W, C]);
    const tw = tf.randomNormal(c.groups === 1 ? [kh, kw, C, Co] : [kh, kw, C, 1]);
    const pad = c.padding === 0 ? 'valid' : 'same';
    const t = sideBySide(wg, tf, () => wg.conv2d(x, w, opts), c.groups === 1 ? () => tf.conv2d(tx, tw, 1, pad) : () => tf.depthwiseConv2d(tx, tw, 1, pad));
    const dy = wg.randn(y.shape);
    // The two backward convolutions timed alternating with the forward one, for their ratio to it.
    const scoped = (f) => () =>
      wg.tidy(() => {
        f();
      });
    const [[fwd, bwdIn, bwdW]] = measureAlternating([
      scoped(() => wg.conv2d(x, w, opts)),
      scoped(() => wg.convTranspose2d(dy, w, opts)),
      scoped(() => wg.conv2dBackwardWeight(x, dy, c.w, opts)),
    ]);
    rows.push({ problem: `${c.label} x[${c.x}] w[${c.w}]`, ...t, work: flops, unit: 'GFLOP/s' });
    rows.push({ problem: `  backward input (${(bwdIn / fwd).toFixed(2)}x forward)`, ours: bwdIn, peer: null, work: flops, unit: 'GFLOP/s' });
    rows.push({ problem: `  backward weight (${(bwdW / fwd).toFixed(2)}x forward)`, ours: bwdW, peer: null, work: flops, unit: 'GFLOP/s' });
    wg.dispose([x, w, y, dy]);
    tf.dispose([tx, tw]);
  }
  table(`conv2d (${CONV_F32.map((e) => e.name).join(', ')})`, rows);
  return rows;
}

const TF_UNARY = {
  neg: 'neg',
  exp: 'exp',
  log: 'log',
  sqrt: 'sqrt',
  abs: 'abs',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  square: 'square',
  sin: 'sin',
  cos: 'cos',
};
const UNARY_ARGS = { clamp: [-0.5, 0.5], leakyRelu: [0.1], elu: [1], softplus: [1, 20] };
const TF_BINARY = { add: 'add', sub: 'sub', mul: 'mul', div: 'div', pow: 'pow', maximum: 'maximum', minimum: 'minimum' };

export async function elementwise(wg, tf) {
  const rows = [];
  for (const n of [1024, 65536, 1 << 20, 1 << 24]) {
    const a = wg.tidy(() => wg.rand([n]).add(0.5));
    const b = wg.tidy(() => wg.rand([n]).add(0.5));
    const ta = tf.randomUniform([n], 0.5, 1.5);
    const tb = tf.randomUniform([n], 0.5, 1.5);
    for (const op of n === 65536 ? ops(BINARY_F32) : ['add']) {
      const t = sideBySide(wg, tf, () => wg[op](a, b), TF_BINARY[op] && (() => tf[TF_BINARY[op]](ta, tb)));
      rows.push({ problem: `${op} ${n}`, ...t, work: n, unit: 'Gelem/s' });
    }
    if (n === 65536) {
      for (const op of ops(UNARY_F32).filter((o) => o !== 'copy')) {
        const t = sideBySide(wg, tf, () => wg[op](a, ...(UNARY_ARGS[op] ?? [])), TF_UNARY[op] && (() => tf[TF_UNARY[op]](ta)));
        rows.push({ problem: `${op} ${n}`, ...t, work: n, unit: 'Gelem/s' });
      }
      // Broadcasting: a [256, 256] plus a row [256].
      const m = a.reshape([256, 256]);
      const row = wg.rand([256]);
      const tm = tf.reshape(ta, [256, 256]);
      const trow = tf.randomUniform([256]);
      const t = sideBySide(
        wg,
        tf,
        () => m.add(row),
        () => tf.add(tm, trow),
      );
      rows.push({ problem: 'add broadcast [256,256]+[256]', ...t, work: n, unit: 'Gelem/s' });
      wg.dispose([m, row]);
      tf.dispose([tm, trow]);
    }
    wg.dispose([a, b]);
    tf.dispose([ta, tb]);
  }
  table('elementwise', rows);
  return rows;
}

export async function reductions(wg, tf) {
  const rows = [];
  for (const n of [65536, 1 << 20]) {
    const a = wg.randn([n]);
    const ta = tf.randomNormal([n]);
    for (const op of ['sum', 'max', 'min']) {
      rows.push({
        problem: `${op} ${n}`,
        ...sideBySide(
          wg,
          tf,
          () => wg[op](a),
          () => tf[op](ta),
        ),
        work: n,
        unit: 'Gelem/s',
      });
    }
    wg.dispose([a]);
    ta.dispose();
  }
  const m = wg.randn([1024, 1024]);
  const tm = tf.randomNormal([1024, 1024]);
  for (const axis of [0, 1]) {
    rows.push({
      problem: `sum [1024,1024] axis ${axis}`,
      ...sideBySide(
        wg,
        tf,
        () => wg.sum(m, axis),
        () => tf.sum(tm, axis),
      ),
      work: 1 << 20,
      unit: 'Gelem/s',
    });
  }
  rows.push({
    problem: 'argmax [1024,1024] axis 1',
    ...sideBySide(
      wg,
      tf,
      () => wg.argmax(m, 1),
      () => tf.argMax(tm, 1),
    ),
    work: 1 << 20,
    unit: 'Gelem/s',
  });
  wg.dispose([m]);
  tm.dispose();
  table(`reductions (${REDUCE_F32.map((e) => e.name).join(', ')})`, rows);
  return rows;
}

export async function softmax(wg, tf) {
  const rows = [];
  for (const [r, c] of [
    [64, 1024],
    [256, 1024],
    [1024, 10],
    [128, 4096],
  ]) {
    const x = wg.randn([r, c]);
    const tx = tf.randomNormal([r, c]);
    const work = r * c;
    rows.push({
      problem: `softmax [${r},${c}]`,
      ...sideBySide(
        wg,
        tf,
        () => wg.softmax(x, -1),
        () => tf.softmax(tx),
      ),
      work,
      unit: 'Gelem/s',
    });
    rows.push({
      problem: `logSoftmax [${r},${c}]`,
      ...sideBySide(
        wg,
        tf,
        () => wg.logSoftmax(x, -1),
        () => tf.logSoftmax(tx),
      ),
      work,
      unit: 'Gelem/s',
    });
    rows.push({
      problem: `logsumexp [${r},${c}]`,
      ...sideBySide(
        wg,
        tf,
        () => wg.logsumexp(x, -1),
        () => tf.logSumExp(tx, -1),
      ),
      work,
      unit: 'Gelem/s',
    });
    wg.dispose([x]);
    tx.dispose();
  }
  table(`softmax family (${SOFTMAX_F32.map((e) => e.name).join(', ')})`, rows);
  return rows;
}
