// softmax, log-softmax and logsumexp along one axis: a max pass, a pass summing
// exp(x - max), then the outputs, per slice. Special values follow the
// reference: a slice holding NaN or +inf, or all -inf, gives NaN for softmax;
// logsumexp gives NaN, +inf and -inf there.
import { contiguousStrides } from '../../../core/shape.js';
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { lib } from '../math.js';
import { grid, main1d, PRELUDE } from '../wgsl.js';
import { keepdimStrides, ROW_MIN, ROW_WG, reduction } from './reduce.js';

/** `mode`: 'softmax' | 'log' (log-softmax) | 'lse' (logsumexp into a keepdim output). */
function softmaxKernel(be: WebGpuBackend, x: Tensor, y: Tensor, axis: number, mode: 'softmax' | 'log' | 'lse'): void {
  be.checkDTypes(mode === 'lse' ? 'logsumexp' : mode === 'log' ? 'logSoftmax' : 'softmax', [x, y]);
  if (y.size === 0) return;
  // y's strides over x's dims: softmax writes a tensor of x's shape, logsumexp a keepdim one.
  const ys = mode === 'lse' ? keepdimStrides(x, [axis]) : y.isContiguous ? contiguousStrides(x.shape) : y.strides.slice();
  const r = reduction(x, [axis], [{ offset: y.offset, strides: ys }]);
  const row = r.len >= ROW_MIN;
  const result =
    mode === 'lse'
      ? `if (is_nan(m) || is_inf(m)) { y[k1] = m; } else { y[k1] = m + log_f(total); }`
      : `let ls = log_f(total);
  let fin = is_finite(m);
  for (var i = FIRST; i < PU(1u); i += STEP) {
    ${r.redCode('i')}
    let v = x[k0 + r0] - m - ls;
    y[k1 + r1] = select(nan_f(), ${mode === 'log' ? 'v' : 'exp_f(v)'}, fin);
  }`;
  const head = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
UNIFORM
${PRELUDE}
${lib(['exp_f', 'log_f'])}`;
  // Both passes: the max first (NaN wins); then sum exp(x - m), skipped when m is not finite.
  const body = row
    ? `var<workgroup> sh: array<f32, ${ROW_WG}>;
fn tree(v: f32, lid: u32, is_max: bool) -> f32 {
  sh[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = select(sh[lid] + sh[lid + s], max_nan(sh[lid], sh[lid + s]), is_max); }
    workgroupBarrier();
  }
  let out = sh[0];
  workgroupBarrier();
  return out;
}
${main1d(ROW_WG)}
  if (wgid >= PU(0u)) { return; }
  ${r.keptCode('wgid')}
  var mx = -inf_f();
  for (var i = lid; i < PU(1u); i += ${ROW_WG}u) {
    ${r.redCode('i')}
    mx = max_nan(mx, x[k0 + r0]);
  }
  let m = tree(mx, lid, true);
  var sum = 0.0;
  if (is_finite(m)) {
    for (var i = lid; i < PU(1u); i += ${ROW_WG}u) {
      ${r.redCode('i')}
      sum += exp_f(x[k0 + r0] - m);
    }
  }
  let total = tree(sum, lid, false);
  ${mode === 'lse' ? `if (lid == 0u) { ${result} }` : result.replace('FIRST', 'lid').replace('STEP', `${ROW_WG}u`)}
}`
    : `${main1d()}
  if (gid >= PU(0u)) { return; }
  ${r.keptCode('gid')}
  var m = -inf_f();
  for (var i = 0u; i < PU(1u); i++) {
    ${r.redCode('i')}
    m = max_nan(m, x[k0 + r0]);
  }
  var total = 0.0;
  if (is_finite(m)) {
    for (var i = 0u; i < PU(1u); i++) {
      ${r.redCode('i')}
      total += exp_f(x[k0 + r0] - m);
    }
  }
  ${result.replace('FIRST', '0u').replace('STEP', '1u')}
}`;
  be.run({
    key: `softmax|${mode}|${r.sig}|${row ? 'row' : 'thread'}`,
    code: (u) => `${head.replace('UNIFORM', u)}\n${body}`,
    reads: [buf(x)],
    writes: [buf(y)],
    params: r.params,
    workgroups: row ? grid(r.outer, 1) : grid(r.outer),
  });
}

function softmax(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  softmaxKernel(b as WebGpuBackend, x, y, attrs.axis, attrs.log ? 'log' : 'softmax');
}

function logsumexp(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  softmaxKernel(b as WebGpuBackend, x, y, attrs.axis, 'lse');
}

export function registerSoftmax(): void {
  registerKernel('webgpu', 'softmax', softmax);
  registerKernel('webgpu', 'logsumexp', logsumexp);
}
