// 2-D convolution (NCHW, weights [Cout, Cin/groups, kH, kW]) and its two
// backward convolutions as implicit GEMMs on the tiled GEMM, one convolution
// group per workgroup z. The loaders compute the im2col index on the fly (a
// tap outside the input reads 0), so nothing is copied:
//   forward:        Y[(n,oh,ow), co]   = sum_(ci,kh,kw) X~[(n,oh,ow), (ci,kh,kw)] W[co, (ci,kh,kw)]
//   input grad:     dX[(n,h,w), ci]    = sum_(co,kh,kw) dY~[(n,h,w), (co,kh,kw)] W[co, ci, kh, kw]
//   weight grad:    dW[co, (ci,kh,kw)] = sum_(n,oh,ow) dY[co, (n,oh,ow)] X~[(n,oh,ow), (ci,kh,kw)]
// Inputs are contiguous (the conv ops make them so).
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { type ConvGeom, convGeom } from '../../js/kernels/conv.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { Params, PRELUDE, type WgslType, wgslType } from '../wgsl.js';
import type { BLoad } from './gemm.js';
import { planGemm } from './gemm-large.js';

/** Geometry as private i32s, read once per workgroup (slots after the GEMM's four). */
const GEOM = ['Nb', 'C', 'H', 'W', 'Cout', 'kH', 'kW', 'OH', 'OW', 'sH', 'sW', 'pH', 'pW', 'dH', 'dW', 'cinG', 'coutG', 'off0', 'off1', 'off2', 'off3'];

function geomParams(g: ConvGeom, M: number, N: number, K: number, offs: number[]): Int32Array {
  const v = [g.N, g.C, g.H, g.W, g.Cout, g.kH, g.kW, g.OH, g.OW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.C / g.groups, g.Cout / g.groups, ...offs];
  return new Params().int(M, N, K, 0).ints(v).build();
}

function geomDecls(t: WgslType, bindings: string[]): string {
  return `${bindings.map((b, i) => `@group(0) @binding(${i}) var<storage, ${i === bindings.length - 1 ? 'read_write' : 'read'}> ${b}: array<${t}>;`).join('\n')}
${GEOM.map((n) => `var<private> ${n}: i32;`).join(' ')}
var<private> g: i32;
fn setup(z: u32) {
  g = i32(z);
  ${GEOM.map((n, i) => `${n} = P(${4 + i}u);`).join(' ')}
}`;
}

/** Runs one convolution-shaped GEMM: `body` defines the loaders and store over the bindings. */
function runConv(be: WebGpuBackend, kind: string, ins: Tensor[], out: Tensor, g: ConvGeom, dims: [number, number, number], b: BLoad, body: string) {
  const t = wgslType(out.dtype);
  const names = kind === 'fwd' ? ['xin', 'wt', ...(ins.length > 2 ? ['bs'] : []), 'yout'] : kind === 'dx' ? ['gy', 'wt', 'gx'] : ['xin', 'gy', 'gw'];
  const decls = `${geomDecls(t, names)}\n${body}`;
  const offs = [...ins.map((x) => x.offset), out.offset];
  while (offs.length < 4) offs.push(0);
  const [M, N, K] = dims;
  const plan = planGemm(M, N, g.groups, { t, decls: decls.replace(/\bT\b/g, t), a: 'scalar', b }, PRELUDE);
  for (const chunk of plan.chunks) {
    const params = geomParams(g, M, N, K, offs);
    params[3] = chunk.first;
    be.run({
      key: `conv|${kind}|${t}|${b}|${ins.length}|${plan.key}`,
      code: plan.code,
      reads: ins.map(buf),
      writes: [buf(out)],
      params,
      workgroups: chunk.groups,
    });
  }
}

// (n, oh, ow) from a row m of the output; (ci, kh, kw) from a column k of the patch.
const PIXEL = `let ohw = OH * OW; let n = mi / ohw; let oh = (mi % ohw) / OW; let ow = mi % OW;`;
const TAP = `let khw = kH * kW; let ci = ki / khw; let kh = (ki % khw) / kW; let kw = ki % kW;`;

function conv2d(b: Backend, ins: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('conv2d', [...ins, y]);
  if (y.size === 0) return;
  const [x, w, bias] = ins;
  const g = convGeom(x.shape, w.shape, y.shape, attrs);
  const K = (g.C / g.groups) * g.kH * g.kW;
  const bKind: BLoad = K % 4 === 0 && w.offset % 4 === 0 ? 'vk' : 'scalar';
  const body = `fn loadA(m: u32, k: u32) -> T {
  let mi = i32(m); let ki = i32(k); ${PIXEL} ${TAP}
  let h = oh * sH - pH + kh * dH; let w = ow * sW - pW + kw * dW;
  if (h < 0 || h >= H || w < 0 || w >= W) { return T(0); }
  return xin[off0 + ((n * C + g * cinG + ci) * H + h) * W + w];
}
${
  bKind === 'vk'
    ? `fn loadB4(k: u32, n: u32) -> vec4<T> {
  let i = off1 + (g * coutG + i32(n)) * cinG * kH * kW + i32(k);
  return vec4<T>(wt[i], wt[i + 1], wt[i + 2], wt[i + 3]);
}`
    : `fn loadB(k: u32, n: u32) -> T { return wt[off1 + (g * coutG + i32(n)) * cinG * kH * kW + i32(k)]; }`
}
fn store(m: u32, col: u32, v: T) {
  let mi = i32(m); ${PIXEL}
  let co = g * coutG + i32(col);
  ${bias ? 'yout[off3 + ((n * Cout + co) * OH + oh) * OW + ow] = v + bs[off2 + co];' : 'yout[off2 + ((n * Cout + co) * OH + oh) * OW + ow] = v;'}
}`;
  runConv(be, 'fwd', ins, y, g, [g.N * g.OH * g.OW, g.Cout / g.groups, K], bKind, body);
}

function conv2dBackwardInput(b: Backend, [dy, w]: Tensor[], [dx]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('conv2dBackwardInput', [dy, w, dx]);
  if (dx.size === 0) return;
  const g = convGeom(dx.shape, w.shape, dy.shape, attrs);
  const body = `fn loadA(m: u32, k: u32) -> T {
  let mi = i32(m); let hw = H * W; let n = mi / hw; let h = (mi % hw) / W; let w = mi % W;
  let khw = kH * kW; let co = i32(k) / khw; let kh = (i32(k) % khw) / kW; let kw = i32(k) % kW;
  let th = h + pH - kh * dH; let tw = w + pW - kw * dW;
  if (th < 0 || tw < 0 || th % sH != 0 || tw % sW != 0) { return T(0); }
  let oh = th / sH; let ow = tw / sW;
  if (oh >= OH || ow >= OW) { return T(0); }
  return gy[off0 + ((n * Cout + g * coutG + co) * OH + oh) * OW + ow];
}
fn loadB(k: u32, ci: u32) -> T {
  let khw = kH * kW; let co = i32(k) / khw;
  return wt[off1 + ((g * coutG + co) * cinG + i32(ci)) * khw + i32(k) % khw];
}
fn store(m: u32, ci: u32, v: T) {
  let mi = i32(m); let hw = H * W; let n = mi / hw;
  gx[off2 + (n * C + g * cinG + i32(ci)) * hw + mi % hw] = v;
}`;
  runConv(be, 'dx', [dy, w], dx, g, [g.N * g.H * g.W, g.C / g.groups, (g.Cout / g.groups) * g.kH * g.kW], 'scalar', body);
}

function conv2dBackwardWeight(b: Backend, [x, dy]: Tensor[], [dw]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('conv2dBackwardWeight', [x, dy, dw]);
  if (dw.size === 0) return;
  const g = convGeom(x.shape, dw.shape, dy.shape, attrs);
  const body = `fn loadA(co: u32, k: u32) -> T {
  let ohw = OH * OW; let n = i32(k) / ohw;
  return gy[off1 + (n * Cout + g * coutG + i32(co)) * ohw + i32(k) % ohw];
}
fn loadB(k: u32, c: u32) -> T {
  let mi = i32(k); let ki = i32(c); ${PIXEL} ${TAP}
  let h = oh * sH - pH + kh * dH; let w = ow * sW - pW + kw * dW;
  if (h < 0 || h >= H || w < 0 || w >= W) { return T(0); }
  return xin[off0 + ((n * C + g * cinG + ci) * H + h) * W + w];
}
fn store(co: u32, c: u32, v: T) {
  gw[off2 + (g * coutG + i32(co)) * cinG * kH * kW + i32(c)] = v;
}`;
  runConv(be, 'dw', [x, dy], dw, g, [g.Cout / g.groups, (g.C / g.groups) * g.kH * g.kW, g.N * g.OH * g.OW], 'scalar', body);
}

export function registerConv(): void {
  registerKernel('webgpu', 'conv2d', conv2d);
  registerKernel('webgpu', 'conv2dBackwardInput', conv2dBackwardInput);
  registerKernel('webgpu', 'conv2dBackwardWeight', conv2dBackwardWeight);
}
