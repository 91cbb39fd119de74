// One computation that chains conv2d, relu, both poolings, reshape, concat, slice,
// gather and where into a scalar. The autograd tests differentiate it on each
// backend (Node and Chromium) and compare with the js reference in float64.
import { on, rng, uniform, wg } from '../helpers/index.js';

export const X_SHAPE = [1, 2, 6, 6];
export const W_SHAPE = [3, 2, 3, 3];

/** The scalar: x [1, 2, 6, 6] and w [3, 2, 3, 3]. */
export function throughLayers(x: wg.Tensor, w: wg.Tensor): wg.Tensor {
  const y = wg.conv2d(x, w, { padding: 1 }).relu();
  const p = wg.maxPool2d(y, { kernelSize: 2 }).add(wg.avgPool2d(y, { kernelSize: 2 }));
  const flat = p.reshape([3, 9]);
  const cat = wg.concat([flat, flat.slice([0, 2], [3, 7])], 1);
  const index = wg.tensor(
    [
      [0, 13],
      [4, 2],
      [8, 8],
    ],
    { dtype: 'int32' },
  );
  const g = cat.gather(1, index);
  return wg.where(g.gt(0), g, g.mul(0.1)).sum();
}

/** Seeded input values for x and w. */
export function throughLayersInputs(): { xv: number[]; wv: number[] } {
  return { xv: uniform(rng(2), 72, -2, 2), wv: uniform(rng(3), 54, -1, 1) };
}

/** The gradients with respect to x and w, in float64 on the js backend. */
export function throughLayersReference(xv: ArrayLike<number>, wv: ArrayLike<number>): number[][] {
  return on('js', () =>
    wg.tidy(() => {
      const x64 = wg.tensor(Array.from(xv), { shape: X_SHAPE, dtype: 'float64' });
      const w64 = wg.tensor(Array.from(wv), { shape: W_SHAPE, dtype: 'float64' });
      return wg
        .grads(throughLayers)(x64, w64)
        .map((t) => Array.from(t.dataSync()));
    }),
  );
}
