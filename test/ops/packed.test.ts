// The packed-weight cache of the wasm GEMM: a matrix used as B again is packed
// once; an in-place update repacks it (never stale); freeing it frees the pack.
import { beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../../src/backends/wasm/backend.js';
import { ENGINE } from '../../src/engine/engine.js';
import { expectClose, on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const wasm = () => ENGINE.getBackend('wasm') as unknown as WasmBackend;
const reference = (x: wg.Tensor, w: wg.Tensor) =>
  on('js', () =>
    wg.tidy(() =>
      Array.from(wg.linear(wg.tensor(Array.from(x.dataSync()), { shape: x.shape }), wg.tensor(Array.from(w.dataSync()), { shape: w.shape })).dataSync()),
    ),
  );

describe('packed weights', () => {
  it('are cached across uses, repacked after an in-place update, and freed with the weight', () => {
    on('wasm', () => {
      wg.seed(3);
      const w = wg.randn([37, 53]);
      const x = wg.randn([19, 53]);
      const before = wasm().packedCount;
      for (let i = 0; i < 3; i++) {
        const y = wg.tidy(() => Array.from(wg.linear(x, w).dataSync()));
        expectClose(y, reference(x, w), { rtol: 1e-5, atol: 1e-5 }, `use ${i}`);
      }
      expect(wasm().packedCount).toBe(before + 1);
      // The optimizer's in-place step: the next product must see the new values.
      wg.noGrad(() => w.mul_(-0.5).add_(0.25));
      const y = wg.tidy(() => Array.from(wg.linear(x, w).dataSync()));
      expectClose(y, reference(x, w), { rtol: 1e-5, atol: 1e-5 }, 'after an in-place update');
      w.dispose();
      expect(wasm().packedCount).toBe(before);
      x.dispose();
    });
  });

  it('serve a layer across training steps without going stale', () => {
    on('wasm', () => {
      wg.seed(4);
      const layer = new wg.nn.Linear(24, 12);
      const opt = new wg.optim.SGD(layer.parameters(), { lr: 0.1 });
      const x = wg.randn([8, 24]);
      const y = wg.randn([8, 12]);
      for (let i = 0; i < 5; i++) {
        wg.tidy(() => {
          opt.zeroGrad();
          wg.mseLoss(layer.forward(x), y).backward();
          opt.step();
        });
        const got = wg.tidy(() => Array.from(layer.forward(x).dataSync()));
        const want = on('js', () =>
          wg.tidy(() => {
            const wt = wg.tensor(Array.from(layer.weight.dataSync()), { shape: layer.weight.shape });
            const bt = wg.tensor(Array.from(layer.bias!.dataSync()));
            return Array.from(wg.linear(wg.tensor(Array.from(x.dataSync()), { shape: x.shape }), wt, bt).dataSync());
          }),
        );
        expectClose(got, want, { rtol: 1e-5, atol: 1e-5 }, `step ${i}`);
      }
      opt.dispose();
      layer.dispose();
      wg.dispose([x, y]);
    });
  });
});
