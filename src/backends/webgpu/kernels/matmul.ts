// Batched matmul on the tiled GEMM: out[..., i, j] = act(sum_k a[..., i, k] b[..., k, j] + bias[j]).
// Operands are strided views (a transposed operand is a view with swapped
// strides; broadcast batch dims have stride 0); batch dims are merged and
// unravelled per workgroup. Each operand is loaded with vec4s along whichever
// of its dims is contiguous, when sizes, strides and offsets are multiples of 4.
import { mergeDims } from '../../../core/shape.js';
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { Params, PRELUDE, stridedOffsets, wgslType } from '../wgsl.js';
import type { ALoad, BLoad } from './gemm.js';
import { planGemm } from './gemm-large.js';

const aligned = (...vs: number[]) => vs.every((v) => v % 4 === 0);

function matmul(b: Backend, [a, bm, bias]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('matmul', bias ? [a, bm, bias, y] : [a, bm, y]);
  if (y.size === 0) return;
  const t = wgslType(y.dtype);
  const r = y.ndim;
  const [M, N] = [y.shape[r - 2], y.shape[r - 1]];
  const K = a.shape[r - 1];
  const [ars, acs] = [a.strides[r - 2], a.strides[r - 1]];
  const [brs, bcs] = [bm.strides[r - 2], bm.strides[r - 1]];
  const bs = (x: Tensor) => x.strides.slice(0, r - 2);
  const batch = mergeDims(y.shape.slice(0, r - 2), [bs(a), bs(bm), bs(y)]);
  const nb = batch.shape.length;
  const batches = batch.shape.reduce((p, d) => p * d, 1);
  // With one batch, mergeDims reports a dummy stride 1 that no offset uses.
  const [sa, sb] = batches > 1 ? [batch.strides[0], batch.strides[1]] : [[], []];
  // vec4 loads need the loaded dim contiguous, and every offset it starts from a multiple of 4.
  const aKind: ALoad = acs === 1 && aligned(K, ars, a.offset, ...sa) ? 'vk' : ars === 1 && aligned(M, acs, a.offset, ...sa) ? 'vm' : 'scalar';
  const bKind: BLoad = bcs === 1 && aligned(N, brs, bm.offset, ...sb) ? 'vn' : brs === 1 && aligned(K, bcs, bm.offset, ...sb) ? 'vk' : 'scalar';
  const act = attrs.act === 'relu' ? 'relu' : 'none';
  const p = new Params().int(M, N, K, 0, ars, acs, brs, bcs, y.strides[r - 2], y.strides[r - 1]);
  p.int(bias ? bias.offset : 0, bias ? bias.strides[bias.ndim - 1] : 0);
  const shapeAt = p.length;
  p.ints(batch.shape);
  const opAt: number[] = [];
  [a, bm, y].forEach((x, k) => {
    opAt.push(p.length);
    p.int(x.offset).ints(batch.strides[k]);
  });
  const av = aKind === 'scalar' ? t : `vec4<${t}>`;
  const bv = bKind === 'scalar' ? t : `vec4<${t}>`;
  const nIn = bias ? 3 : 2;
  const decls = `@group(0) @binding(0) var<storage, read> A: array<${av}>;
@group(0) @binding(1) var<storage, read> B: array<${bv}>;
${bias ? `@group(0) @binding(2) var<storage, read> bias: array<${t}>;` : ''}
@group(0) @binding(${nIn}) var<storage, read_write> Y: array<${t}>;
var<private> aB: i32; var<private> bB: i32; var<private> yB: i32;
var<private> ars: i32; var<private> acs: i32; var<private> brs: i32; var<private> bcs: i32;
var<private> yrs: i32; var<private> ycs: i32;
fn setup(z: u32) {
  ${stridedOffsets('z', nb, shapeAt, opAt)}
  aB = o0; bB = o1; yB = o2;
  ars = P(4u); acs = P(5u); brs = P(6u); bcs = P(7u); yrs = P(8u); ycs = P(9u);
}
${
  aKind === 'scalar'
    ? `fn loadA(m: u32, k: u32) -> ${t} { return A[aB + i32(m) * ars + i32(k) * acs]; }`
    : aKind === 'vk'
      ? `fn loadA4(m: u32, k: u32) -> vec4<${t}> { return A[(aB + i32(m) * ars + i32(k)) / 4]; }`
      : `fn loadA4(m: u32, k: u32) -> vec4<${t}> { return A[(aB + i32(m) + i32(k) * acs) / 4]; }`
}
${
  bKind === 'scalar'
    ? `fn loadB(k: u32, n: u32) -> ${t} { return B[bB + i32(k) * brs + i32(n) * bcs]; }`
    : bKind === 'vn'
      ? `fn loadB4(k: u32, n: u32) -> vec4<${t}> { return B[(bB + i32(k) * brs + i32(n)) / 4]; }`
      : `fn loadB4(k: u32, n: u32) -> vec4<${t}> { return B[(bB + i32(k) + i32(n) * bcs) / 4]; }`
}
fn store(m: u32, n: u32, v: ${t}) {
  var s = v;
  ${bias ? 's = s + bias[P(10u) + i32(n) * P(11u)];' : ''}
  ${act === 'relu' ? `if (s < ${t}(0)) { s = ${t}(0); }` : ''}
  Y[yB + i32(m) * yrs + i32(n) * ycs] = s;
}`;
  const plan = planGemm(M, N, batches, { t, decls, a: aKind, b: bKind }, PRELUDE);
  const key = `matmul|${t}|${aKind}|${bKind}|b${nb}|${bias ? 'bias' : ''}|${act}|${plan.key}`;
  const reads = bias ? [buf(a), buf(bm), buf(bias)] : [buf(a), buf(bm)];
  for (const chunk of plan.chunks) {
    const params = p.build();
    params[3] = chunk.first;
    be.run({ key, code: plan.code, reads, writes: [buf(y)], params, workgroups: chunk.groups });
  }
}

export function registerMatmul(): void {
  registerKernel('webgpu', 'matmul', matmul);
}
