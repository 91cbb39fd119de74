// wg.linalg against PyTorch: every case of test/fixtures/linalg.json, forward
// on the js backend in float64 and on the wasm backend in float32, and the
// vector-Jacobian products (random cotangents on every output) on both.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, on, setupBackends } from '../helpers/index.js';
import { CASES, OPS, toTensor, wg } from './cases.js';

beforeAll(setupBackends);

const RUNS = [
  { backend: 'js', dtype: 'float64', fwd: { rtol: 1e-8, atol: 1e-10 }, vjp: { rtol: 1e-6, atol: 1e-8 } },
  { backend: 'wasm', dtype: 'float32', fwd: { rtol: 2e-4, atol: 2e-5 }, vjp: { rtol: 5e-3, atol: 5e-4 } },
] as const;

describe('linalg.json: forward', () => {
  it('covers every op', () => {
    expect(Object.keys(OPS).sort()).toEqual([...new Set(CASES.map((c) => c.op))].sort());
  });
  for (const run of RUNS) {
    for (const c of CASES) {
      it(`${c.name} (${run.backend}, ${run.dtype})`, () => {
        on(run.backend, () =>
          wg.tidy(() => {
            const xs = c.inputs.map((a) => toTensor(a, run.dtype));
            const outs = OPS[c.op](xs, c.args);
            expect(outs.length).toBe(c.outputs.length);
            outs.forEach((o, i) => {
              expect([...o.shape], `${c.name} output ${i} shape`).toEqual(c.outputs[i].shape);
              expect(o.dtype).toBe(c.op === 'matrix_rank' ? 'int32' : run.dtype);
              expect(o.device).toBe(run.backend);
              expectClose(o.dataSync(), c.outputs[i].data, run.fwd, `${c.name} output ${i}`);
            });
          }),
        );
      });
    }
  }
});

describe('linalg.json: vector-Jacobian products', () => {
  for (const run of RUNS) {
    for (const c of CASES.filter((c) => c.grads)) {
      it(`${c.name} (${run.backend}, ${run.dtype})`, () => {
        on(run.backend, () =>
          wg.tidy(() => {
            const xs = c.inputs.map((a) => toTensor(a, run.dtype));
            const cots = c.cotangents!.map((a) => toTensor(a, run.dtype));
            // sum_i <cotangent_i, output_i>; outputs without a gradient (slogdet's sign) add a constant.
            const loss = (...ys: wg.Tensor[]) =>
              OPS[c.op](ys, c.args)
                .map((o, i) => o.mul(cots[i]).sum())
                .reduce((a, b) => a.add(b));
            const gs = wg.grads(loss)(...xs);
            gs.forEach((g, i) => {
              const want = c.grads![i];
              if (!want) return;
              expect([...g.shape]).toEqual(want.shape);
              expectClose(g.dataSync(), want.data, run.vjp, `${c.name} gradient ${i}`);
            });
          }),
        );
      });
    }
  }
});
