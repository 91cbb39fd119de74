// Gradients on the webgpu backend: every differentiable op of the gradient
// suite (test/grad/cases.ts) in float32 on the GPU against the js reference in
// float64, and the autograd suite's composite (conv2d, pooling, concat, slice,
// gather, where) with .grad read back through await data().
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAD_CASES, makeInputs } from '../grad/cases.js';
import { throughLayers, throughLayersInputs, throughLayersReference, W_SHAPE, X_SHAPE } from '../grad/through-layers.js';
import { readAll, setupWebGpu } from '../helpers/async.js';
import { expectClose, on, rng, uniform, wg } from '../helpers/index.js';

beforeAll(setupWebGpu);

const TOL = { rtol: 2e-3, atol: 2e-4 };
/** Cases that need float64 itself (they cast to it), which WGSL lacks. */
const NEEDS_FLOAT64 = new Set(['cast']);

/** The case as a scalar function of its float inputs: <f(x), cotangent>, with the int inputs fixed. */
function scalarized(f: (...xs: wg.Tensor[]) => wg.Tensor, xs: wg.Tensor[], cot: number[]) {
  const diff = xs.map((x, i) => (x.dtype === 'int32' ? -1 : i)).filter((i) => i >= 0);
  const g = (...ys: wg.Tensor[]) => {
    const args = xs.slice();
    diff.forEach((i, k) => (args[i] = ys[k]));
    const out = f(...args);
    return out.mul(wg.tensor(cot, { shape: [...out.shape], dtype: out.dtype })).sum();
  };
  return { g, args: diff.map((i) => xs[i]) };
}

describe('gradients on webgpu (float32) against js (float64)', () => {
  for (const c of GRAD_CASES) {
    it(c.name, async () => {
      // The reference: inputs, output shape, cotangent and gradients on js in float64.
      const ref = on('js', () =>
        wg.tidy(() => {
          const xs = makeInputs(c);
          const out = c.f(...xs);
          const cot = uniform(rng(7), out.size, -1, 1);
          const { g, args } = scalarized(c.f, xs, cot);
          const grads = wg
            .grads(g)(...args)
            .map((t) => Array.from(t.dataSync()));
          return { data: xs.map((x) => ({ values: Array.from(x.dataSync()), shape: [...x.shape], int: x.dtype === 'int32' })), cot, grads };
        }),
      );
      const build = () => {
        const xs = ref.data.map((d) => wg.tensor(d.values, { shape: d.shape, dtype: d.int ? 'int32' : 'float32' }));
        const { g, args } = scalarized(c.f, xs, ref.cot);
        return wg.grads(g)(...args);
      };
      if (NEEDS_FLOAT64.has(c.name)) {
        expect(() => on('webgpu', () => wg.tidy(build))).toThrow(wg.DTypeError);
        return;
      }
      const got = await readAll(on('webgpu', () => wg.tidy(build)));
      expect(got.length).toBe(ref.grads.length);
      got.forEach((gr, i) => {
        expect(gr.device).toBe('webgpu');
        expectClose(gr.data, ref.grads[i], TOL, `${c.name} gradient ${i}`);
      });
    });
  }
});

describe('autograd on webgpu', () => {
  it('gradients flow through concat, slice, gather, where, conv2d and pooling', async () => {
    wg.seed(2);
    const { xv, wv } = throughLayersInputs();
    const [x, w] = on('webgpu', () => [wg.tensor(xv, { shape: X_SHAPE, requiresGrad: true }), wg.tensor(wv, { shape: W_SHAPE, requiresGrad: true })]);
    on('webgpu', () => wg.tidy(() => throughLayers(x, w).backward()));
    expect([x.device, w.device, x.grad!.device, w.grad!.device]).toEqual(['webgpu', 'webgpu', 'webgpu', 'webgpu']);
    expect(() => x.grad!.dataSync()).toThrow(/await t.data\(\)/);
    const [gx, gw] = await readAll([x.grad!, w.grad!]);
    const ref = throughLayersReference(xv, wv);
    expectClose(gx.data, ref[0], { rtol: 1e-4, atol: 1e-5 });
    expectClose(gw.data, ref[1], { rtol: 1e-4, atol: 1e-5 });
    x.dispose();
    w.dispose();
  });
});
