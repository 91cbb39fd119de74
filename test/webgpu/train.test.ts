// Training steps entirely on the webgpu backend: an MLP and a small CNN. Every
// parameter, activation and gradient must stay on 'webgpu' (nothing falls back
// to the CPU mid-step), the losses are read back only at the end, and the loss
// curve must match the wasm backend's run of the same steps.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/engine/backend.js';
import { readAll, setupWebGpu } from '../helpers/async.js';
import { expectClose, on, rng, uniform, wg } from '../helpers/index.js';

beforeAll(setupWebGpu);

interface Problem {
  /** Parameter values and shapes, the same on both backends. */
  params: { data: number[]; shape: number[] }[];
  x: { data: number[]; shape: number[] };
  y: number[];
  forward: (x: wg.Tensor, ps: wg.Tensor[]) => wg.Tensor;
}

const STEPS = 20;
const LR = 0.1;

/** Runs STEPS of SGD on `backend`; returns the losses (read with await data()) and what lived where. */
async function train(backend: BackendName, p: Problem) {
  const devices = new Set<string>();
  const note = (...ts: (wg.Tensor | null)[]) => ts.forEach((t) => t && devices.add(t.device));
  const { params, x, y, losses } = on(backend, () => {
    const params = p.params.map((q) => wg.keep(wg.tensor(q.data, { shape: q.shape, requiresGrad: true })));
    const x = wg.keep(wg.tensor(p.x.data, { shape: p.x.shape }));
    const y = wg.keep(wg.tensor(p.y, { dtype: 'int32' }));
    const losses: wg.Tensor[] = [];
    for (let s = 0; s < STEPS; s++) {
      const loss = wg.tidy(() => {
        const out = p.forward(x, params);
        const l = wg.crossEntropy(out, y);
        note(out, l);
        l.backward();
        note(...params.map((q) => q.grad));
        wg.noGrad(() => params.forEach((q) => q.sub_(q.grad!.mul(LR))));
        return l.detach();
      });
      for (const q of params) {
        q.grad?.dispose();
        q.grad = null;
      }
      note(loss, ...params);
      losses.push(wg.keep(loss));
    }
    return { params, x, y, losses };
  });
  const read = (await readAll(losses)).map((l) => l.data[0]);
  wg.dispose([...params, x, y]);
  return { losses: read, devices: [...devices] };
}

function mlp(): Problem {
  const r = rng(11);
  const [n, d, h, k] = [64, 20, 32, 4];
  const mat = (rows: number, cols: number, scale: number) => ({ data: uniform(r, rows * cols, -scale, scale), shape: [rows, cols] });
  const x = mat(n, d, 1);
  // Labels from a random linear teacher, so there is something to learn.
  const teacher = mat(d, k, 1).data;
  const y = Array.from({ length: n }, (_, i) => {
    const z = Array.from({ length: k }, (_, j) => x.data.slice(i * d, (i + 1) * d).reduce((s, v, t) => s + v * teacher[t * k + j], 0));
    return z.indexOf(Math.max(...z));
  });
  return {
    params: [mat(h, d, 0.3), { data: uniform(r, h, -0.1, 0.1), shape: [h] }, mat(k, h, 0.3), { data: uniform(r, k, -0.1, 0.1), shape: [k] }],
    x,
    y,
    forward: (t, [w1, b1, w2, b2]) => wg.linear(wg.linear(t, w1, b1).relu(), w2, b2),
  };
}

function cnn(): Problem {
  const r = rng(12);
  const n = 8;
  const x = { data: uniform(r, n * 2 * 8 * 8, -1, 1), shape: [n, 2, 8, 8] };
  return {
    params: [
      { data: uniform(r, 4 * 2 * 3 * 3, -0.3, 0.3), shape: [4, 2, 3, 3] },
      { data: uniform(r, 4, -0.1, 0.1), shape: [4] },
      { data: uniform(r, 3 * 64, -0.2, 0.2), shape: [3, 64] },
      { data: uniform(r, 3, -0.1, 0.1), shape: [3] },
    ],
    x,
    y: Array.from({ length: n }, (_, i) => i % 3),
    forward: (t, [w, b, fw, fb]) => {
      const h = wg.conv2d(t, w, { bias: b, padding: 1 }).relu();
      const p = wg.maxPool2d(h, { kernelSize: 2 });
      return wg.linear(p.flatten(1), fw, fb);
    },
  };
}

describe('training on webgpu', () => {
  for (const [name, make] of [
    ['MLP (linear, relu, cross-entropy, SGD)', mlp],
    ['CNN (conv2d, maxPool2d, linear, cross-entropy, SGD)', cnn],
  ] as const) {
    it(`${name}: ${STEPS} steps stay on the GPU and match wasm`, async () => {
      const gpu = await train('webgpu', make());
      const cpu = await train('wasm', make());
      expect(gpu.devices).toEqual(['webgpu']);
      expect(cpu.devices).toEqual(['wasm']);
      expect(gpu.losses[STEPS - 1]).toBeLessThan(gpu.losses[0]);
      expectClose(gpu.losses, cpu.losses, { rtol: 1e-4, atol: 1e-5 }, 'loss curve');
    });
  }

  it('a training loop leaves GPU memory where it was', async () => {
    const p = mlp();
    await train('webgpu', p);
    const before = wg.memory();
    await train('webgpu', p);
    const after = wg.memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
  });
});
