// The tiled GEMM for small and medium products (matmul and the three
// convolutions; large ones run on gemm-large.ts, chosen by chooseTile there):
// 8x8 threads per workgroup, each computing a 4x4 block, so a workgroup owns a
// 32x32 tile of C; A and B go through workgroup memory 32 deep in K, with vec4
// loads where the operand is contiguous and aligned (as tfjs-backend-webgpu's
// matmul_packed and ONNX Runtime WebGPU). The workgroup's z is the batch (or
// convolution group). Callers supply loaders and the store as WGSL snippets,
// which is how a convolution becomes an implicit GEMM without an im2col copy.
import type { WgslType } from '../wgsl.js';

export const TILE = 32;

/** How a tile of an operand is loaded. */
export type ALoad = 'scalar' | 'vk' | 'vm';
export type BLoad = 'scalar' | 'vn' | 'vk';

export interface GemmShader {
  t: WgslType;
  /**
   * Bindings, private variables and functions: `setup(z: u32)` (per batch),
   * `store(m: u32, n: u32, v: T)`, and the loaders the load kinds need:
   * scalar `loadA(m, k) -> T`, vk `loadA4(m, k) -> vec4<T>` (A[m][k..k+3]),
   * vm `loadA4(m, k)` (A[m..m+3][k]); scalar `loadB(k, n)`, vn `loadB4(k, n)`
   * (B[k][n..n+3]), vk `loadB4(k, n)` (B[k..k+3][n]). Vector loads need the
   * loaded dim to be a multiple of 4 (so a vec4 is either all in or all out).
   */
  decls: string;
  a: ALoad;
  b: BLoad;
}

/** Uniform slots the GEMM itself reads: M, N, K and the first batch of this dispatch. */
export const GEMM_PARAMS = 4;

// A's tile is held as vec4s along K (As[m * 8 + k / 4]), so the inner loop reads one
// vec4 of A per row and step of 4 in K: 8 workgroup loads per 64 multiply-adds
// instead of 20 with scalar A (tfjs-backend-webgpu's matmul_packed does the same).
function loadA(kind: ALoad, t: WgslType): string {
  if (kind === 'scalar') {
    return `for (var l = 0u; l < 16u; l++) {
      let e = lid + l * 64u; let m = m0 + e / 32u; let c = e % 32u; let k = k0 + c;
      var v = ${t}(0); if (m < M && k < K) { v = loadA(m, k); }
      As[(e / 32u) * 8u + c / 4u][c % 4u] = v;
    }`;
  }
  if (kind === 'vk') {
    return `for (var l = 0u; l < 4u; l++) {
      let e = lid + l * 64u; let m = m0 + e / 8u; let k = k0 + (e % 8u) * 4u;
      var v = vec4<${t}>(); if (m < M && k < K) { v = loadA4(m, k); }
      As[e] = v;
    }`;
  }
  return `for (var l = 0u; l < 4u; l++) {
      let e = lid + l * 64u; let m = m0 + (e % 8u) * 4u; let c = e / 8u; let k = k0 + c;
      var v = vec4<${t}>(); if (m < M && k < K) { v = loadA4(m, k); }
      for (var j = 0u; j < 4u; j++) { As[((e % 8u) * 4u + j) * 8u + c / 4u][c % 4u] = v[j]; }
    }`;
}

function loadB(kind: BLoad, t: WgslType): string {
  if (kind === 'scalar') {
    return `for (var l = 0u; l < 16u; l++) {
      let e = lid + l * 64u; let k = k0 + e / 32u; let c = e % 32u; let n = n0 + c;
      var v = ${t}(0); if (k < K && n < N) { v = loadB(k, n); }
      Bs[(e / 32u) * 8u + c / 4u][c % 4u] = v;
    }`;
  }
  if (kind === 'vn') {
    return `for (var l = 0u; l < 4u; l++) {
      let e = lid + l * 64u; let k = k0 + e / 8u; let n = n0 + (e % 8u) * 4u;
      var v = vec4<${t}>(); if (k < K && n < N) { v = loadB4(k, n); }
      Bs[e] = v;
    }`;
  }
  return `for (var l = 0u; l < 4u; l++) {
      let e = lid + l * 64u; let c = e / 8u; let q = e % 8u; let k = k0 + q * 4u; let n = n0 + c;
      var v = vec4<${t}>(); if (k < K && n < N) { v = loadB4(k, n); }
      for (var j = 0u; j < 4u; j++) { Bs[(q * 4u + j) * 8u + c / 4u][c % 4u] = v[j]; }
    }`;
}

// The four rows of a thread's 4x4 block, unrolled in the generated source so the
// accumulators stay in registers (no dynamically indexed private array).
const ROWS = [0, 1, 2, 3];

/** acc += a * b for a scalar a and a vector b: an explicit fma for floats, because
 *  a * b + c is not always contracted by the drivers under WebGPU. */
function mad(t: WgslType, a: string, b: string, acc: string): string {
  return t === 'f32' ? `${acc} = fma(vec4<f32>(${a}), ${b}, ${acc});` : `${acc} += ${a} * ${b};`;
}

/** The GEMM shader's source; `uniform` and `prelude` are prepended. */
export function gemmSource(s: GemmShader, uniform: string, prelude: string): string {
  const t = s.t;
  return `${uniform}
${prelude}
${s.decls}
var<workgroup> As: array<vec4<${t}>, 256>;
var<workgroup> Bs: array<vec4<${t}>, 256>;
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) l3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = PU(0u); let N = PU(1u); let K = PU(2u);
  setup(wid.z + PU(3u));
  let m0 = wid.y * 32u; let n0 = wid.x * 32u;
  let tx = l3.x; let ty = l3.y;
  ${ROWS.map((i) => `var acc${i} = vec4<${t}>();`).join(' ')}
  for (var k0 = 0u; k0 < K; k0 += 32u) {
    ${loadA(s.a, t)}
    ${loadB(s.b, t)}
    workgroupBarrier();
    for (var q = 0u; q < 8u; q++) {
      let b0 = Bs[q * 32u + tx]; let b1 = Bs[q * 32u + 8u + tx];
      let b2 = Bs[q * 32u + 16u + tx]; let b3 = Bs[q * 32u + 24u + tx];
      ${ROWS.map(
        (i) => `let a${i} = As[(ty * 4u + ${i}u) * 8u + q];
      ${['x', 'y', 'z', 'w'].map((c, j) => mad(t, `a${i}.${c}`, `b${j}`, `acc${i}`)).join(' ')}`,
      ).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${ROWS.map(
    (i) => `if (m0 + ty * 4u + ${i}u < M) {
    let m = m0 + ty * 4u + ${i}u;
    for (var j = 0u; j < 4u; j++) { let n = n0 + tx * 4u + j; if (n < N) { store(m, n, acc${i}[j]); } }
  }`,
  ).join('\n  ')}
}`;
}

/** Workgroup counts for an M x N result over `batches` batches with a tileM x tileN tile, from batch `first` on (z is at most 65535 per dispatch). */
export function gemmChunks(M: number, N: number, batches: number, tileM = TILE, tileN = TILE): { first: number; groups: [number, number, number] }[] {
  const out: { first: number; groups: [number, number, number] }[] = [];
  const gx = Math.max(1, Math.ceil(N / tileN));
  const gy = Math.max(1, Math.ceil(M / tileM));
  for (let first = 0; first < batches; first += 65535) out.push({ first, groups: [gx, gy, Math.min(65535, batches - first)] });
  return out;
}
