// The GEMM for large products: 16x16 threads per workgroup, each computing a
// (4 rm) x (4 rn) block of C as rm x rn blocks of 4x4 spaced 64 apart, so a
// workgroup owns a (64 rm) x (64 rn) tile (128x128 at rm = rn = 2). Against
// the 32x32 kernel (gemm.ts) each thread reads rm + rn vec4s of workgroup
// memory per 16 rm rn multiply-adds instead of 8 per 64, and a workgroup reads
// each global element once per 128 outputs instead of per 32: what a large
// GEMM is bound by. Both operands are staged in workgroup memory K-major
// (As[k][m], Bs[k][n], vec4s along M and N), and the next K slab is read from
// global memory into registers while the current one is multiplied.
//
// It takes the same loaders and store as gemm.ts (GemmShader), so any caller
// of the 32x32 kernel can run on it; on small outputs it would leave most of a
// GPU idle, which is why the callers choose by the number of workgroups.
import type { WgslType } from '../wgsl.js';
import { type GemmShader, gemmChunks, gemmSource } from './gemm.js';

export interface LargeTile {
  /** 4x4 blocks per thread along M and N: 1 or 2. */
  rm: 1 | 2;
  rn: 1 | 2;
  /** Depth of a K slab in workgroup memory: 8 or 16. */
  bk: 8 | 16;
  /** Unroll the slab's K loop in the source (else left to the driver's compiler). */
  unroll?: boolean;
}

const THREADS = 256;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Global -> register loads of one slab (`fetch`), register -> workgroup stores (`stash`). */
interface Staging {
  vars: string;
  fetch: string;
  stash: string;
}

// Each loader kind reads `count` values per slab, `per` per thread; element e of
// a slab is numbered so that consecutive threads read consecutive addresses.
function stage(name: 'A' | 'B', kind: string, t: WgslType, outer: number, bk: number): Staging {
  const O4 = outer / 4;
  const S = `${name}s`;
  const r = `r${name}`;
  const vec = kind !== 'scalar';
  const count = vec ? (outer * bk) / 4 : outer * bk;
  const per = Math.ceil(count / THREADS);
  const guard = count % THREADS !== 0;
  const ty = vec ? `vec4<${t}>` : t;
  const zero = `${ty}()`;
  const o0 = name === 'A' ? 'm0' : 'n0';
  const lim = name === 'A' ? 'M' : 'N';
  // (outer index o, depth index k) of element e, the global load, and the workgroup store.
  let at: string;
  let load: string;
  let put: (v: string) => string;
  if (!vec) {
    at = `let o = e % ${outer}u; let k = e / ${outer}u;`;
    load = name === 'A' ? 'loadA(go, gk)' : 'loadB(gk, go)';
    put = (v) => `${S}[k * ${O4}u + o / 4u][o % 4u] = ${v};`;
  } else if ((name === 'A' && kind === 'vm') || (name === 'B' && kind === 'vn')) {
    // vec4 along the outer dim: stored as it comes.
    at = `let o = (e % ${O4}u) * 4u; let k = e / ${O4}u;`;
    load = name === 'A' ? 'loadA4(go, gk)' : 'loadB4(gk, go)';
    put = (v) => `${S}[k * ${O4}u + o / 4u] = ${v};`;
  } else {
    // vec4 along K: transposed into the K-major slab one lane at a time.
    at = `let o = e / ${bk / 4}u; let k = (e % ${bk / 4}u) * 4u;`;
    load = name === 'A' ? 'loadA4(go, gk)' : 'loadB4(gk, go)';
    put = (v) =>
      range(4)
        .map((j) => `${S}[(k + ${j}u) * ${O4}u + o / 4u][o % 4u] = ${v}[${j}];`)
        .join(' ');
  }
  const fetch = range(per)
    .map((l) => {
      const body = `{ let e = lid + ${l * THREADS}u; ${at} let go = ${o0} + o; let gk = k0 + k;
      ${r}${l} = ${zero}; if (go < ${lim} && gk < K) { ${r}${l} = ${load}; } }`;
      return guard ? `if (lid + ${l * THREADS}u < ${count}u) ${body}` : body;
    })
    .join('\n    ');
  const stash = range(per)
    .map((l) => {
      const body = `{ let e = lid + ${l * THREADS}u; ${at} ${put(`${r}${l}`)} }`;
      return guard ? `if (lid + ${l * THREADS}u < ${count}u) ${body}` : body;
    })
    .join('\n    ');
  const vars = range(per)
    .map((l) => `var ${r}${l}: ${ty};`)
    .join(' ');
  return { vars, fetch, stash };
}

/** The large-tile GEMM shader's source; `uniform` and `prelude` are prepended. */
export function gemmLargeSource(s: GemmShader, tile: LargeTile, uniform: string, prelude: string): string {
  const { t } = s;
  const { rm, rn, bk } = tile;
  const BM = 64 * rm;
  const BN = 64 * rn;
  const A = stage('A', s.a, t, BM, bk);
  const B = stage('B', s.b, t, BN, bk);
  const I = range(rm);
  const J = range(rn);
  const R = range(4);
  const acc = (i: number, r: number, j: number) => `c${i}${r}${j}`;
  const lanes = ['x', 'y', 'z', 'w'];
  const mad = (a: string, b: string, c: string) => (t === 'f32' ? `${c} = fma(vec4<f32>(${a}), ${b}, ${c});` : `${c} += ${a} * ${b};`);
  const inner = [
    ...I.map((i) => `let a${i} = As[kk * ${BM / 4}u + ${i * 16}u + ty];`),
    ...J.map((j) => `let b${j} = Bs[kk * ${BN / 4}u + ${j * 16}u + tx];`),
    ...I.flatMap((i) => R.flatMap((r) => J.map((j) => mad(`a${i}.${lanes[r]}`, `b${j}`, acc(i, r, j))))),
  ].join('\n      ');
  const stores = I.flatMap((i) =>
    R.map(
      (r) => `if (m0 + ${i * 64 + r}u + ty * 4u < M) {
    let m = m0 + ${i * 64 + r}u + ty * 4u;
    ${J.map((j) => `for (var c = 0u; c < 4u; c++) { let n = n0 + ${j * 64}u + tx * 4u + c; if (n < N) { store(m, n, ${acc(i, r, j)}[c]); } }`).join('\n    ')}
  }`,
    ),
  ).join('\n  ');
  return `${uniform}
${prelude}
${s.decls}
var<workgroup> As: array<vec4<${t}>, ${(bk * BM) / 4}>;
var<workgroup> Bs: array<vec4<${t}>, ${(bk * BN) / 4}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) l3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = PU(0u); let N = PU(1u); let K = PU(2u);
  setup(wid.z + PU(3u));
  let m0 = wid.y * ${BM}u; let n0 = wid.x * ${BN}u;
  let tx = l3.x; let ty = l3.y;
  ${I.flatMap((i) => R.flatMap((r) => J.map((j) => `var ${acc(i, r, j)} = vec4<${t}>();`))).join(' ')}
  ${A.vars} ${B.vars}
  var k0 = 0u;
  ${A.fetch}
  ${B.fetch}
  loop {
    if (k0 >= K) { break; }
    ${A.stash}
    ${B.stash}
    workgroupBarrier();
    k0 += ${bk}u;
    if (k0 < K) {
    ${A.fetch}
    ${B.fetch}
    }
    ${
      tile.unroll
        ? range(bk)
            .map((q) => `{ let kk = ${q}u;\n      ${inner}\n    }`)
            .join('\n    ')
        : `for (var kk = 0u; kk < ${bk}u; kk++) {\n      ${inner}\n    }`
    }
    workgroupBarrier();
  }
  ${stores}
}`;
}

/**
 * Which GEMM a product of this shape runs on: the first large tile that still
 * gives enough workgroups to fill a large GPU (`minGroups`) and wastes little
 * of itself on a ragged edge (`minFill` of the padded area holds results), else
 * null for the 32x32 kernel. `force` overrides the choice (the tests, to cover
 * every tile on small shapes, and the benchmarks, to compare them). The order
 * and the numbers come from bench/webgpu-peer.mjs --tilings on an H100.
 */
export const gemmTiling: { force: LargeTile | 'small' | null; minGroups: number; minFill: number; tiles: LargeTile[] } = {
  force: null,
  minGroups: 128,
  minFill: 0.8,
  tiles: [
    { rm: 2, rn: 2, bk: 16 },
    { rm: 1, rn: 2, bk: 16 },
    { rm: 2, rn: 1, bk: 16 },
    { rm: 1, rn: 1, bk: 16 },
  ],
};

export function chooseTile(M: number, N: number, batches: number): LargeTile | null {
  const f = gemmTiling.force;
  if (f) return f === 'small' ? null : f;
  for (const tile of gemmTiling.tiles) {
    const [bm, bn] = [64 * tile.rm, 64 * tile.rn];
    const [gm, gn] = [Math.ceil(M / bm), Math.ceil(N / bn)];
    if (gm * gn * batches >= gemmTiling.minGroups && (M * N) / (gm * bm * gn * bn) >= gemmTiling.minFill) return tile;
  }
  return null;
}

/** How an M x N (x batches) product is dispatched: the tiling's key, the shader source and the workgroup chunks. */
export function planGemm(M: number, N: number, batches: number, shader: GemmShader, prelude: string) {
  const tile = chooseTile(M, N, batches);
  return {
    key: tile ? `${tile.rm}${tile.rn}${tile.bk}${tile.unroll ? 'u' : ''}` : '32',
    code: (u: string) => (tile ? gemmLargeSource(shader, tile, u, prelude) : gemmSource(shader, u, prelude)),
    chunks: tile ? gemmChunks(M, N, batches, 64 * tile.rm, 64 * tile.rn) : gemmChunks(M, N, batches),
  };
}
