// The page: starts the training worker, draws the curves as they come, shows
// the runtime (backend, SIMD build, threads, cross-origin isolation) and
// classifies what is drawn on the pad. Query parameters: ?epochs=N (default
// 20, as examples/digits-cnn.mjs) and ?backend=js to train on the reference
// backend instead of WebAssembly.
import { chartSvg } from './chart.js';
import { drawingPad, showPixels, toDigitPixels } from './draw.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const backend = params.get('backend') === 'js' ? 'js' : 'wasm';
$('epochs').value = String(Math.max(1, Math.min(100, Number(params.get('epochs')) || 20)));

// What the tests (test/browser/example.test.ts) and the curious read.
const state = { phase: 'starting', env: null, epochs: [], batches: [], final: null, prediction: null, error: null };
window.wasmgradDemo = state;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

function showEnv(env) {
  state.env = env;
  $('env-backend').textContent = env.backend;
  $('env-simd').textContent = env.simd ? `${env.simd}${env.simd === 'relaxed' ? ' (with FMA)' : ' (SIMD128)'}` : 'none';
  $('env-threads').textContent = String(env.threads);
  $('env-coi').textContent = env.crossOriginIsolated ? 'yes' : 'no';
  $('env-webgpu').textContent = env.webgpu ? 'available, unused' : 'not available';
  $('env-note').textContent = env.threadsReason;
  document.body.dataset.coi = String(env.crossOriginIsolated);
}

let chartQueued = false;
function drawCharts() {
  if (chartQueued) return;
  chartQueued = true;
  requestAnimationFrame(() => {
    chartQueued = false;
    const ep = state.epochs.map((l) => l.epoch + 1);
    const xRange = [0, total.epochs];
    const losses = [...state.batches.map((b) => b.loss), ...state.epochs.map((l) => l.valLoss)].filter((v) => v > 0);
    $('chart-loss').innerHTML = chartSvg({
      title: 'cross-entropy (log scale)',
      xLabel: 'epoch',
      logY: true,
      xRange,
      yRange: [Math.min(0.01, ...losses), Math.max(3, ...losses)],
      series: [
        { name: 'batches', x: state.batches.map((b) => b.x), y: state.batches.map((b) => b.loss), width: 1 },
        { name: 'train', x: ep, y: state.epochs.map((l) => l.loss) },
        { name: 'test', x: ep, y: state.epochs.map((l) => l.valLoss), dashed: true },
      ],
    });
    const accs = state.epochs.flatMap((l) => [l.accuracy, l.valAccuracy]);
    $('chart-acc').innerHTML = chartSvg({
      title: 'accuracy',
      xLabel: 'epoch',
      legend: 'bottom',
      xRange,
      yRange: [Math.min(0.8, Math.floor(10 * Math.min(...accs, 1)) / 10), 1],
      series: [
        { name: 'train', x: ep, y: state.epochs.map((l) => l.accuracy), color: '#1f77b4' },
        { name: 'test', x: ep, y: state.epochs.map((l) => l.valAccuracy), color: '#ff7f0e', dashed: true },
      ],
    });
  });
}

const pct = (v) => `${(100 * v).toFixed(2)}%`;
let total = { epochs: 1, batches: 1 };

worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'env') showEnv(m.env);
  else if (m.type === 'start') {
    total = { epochs: m.epochs, batches: m.batches };
    state.phase = 'training';
    state.epochs = [];
    state.batches = [];
    state.final = null;
    $('status').textContent = `Training on ${m.train} images (${m.test} held out), ${m.parameters} parameters, batches of 32\u2026`;
    $('progress').max = m.epochs * m.batches;
    $('restart').disabled = false;
  } else if (m.type === 'batch') {
    state.batches.push({ x: m.epoch + (m.batch + 1) / total.batches, loss: m.loss });
    $('progress').value = m.epoch * total.batches + m.batch + 1;
    drawCharts();
  } else if (m.type === 'epoch') {
    const l = m.logs;
    state.epochs.push(l);
    $('status').textContent =
      `epoch ${l.epoch + 1}/${total.epochs}: loss ${l.loss.toFixed(4)}, accuracy ${pct(l.accuracy)}, ` +
      `test loss ${l.valLoss.toFixed(4)}, test accuracy ${pct(l.valAccuracy)} (${l.seconds.toFixed(2)} s)`;
    drawCharts();
    repredict();
  } else if (m.type === 'done') {
    state.final = m;
    state.phase = 'done';
    document.body.dataset.phase = 'done';
    $('status').textContent = `Done: test accuracy ${pct(m.accuracy)} on ${m.test} images, ${m.seconds.toFixed(1)} s in all.`;
    repredict();
  } else if (m.type === 'prediction') showPrediction(m);
  else if (m.type === 'error') {
    state.error = m.message;
    state.phase = 'error';
    document.body.dataset.phase = 'error';
    $('status').textContent = `Error: ${m.message}`;
  }
};
worker.onerror = (e) => {
  state.error = e.message;
  state.phase = 'error';
  $('status').textContent = `Worker error: ${e.message}`;
};

function train() {
  worker.postMessage({ type: 'start', epochs: Number($('epochs').value) || 20, backend });
}
$('restart').addEventListener('click', () => {
  document.body.dataset.phase = 'training';
  train();
});

// Drawing and prediction.
let lastPixels = null;
let asked = 0;
const pad = drawingPad($('pad'), (strokes, final) => {
  lastPixels = toDigitPixels(strokes);
  showPixels($('preview'), lastPixels);
  if (final || asked % 4 === 0) repredict();
  asked++;
});
$('clear').addEventListener('click', () => pad.clear());
showPixels($('preview'), null);

let predictId = 0;
function repredict() {
  if (!lastPixels) {
    state.prediction = null;
    $('predicted').textContent = '';
    $('probs').replaceChildren();
    return;
  }
  worker.postMessage({ type: 'predict', id: ++predictId, pixels: lastPixels });
}

function showPrediction({ id, probs }) {
  if (id !== predictId || !probs || !lastPixels) return;
  const best = probs.indexOf(Math.max(...probs));
  state.prediction = { digit: best, probs, pixels: lastPixels.slice(), afterEpochs: state.epochs.length };
  $('predicted').innerHTML = `<span class="digit">${best}</span><span class="conf">${pct(probs[best])}</span>`;
  $('probs').replaceChildren(
    ...probs.map((p, k) => {
      const li = document.createElement('li');
      li.className = k === best ? 'best' : '';
      li.dataset.digit = String(k);
      li.dataset.p = String(p);
      li.innerHTML = `<span class="k">${k}</span><span class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></span><span class="p">${(100 * p).toFixed(1)}%</span>`;
      return li;
    }),
  );
}

drawCharts();
train();
