// Reference batched matrix product: out[..., i, j] = act(sum_k a[..., i, k] b[..., k, j] + bias[j]).
// a and b are views whose batch dims already match out's (broadcast dims have stride 0);
// transposed operands are simply views with swapped strides.
import { forEachStrided } from '../../../core/strided.js';
import type { Backend, CpuBackend } from '../../../engine/backend.js';
import type { Attrs } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';

const view = (b: Backend, t: Tensor) => (b as CpuBackend).view(t.storage);

export function matmulRef(be: Backend, [a, b, bias]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const r = y.ndim;
  const M = y.shape[r - 2];
  const N = y.shape[r - 1];
  const K = a.shape[r - 1];
  const [ars, acs] = [a.strides[r - 2], a.strides[r - 1]];
  const [brs, bcs] = [b.strides[r - 2], b.strides[r - 1]];
  const [yrs, ycs] = [y.strides[r - 2], y.strides[r - 1]];
  const av = view(be, a);
  const bv = view(be, b);
  const yv = view(be, y);
  const biasV = bias ? view(be, bias) : null;
  const relu = attrs.act === 'relu';
  const batchShape = y.shape.slice(0, r - 2);
  const bs = (t: Tensor) => t.strides.slice(0, r - 2);
  forEachStrided(batchShape, [a.offset, b.offset, y.offset], [bs(a), bs(b), bs(y)], (_, p) => {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = biasV ? biasV[bias.offset + j * bias.strides[bias.ndim - 1]] : 0;
        for (let k = 0; k < K; k++) s += av[p[0] + i * ars + k * acs] * bv[p[1] + k * brs + j * bcs];
        yv[p[2] + i * yrs + j * ycs] = relu && s < 0 ? 0 : s;
      }
    }
  });
}
