// The shared op suite in a page: the case tables of test/ops/cases and the
// gradient table of test/grad/cases.ts, run on the wasm (or webgpu) backend
// against the js reference in the same page. Bundled by test/browser/ops.browser.ts
// with esbuild: every import of src/ becomes the built module under /dist/
// (served as plain ES modules, one instance shared with the page), and
// 'vitest' becomes ./expect-shim.ts.
import { GRAD_CASES, makeInputs } from '../../grad/cases.js';
import { throughLayers, throughLayersInputs, throughLayersReference, W_SHAPE, X_SHAPE } from '../../grad/through-layers.js';
import { compareAsyncOn, readAll } from '../../helpers/async.js';
import { type CaseGroup, type Compare, compareOn, group } from '../../helpers/cases.js';
import { expectClose, on, rng, uniform, wg } from '../../helpers/index.js';
import { ELEMENTWISE_CASES } from '../../ops/cases/elementwise.js';
import { CONV_CASES, MATMUL_CASES, POOL_CASES } from '../../ops/cases/linalg.js';
import { REDUCE_CASES } from '../../ops/cases/reduce.js';
import { LOSS_CASES, MOVEMENT_CASES } from '../../ops/cases/shape.js';

type Backend = 'wasm' | 'webgpu';
const GRAD_TOL = { rtol: 2e-3, atol: 2e-4 };

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

/** Each differentiable op's vector-Jacobian product on `backend` in float32, against js in float64. */
function gradGroups(backend: Backend): CaseGroup[] {
  const hasFloat64 = backend !== 'webgpu';
  const cases = GRAD_CASES.map((c) =>
    group(`backward of ${c.name}`, async () => {
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
      let outs: wg.Tensor[];
      try {
        outs = on(backend, () => wg.tidy(build));
      } catch (e) {
        // A case that casts to float64 must be refused by a backend without float64, with a DTypeError.
        if (!hasFloat64 && e instanceof wg.DTypeError) return;
        throw e;
      }
      const got = await readAll(outs);
      if (got.length !== ref.grads.length) throw new Error(`${c.name}: ${got.length} gradients, expected ${ref.grads.length}`);
      got.forEach((gr, i) => {
        if (gr.device !== backend) throw new Error(`${c.name}: gradient ${i} is on ${gr.device}`);
        expectClose(gr.data, ref.grads[i], GRAD_TOL, `${c.name} gradient ${i}`);
      });
    }),
  );
  cases.push(
    group('backward through conv2d, pooling, concat, slice, gather and where', async () => {
      const { xv, wv } = throughLayersInputs();
      const [x, w] = on(backend, () => [wg.tensor(xv, { shape: X_SHAPE, requiresGrad: true }), wg.tensor(wv, { shape: W_SHAPE, requiresGrad: true })]);
      on(backend, () => wg.tidy(() => throughLayers(x, w).backward()));
      const [gx, gw] = await readAll([x.grad!, w.grad!]);
      if (gx.device !== backend) throw new Error(`the gradient is on ${gx.device}`);
      const ref = throughLayersReference(xv, wv);
      expectClose(gx.data, ref[0], { rtol: 1e-4, atol: 1e-5 }, 'x.grad');
      expectClose(gw.data, ref[1], { rtol: 1e-4, atol: 1e-5 }, 'w.grad');
      wg.dispose([x, w]);
    }),
  );
  return cases;
}

/** The kernel families, each a list of case groups. */
function families(backend: Backend): Record<string, CaseGroup[]> {
  return {
    elementwise: ELEMENTWISE_CASES,
    reductions: REDUCE_CASES,
    matmul: MATMUL_CASES,
    conv2d: CONV_CASES,
    pooling: POOL_CASES,
    'shape and gather': MOVEMENT_CASES,
    losses: LOSS_CASES,
    autodiff: gradGroups(backend),
  };
}

export const FAMILY_NAMES = Object.keys(families('wasm'));

export interface GroupResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

let started: Promise<void> | null = null;
/** Starts js and wasm (and webgpu when asked); the backend under test stays the default. */
async function setup(backend: Backend): Promise<void> {
  started ??= (async () => {
    await wg.init({ backend: 'js' });
    await wg.init({ backend: 'wasm' });
  })();
  await started;
  if (backend === 'webgpu') await wg.init({ backend: 'webgpu' });
  else await wg.init({ backend: 'wasm' });
}

/** Runs one family's case groups on `backend` against js; never throws, reports each group. */
export async function runFamily(backend: Backend, family: string): Promise<GroupResult[]> {
  await setup(backend);
  const groups = families(backend)[family];
  if (!groups) throw new Error(`unknown family ${family}`);
  const cmp: Compare = backend === 'wasm' ? compareOn('wasm') : (compareAsyncOn('webgpu') as Compare);
  const results: GroupResult[] = [];
  for (const g of groups) {
    const t0 = performance.now();
    try {
      await g.run(cmp);
      results.push({ name: g.name, ok: true, ms: performance.now() - t0 });
    } catch (e) {
      results.push({ name: g.name, ok: false, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}

export { wg };
