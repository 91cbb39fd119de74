// Chapter 10, sequence modelling: recurrent and recursive nets.
//
// 1. A character-level LSTM language model of Jane Austen's "Pride and
//    Prejudice" (data/pride-and-prejudice.txt), trained with truncated
//    back-propagation through time (section 10.2.2 and 10.10): the batch is B
//    parallel streams through the text, each step unrolls L characters, and the
//    hidden state is carried to the next step but detached, so gradients flow
//    back at most L steps. It reports validation bits per character against the
//    unigram and bigram baselines and samples text at several temperatures.
// 2. The adding problem (Hochreiter & Schmidhuber 1997; section 10.7 and 10.10):
//    the target is the sum of the two values flagged in a sequence of T random
//    numbers, so the net must carry information across up to T steps. A plain
//    tanh RNN stays at the trivial answer (always 1, MSE 1/6) while an LSTM,
//    whose gated cell state carries the gradient, solves it.
//
//   node examples/book/ch10-sequence.mjs   (full run; run({ fast: true }) for a quick one)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wg from 'wasmgrad';
import { lineChart } from '../lib/svg.mjs';

const { nn, optim } = wg;
const LOG2E = Math.LOG2E;

/**
 * Sets an LSTM's forget-gate bias to 1 (section 10.10.1, Jozefowicz et al.
 * 2015): the cell starts out remembering, so gradients reach far back early on.
 */
function forgetBiasOne(lstm) {
  const H = lstm.hiddenSize;
  const f = lstm.bias_ih_l0.narrow(0, H, H); // gate order i, f, g, o
  wg.noGrad(() => f.fill_(1));
  f.dispose();
}

// ---------------------------------------------------------------- the text

function loadText() {
  const text = readFileSync(new URL('../../data/pride-and-prejudice.txt', import.meta.url), 'utf8');
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(text, (c) => index.get(c));
  return { text, vocab, index, ids };
}

/** Cross-entropy in bits of `test` under add-one-smoothed unigram and bigram models fitted on `train`. */
function ngramBaselines(train, test, V) {
  const uni = new Float64Array(V).fill(1);
  const bi = new Float64Array(V * V).fill(1);
  for (let i = 0; i < train.length; i++) {
    uni[train[i]]++;
    if (i) bi[train[i - 1] * V + train[i]]++;
  }
  const uniTotal = uni.reduce((a, b) => a + b);
  const rowTotal = Array.from({ length: V }, (_, a) => bi.subarray(a * V, (a + 1) * V).reduce((s, v) => s + v));
  let hu = 0;
  let hb = 0;
  for (let i = 1; i < test.length; i++) {
    hu -= Math.log2(uni[test[i]] / uniTotal);
    hb -= Math.log2(bi[test[i - 1] * V + test[i]] / rowTotal[test[i - 1]]);
  }
  return { unigram: hu / (test.length - 1), bigram: hb / (test.length - 1) };
}

/**
 * Splits ids into `streams` equal contiguous streams and yields, for each
 * window of L characters, the inputs and next-character targets [streams, L]
 * (int32). Consecutive windows continue each stream, which is what lets the
 * carried hidden state make sense.
 */
function* windows(ids, streams, L) {
  const len = Math.floor((ids.length - 1) / streams);
  for (let start = 0; start + L <= len; start += L) {
    const x = new Int32Array(streams * L);
    const y = new Int32Array(streams * L);
    for (let s = 0; s < streams; s++) {
      x.set(ids.subarray(s * len + start, s * len + start + L), s * L);
      y.set(ids.subarray(s * len + start + 1, s * len + start + L + 1), s * L);
    }
    yield [wg.tensor(x, { shape: [streams, L], dtype: 'int32' }), wg.tensor(y, { shape: [streams * L], dtype: 'int32' })];
  }
}

class CharLSTM extends nn.Module {
  constructor(V, E, H) {
    super();
    this.embed = new nn.Embedding(V, E);
    this.lstm = new nn.LSTM(E, H, { batchFirst: true });
    this.head = new nn.Linear(H, V);
  }

  /** ids [B, L] -> logits [B * L, V] and the final [h, c]. */
  forward(ids, state = null) {
    const [out, next] = this.lstm.forward(this.embed.forward(ids), state);
    return [this.head.forward(out.reshape([-1, this.lstm.hiddenSize])), next];
  }
}

/**
 * Bits per character of the model on ids, cut into `streams` parallel streams
 * read in one window each (the state starts at zero, so the first characters
 * of each stream are predicted with little context: a slight overestimate).
 */
function bitsPerChar(model, ids, streams) {
  const L = Math.floor((ids.length - 1) / streams);
  model.eval();
  let nats = 0;
  let count = 0;
  let state = null;
  wg.noGrad(() => {
    for (const [x, y] of windows(ids, streams, L)) {
      const r = wg.tidy(() => {
        const [logits, next] = model.forward(x, state);
        return { loss: wg.crossEntropy(logits, y, { reduction: 'sum' }).item(), next };
      });
      if (state) wg.dispose(state);
      state = r.next;
      nats += r.loss;
      count += y.size;
      x.dispose();
      y.dispose();
    }
  });
  if (state) wg.dispose(state);
  model.train();
  return (nats / count) * LOG2E;
}

/**
 * Samples n characters after `prime`: each step draws from softmax(logits / T).
 * Low temperatures sharpen the distribution (safe, repetitive text), high ones
 * flatten it (more novel words, more misspellings).
 */
function sample(model, { vocab, index }, prime, n, temperature) {
  model.eval();
  const V = vocab.length;
  const u = wg.rand([n]).dataSync(); // seeded by wg.seed
  let out = '';
  wg.noGrad(() => {
    let state = null;
    let logits = null;
    const feed = (id) => {
      const r = wg.tidy(() => model.forward(wg.tensor([[id]], { dtype: 'int32' }), state));
      if (state) wg.dispose(state);
      logits?.dispose();
      [logits, state] = r;
    };
    for (const c of prime) feed(index.get(c));
    for (let k = 0; k < n; k++) {
      const p = wg.tidy(() => wg.softmax(logits.div(temperature), 1)).dataSync();
      let id = 0;
      for (let acc = p[0]; acc < u[k] && id < V - 1; acc += p[++id]);
      out += vocab[id];
      feed(id);
    }
    logits.dispose();
    wg.dispose(state);
  });
  model.train();
  return prime + out;
}

/** The share of sampled words (letters only, lower-cased) that occur in the training text. */
function realWordShare(sampleText, words) {
  const ws = sampleText.toLowerCase().match(/[a-z]+/g) ?? [];
  return ws.length ? ws.filter((w) => words.has(w)).length / ws.length : 0;
}

function charModel({ fast, out }) {
  const cfg = fast
    ? { E: 32, H: 128, B: 32, L: 32, steps: 60, lr: 1e-2, evalEvery: 20, valChars: 16_000, evalStreams: 64, sampleChars: 120 }
    : { E: 48, H: 256, B: 32, L: 64, steps: 350, lr: 1e-2, evalEvery: 50, valChars: Infinity, evalStreams: 256, sampleChars: 400 };
  const corpus = loadText();
  const V = corpus.vocab.length;
  // The last 10% of the novel (its closing chapters) is held out.
  const cut = Math.floor(corpus.ids.length * 0.9);
  const trainIds = corpus.ids.subarray(0, cut);
  const valIds = corpus.ids.subarray(cut, Math.min(corpus.ids.length, cut + cfg.valChars));
  const base = ngramBaselines(trainIds, valIds, V);

  wg.seed(10);
  const model = new CharLSTM(V, cfg.E, cfg.H);
  forgetBiasOne(model.lstm);
  const params = model.parameters();
  const optimizer = new optim.Adam(params, { lr: cfg.lr });
  // A high rate for fast early progress, annealed to a tenth so the last steps settle.
  const scheduler = new optim.CosineAnnealingLR(optimizer, cfg.steps, { etaMin: cfg.lr / 10 });

  const curve = { step: [0], valBpc: [bitsPerChar(model, valIds, cfg.evalStreams)], trainStep: [], trainBpc: [] };
  let state = null;
  let step = 0;
  let running = 0;
  let stream = windows(trainIds, cfg.B, cfg.L);
  while (step < cfg.steps) {
    let next = stream.next();
    if (next.done) {
      // A new epoch: start the streams over, from a zero state.
      stream = windows(trainIds, cfg.B, cfg.L);
      next = stream.next();
      if (state) wg.dispose(state);
      state = null;
    }
    const [x, y] = next.value;
    const r = wg.tidy(() => {
      const [logits, [h, c]] = model.forward(x, state);
      const loss = wg.crossEntropy(logits, y);
      optimizer.zeroGrad();
      loss.backward();
      // Clipping the gradient norm (section 10.11.1) guards against the rare exploding step.
      optim.clipGradNorm(params, 1);
      optimizer.step();
      // Truncation: the next window starts from this state as a constant.
      return { loss: loss.item(), state: [h.detach(), c.detach()] };
    });
    scheduler.step();
    x.dispose();
    y.dispose();
    if (state) wg.dispose(state);
    state = r.state;
    step++;
    running = step === 1 ? r.loss : 0.9 * running + 0.1 * r.loss;
    if (step % 10 === 0) {
      curve.trainStep.push(step);
      curve.trainBpc.push(running * LOG2E);
    }
    if (step % cfg.evalEvery === 0 || step === cfg.steps) {
      curve.step.push(step);
      curve.valBpc.push(bitsPerChar(model, valIds, cfg.evalStreams));
      if (!fast) console.log(`  step ${step}/${cfg.steps}  train ${(running * LOG2E).toFixed(3)} bpc  validation ${curve.valBpc.at(-1).toFixed(3)} bpc`);
    }
  }
  if (state) wg.dispose(state);

  const words = new Set(
    corpus.text
      .slice(0, corpus.text.length * 0.9)
      .toLowerCase()
      .match(/[a-z]+/g),
  );
  const samples = {};
  const realWords = {};
  for (const T of [0.3, 0.7, 1.0]) {
    wg.seed(100);
    const key = `T=${T}`;
    samples[key] = sample(model, corpus, 'Elizabeth', cfg.sampleChars, T);
    realWords[key] = realWordShare(samples[key].slice('Elizabeth'.length), words);
  }

  const file = join(out, 'ch10-char-lstm.svg');
  writeFileSync(
    file,
    lineChart({
      title: `character LSTM on Pride and Prejudice (H=${cfg.H}, TBPTT L=${cfg.L})`,
      xLabel: 'training step',
      yLabel: 'bits per character',
      series: [
        { name: 'train (EMA)', x: curve.trainStep, y: curve.trainBpc },
        { name: 'validation', x: curve.step, y: curve.valBpc },
        { name: 'unigram', x: [0, cfg.steps], y: [base.unigram, base.unigram], dashed: true },
        { name: 'bigram', x: [0, cfg.steps], y: [base.bigram, base.bigram], dashed: true },
      ],
    }),
  );
  model.dispose();
  return {
    headline: {
      textChars: corpus.ids.length,
      vocab: V,
      parameters: params.reduce((n, p) => n + p.size, 0),
      trainedChars: cfg.steps * cfg.B * cfg.L,
      initialValBpc: curve.valBpc[0],
      valBpc: curve.valBpc.at(-1),
      unigramBpc: base.unigram,
      bigramBpc: base.bigram,
      samples,
      realWordShare: realWords,
    },
    files: [file],
  };
}

// ---------------------------------------------------------------- the adding problem

/**
 * n sequences [n, T, 2] and targets [n, 1]: values u ~ U(0, 1) and a marker
 * that flags one step in each half; the target is the sum of the two flagged
 * values. The nets see u - 1/2: zero-mean inputs keep the unflagged values from
 * piling up a bias in the cell, which shortens the LSTM's initial plateau.
 */
function addingBatch(n, T) {
  return wg.tidy(() => {
    const values = wg.rand([n, T]);
    const r = wg.rand([n, 2]).dataSync();
    const marks = new Float32Array(n * T);
    const half = Math.floor(T / 2);
    for (let i = 0; i < n; i++) {
      marks[i * T + Math.floor(r[2 * i] * half)] = 1;
      marks[i * T + half + Math.floor(r[2 * i + 1] * (T - half))] = 1;
    }
    const m = wg.tensor(marks, { shape: [n, T] });
    return [wg.stack([values.sub(0.5), m], 2), values.mul(m).sum(1, true)];
  });
}

class Regressor extends nn.Module {
  constructor(kind, H) {
    super();
    this.rnn = kind === 'LSTM' ? new nn.LSTM(2, H, { batchFirst: true }) : new nn.RNN(2, H, { batchFirst: true });
    this.head = new nn.Linear(H, 1);
    if (kind === 'LSTM') forgetBiasOne(this.rnn);
  }

  forward(x) {
    const [outs] = this.rnn.forward(x);
    return this.head.forward(outs.select(1, x.shape[1] - 1)); // read out after the last step
  }
}

function addingProblem({ fast, out }) {
  const cfg = fast ? { T: 30, H: 32, B: 32, steps: 500, lr: 2e-2 } : { T: 100, H: 64, B: 64, steps: 600, lr: 1e-2 };
  const results = {};
  const curves = [];
  for (const kind of ['RNN', 'LSTM']) {
    // The same seed, so both nets see the same batches.
    wg.seed(3);
    const model = new Regressor(kind, cfg.H);
    const params = model.parameters();
    const optimizer = new optim.Adam(params, { lr: cfg.lr });
    const losses = [];
    for (let s = 0; s < cfg.steps; s++) {
      const [x, y] = addingBatch(cfg.B, cfg.T);
      losses.push(
        wg.tidy(() => {
          const loss = wg.mseLoss(model.forward(x), y);
          optimizer.zeroGrad();
          loss.backward();
          optim.clipGradNorm(params, 1);
          optimizer.step();
          return loss.item();
        }),
      );
      wg.dispose([x, y]);
    }
    // Test MSE on fresh sequences.
    const [x, y] = addingBatch(1000, cfg.T);
    model.eval();
    results[kind] = wg.tidy(() => wg.noGrad(() => wg.mseLoss(model.forward(x), y).item()));
    wg.dispose([x, y]);
    model.dispose();
    // Means over blocks of 25 steps keep the chart readable.
    const k = 25;
    const means = Array.from({ length: Math.floor(losses.length / k) }, (_, i) => losses.slice(i * k, (i + 1) * k).reduce((a, b) => a + b) / k);
    curves.push({ name: kind === 'RNN' ? 'tanh RNN' : 'LSTM', x: means.map((_, i) => (i + 1) * k), y: means });
  }
  const baseline = 1 / 6; // Var(u1 + u2) for u ~ U(0, 1): the MSE of always answering 1
  const file = join(out, 'ch10-adding.svg');
  writeFileSync(
    file,
    lineChart({
      title: `adding problem, T = ${cfg.T}: training MSE`,
      xLabel: 'training step',
      yLabel: 'MSE (log scale)',
      logY: true,
      series: [...curves, { name: 'predict 1 (1/6)', x: [0, cfg.steps], y: [baseline, baseline], dashed: true }],
    }),
  );
  return { headline: { T: cfg.T, steps: cfg.steps, rnnMse: results.RNN, lstmMse: results.LSTM, trivialMse: baseline }, files: [file] };
}

export async function run({ fast = false, out = 'out/book' } = {}) {
  await wg.init();
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const lm = charModel({ fast, out });
  const t1 = performance.now();
  const adding = addingProblem({ fast, out });
  const t2 = performance.now();
  return {
    headline: { charLM: { ...lm.headline, seconds: (t1 - t0) / 1000 }, adding: { ...adding.headline, seconds: (t2 - t1) / 1000 } },
    files: [...lm.files, ...adding.files],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { headline, files } = await run();
  const { samples, ...lm } = headline.charLM;
  console.log('character LSTM:', lm);
  for (const [T, s] of Object.entries(samples)) console.log(`\n--- sample at ${T} ---\n${s}`);
  console.log('\nadding problem:', headline.adding);
  console.log(`\nwrote ${files.join(', ')}`);
}
