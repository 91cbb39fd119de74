// float32 GEMM: C = act(A B + bias), batched, operands given by element strides.
// See assembly/README.md ("GEMM") for the ABI.
//
// Goto/BLIS structure: B is packed into NR-wide, k-major, zero-padded panels of a
// KC x NC block; A into MR-row, k-major panels of an MC x KC block, so that the
// micro-kernel reads both operands with unit stride whatever the original strides
// (transposed A or B cost only a transposing copy). The micro-kernel keeps an
// MR x NR tile of C in registers and fuses bias / accumulate / ReLU in its epilogue.
import { madd4 } from "../common";

// Register tile MR x NR. Plain SIMD build: 4 x 8, one load-splat per A element
// (shuffles would compete with the adds for ports). Relaxed build: 5 x 8, rows 0-3
// splat by shuffles from one load (FMA leaves the shuffle port free), row 4 by a
// load-splat: 10 accumulators + 4 loaded vectors fit V8's 15 xmm registers even
// where V8 (12.x) schedules every load of the loop body first; 6 x 8 spills there.
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;
const NR = 8;     // columns of the register tile (two v128)
const KC = 256;   // depth of a packed block: an NR x KC panel of B (8 KiB) stays in L1
const MC = 32 * MR; // rows of a packed A block (a multiple of MR): MC x KC x 4 = 128-160 KiB, sits in L2
const NC = 1024;  // columns of a packed B block (KC x NC x 4 = 1 MiB)
const TILE = MR * NR * 4; // bytes of scratch for a column-tail tile

// Epilogue flags of the micro-kernel.
const LOADC: i32 = 1; // add the current C (accumulate, or a later K block)
const RELU: i32 = 2;  // apply ReLU (only on the last K block)

// ---------------------------------------------------------------------------
// Packing

/** Packs rows [0, mc) x depth [0, kc) of A (element strides rs, cs) into MR-row,
 *  k-major panels at `dst` (MR floats per k). Rows past mc repeat the last real
 *  row: the padded rows then compute finite values, which are never stored. */
function packA(mc: i32, kc: i32, a: usize, rs: i32, cs: i32, dst: usize): void {
  const step = <usize>MR << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const m = min(MR, mc - i0);
    const p = a + (<usize>(i0 * rs) << 2);
    if (m == MR && rs == 1) {
      // A^T layout: the MR values of one k are contiguous.
      const ld = <usize>cs << 2;
      let src = p;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        if (MR > 4) store<f32>(dst, load<f32>(src, 16), 16);
        src += ld; dst += step;
      }
    } else if (m == MR && cs == 1) {
      // Row-major A: transpose rows 0-3 x 4 k at a time; row 4 (MR = 5) by lanes.
      const ld = <usize>rs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const s = p + (<usize>k << 2);
        transposeStore4(v128.load(s), v128.load(s + ld), v128.load(s + 2 * ld), v128.load(s + 3 * ld), dst, step);
        if (MR > 4) {
          const r4 = v128.load(s + 4 * ld);
          v128.store32_lane(dst, r4, 0, 16); v128.store32_lane(dst + step, r4, 1, 16);
          v128.store32_lane(dst + 2 * step, r4, 2, 16); v128.store32_lane(dst + 3 * step, r4, 3, 16);
        }
        dst += 4 * step;
      }
      for (; k < kc; k++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(p + <usize>r * ld + (<usize>k << 2)));
        dst += step;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          const i = min(r, m - 1);
          store<f32>(dst + (<usize>r << 2), load<f32>(p + (<usize>(i * rs + k * cs) << 2)));
        }
        dst += step;
      }
    }
  }
}

/** Packs depth [0, kc) x columns [0, nc) of B (element strides rs, cs) into NR-wide,
 *  k-major panels; panel j starts at dst + j * pstride bytes. Missing columns are 0. */
export function packB(kc: i32, nc: i32, b: usize, rs: i32, cs: i32, dst: usize, pstride: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const n = min(NR, nc - j0);
    const p = b + (<usize>(j0 * cs) << 2);
    let d = dst;
    if (n == NR && cs == 1) {
      const step = <usize>rs << 2;
      let src = p;
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step; d += 32;
      }
    } else if (n == NR && rs == 1) {
      // B^T layout: transpose 4 k x 4 columns at a time, two halves per panel.
      const ld = <usize>cs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const s = p + (<usize>k << 2);
        transposeStore4(v128.load(s), v128.load(s + ld), v128.load(s + 2 * ld), v128.load(s + 3 * ld), d, 32);
        const s4 = s + 4 * ld;
        transposeStore4(v128.load(s4), v128.load(s4 + ld), v128.load(s4 + 2 * ld), v128.load(s4 + 3 * ld), d + 16, 32);
        d += 128;
      }
      for (; k < kc; k++) {
        for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), load<f32>(p + (<usize>(k + j * cs) << 2)));
        d += 32;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(d + (<usize>j << 2), j < n ? load<f32>(p + (<usize>(k * rs + j * cs) << 2)) : 0);
        }
        d += 32;
      }
    }
    dst += pstride;
  }
}

/** Transposes the 4x4 block whose rows are r0..r3 and stores its rows at dst,
 *  dst + step, dst + 2 step, dst + 3 step. */
@inline function transposeStore4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + step, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * step, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// ---------------------------------------------------------------------------
// Micro-kernel

/** C tile (mr x nr, mr <= MR, nr <= NR) at `c` (row stride `ldc` bytes) from kc steps
 *  of the packed A panel `pa` and B panel `pb`; `bias` (0 or the bias of the tile's
 *  first column) is added when LOADC is off; `tile` is TILE bytes of scratch. */
@inline function kernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, mr: i32, nr: i32,
                        flags: i32, bias: usize, tile: usize): void {
  if (MR == 5) kernel5x8(kc, pa, pb, c, ldc, mr, nr, flags, bias, tile);
  else kernel4x8(kc, pa, pb, c, ldc, mr, nr, flags, bias, tile);
}

function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, mr: i32, nr: i32,
                   flags: i32, bias: usize, tile: usize): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  // One k per iteration: unrolled by hand, V8 hoists all the loads and spills.
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd4(a, b0, c00); c01 = madd4(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd4(a, b0, c10); c11 = madd4(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd4(a, b0, c20); c21 = madd4(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd4(a, b0, c30); c31 = madd4(a, b1, c31);
    pa += 16; pb += 32;
  }
  if (nr == NR) {
    storeRow(c, c00, c01, flags, bias);
    if (mr > 1) storeRow(c + ldc, c10, c11, flags, bias);
    if (mr > 2) storeRow(c + 2 * ldc, c20, c21, flags, bias);
    if (mr > 3) storeRow(c + 3 * ldc, c30, c31, flags, bias);
  } else {
    // Column tail (rare): spill the tile and finish it element by element.
    v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    tailStore(mr, nr, tile, c, ldc, flags, bias);
  }
}

function kernel5x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, mr: i32, nr: i32,
                   flags: i32, bias: usize, tile: usize): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), av = v128.load(pa);
    let a = f32x4.shuffle(av, av, 0, 0, 0, 0);
    c00 = madd4(a, b0, c00); c01 = madd4(a, b1, c01);
    a = f32x4.shuffle(av, av, 1, 1, 1, 1);
    c10 = madd4(a, b0, c10); c11 = madd4(a, b1, c11);
    a = f32x4.shuffle(av, av, 2, 2, 2, 2);
    c20 = madd4(a, b0, c20); c21 = madd4(a, b1, c21);
    a = f32x4.shuffle(av, av, 3, 3, 3, 3);
    c30 = madd4(a, b0, c30); c31 = madd4(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd4(a, b0, c40); c41 = madd4(a, b1, c41);
    pa += 20; pb += 32;
  }
  if (nr == NR) {
    storeRow(c, c00, c01, flags, bias);
    if (mr > 1) storeRow(c + ldc, c10, c11, flags, bias);
    if (mr > 2) storeRow(c + 2 * ldc, c20, c21, flags, bias);
    if (mr > 3) storeRow(c + 3 * ldc, c30, c31, flags, bias);
    if (mr > 4) storeRow(c + 4 * ldc, c40, c41, flags, bias);
  } else {
    v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    v128.store(tile, c40, 128); v128.store(tile, c41, 144);
    tailStore(mr, nr, tile, c, ldc, flags, bias);
  }
}

/** Finishes one full row of a tile: adds C or the bias, applies ReLU, stores. */
@inline function storeRow(p: usize, c0: v128, c1: v128, flags: i32, bias: usize): void {
  if (flags & LOADC) {
    c0 = f32x4.add(c0, v128.load(p)); c1 = f32x4.add(c1, v128.load(p, 16));
  } else if (bias) {
    c0 = f32x4.add(c0, v128.load(bias)); c1 = f32x4.add(c1, v128.load(bias, 16));
  }
  if (flags & RELU) {
    // pmax(x, 0) = x < 0 ? 0 : x: one instruction on x86 (max is nine), keeps NaN.
    const z = f32x4.splat(0);
    c0 = f32x4.pmax(c0, z); c1 = f32x4.pmax(c1, z);
  }
  v128.store(p, c0); v128.store(p, c1, 16);
}

/** Adds C or the bias to the spilled mr x nr tile, applies ReLU and stores it. */
function tailStore(mr: i32, nr: i32, tile: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  for (let r = 0; r < mr; r++) {
    const t = tile + (<usize>r << 5), p = c + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(t + o);
      if (flags & LOADC) v += load<f32>(p + o);
      else if (bias) v += load<f32>(bias + o);
      if ((flags & RELU) && v < 0) v = 0;
      store<f32>(p + o, v);
    }
  }
}

// ---------------------------------------------------------------------------
// Driver

@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }

/** Bytes of packed A in the workspace: always room for MC rows, so that a batch
 *  folded into a taller GEMM, or any row range, can use full-height A blocks. */
@inline function packedABytes(K: i32): i32 { return MC * min(K, KC) * 4; }

/** Splits n into ceil(n / cap) near-equal steps, rounded up to a multiple of m (so
 *  with MC = 128, 129 rows make two blocks of 68, not 128 + 1; K = 784 four of 196):
 *  no thin last block whose per-call overhead would not be amortised. */
@inline function evenStep(n: i32, cap: i32, m: i32): i32 {
  const blocks = (n + cap - 1) / cap;
  return min(cap, roundUp((n + blocks - 1) / blocks, m));
}

/**
 * One GEMM on a sub-block: C[m x n] = act(A[m x K] B[K x n] + bias), with a, b, c,
 * bias already offset to the sub-block's first row / column. B comes either as
 * strides (pb = 0: packed here into `work`) or prepacked (pb != 0: the panel holding
 * the sub-block's first column, whose index must then be a multiple of NR, in the
 * layout of f32_gemm_pack_b with K-deep panels). Threads can each run one sub-block
 * (a range of rows, or NR-aligned columns) with their own `work` of
 * gemmWorkspaceF32(M, N, K) bytes for the whole GEMM. K >= 1.
 */
export function gemmBlockF32(
  m: i32, n: i32, K: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32, pb: usize,
  c: usize, ldc: i32, bias: usize, act: i32, accumulate: i32,
  work: usize,
): void {
  const tile = work, wA = work + TILE, wB = wA + <usize>packedABytes(K);
  const mcap = evenStep(m, MC, MR); // a multiple of MR, <= MC: its panels fit in wA
  const ldcb = <usize>ldc << 2;
  const ncStep = evenStep(n, NC, NR), kcStep = evenStep(K, KC, 4);
  for (let jc = 0; jc < n; jc += ncStep) {
    const nc = min(ncStep, n - jc);
    for (let pc = 0; pc < K; pc += kcStep) {
      const kc = min(kcStep, K - pc);
      let bp: usize, pstride: usize;
      if (pb) {
        pstride = <usize>K << 5;
        bp = pb + <usize>(jc / NR) * pstride + (<usize>pc << 5);
      } else {
        pstride = <usize>kc << 5;
        bp = wB;
        packB(kc, nc, b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, wB, pstride);
      }
      // Bias on the first K block, C reloaded on later ones, ReLU on the last.
      const flags = (accumulate || pc > 0 ? LOADC : 0) | (act == 1 && pc + kc == K ? RELU : 0);
      const bj = bias && !(flags & LOADC) ? bias + (<usize>jc << 2) : 0;
      for (let ic = 0; ic < m; ic += mcap) {
        const mc = min(mcap, m - ic);
        packA(mc, kc, a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, wA);
        const cb = c + <usize>ic * ldcb + (<usize>jc << 2);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbj = bp + <usize>(jr / NR) * pstride;
          const bjr = bj ? bj + (<usize>jr << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            kernel(kc, wA + (<usize>(ir * kc) << 2), pbj, cb + <usize>ir * ldcb + (<usize>jr << 2),
                   ldcb, min(MR, mc - ir), nr, flags, bjr, tile);
          }
        }
      }
    }
  }
}

/** K = 0: C = act(bias), or unchanged when accumulating. */
function gemmEmptyK(batch: i32, M: i32, N: i32, c: usize, sC: i32, ldc: i32, bias: usize, act: i32, accumulate: i32): void {
  if (accumulate) return;
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < M; i++) {
      const row = c + (<usize>(p * sC + i * ldc) << 2);
      for (let j = 0; j < N; j++) {
        let v: f32 = bias ? load<f32>(bias + (<usize>j << 2)) : 0;
        if (act == 1 && v < 0) v = 0;
        store<f32>(row + (<usize>j << 2), v);
      }
    }
  }
}

/** The batched GEMM of f32_gemm (pb = 0) and f32_gemm_prepacked (pb = packed B,
 *  whose batch stride sB is then ignored). */
function gemmBatched(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32,
  b: usize, sB: i32, rsB: i32, csB: i32, pb: usize,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  if (K <= 0) { gemmEmptyK(batch, M, N, c, sC, ldc, bias, act, accumulate); return; }
  // A shared B with batches of A and C that continue each other's rows is one
  // taller GEMM: B is packed once instead of once per batch.
  if (batch > 1 && (pb || sB == 0) && sA == M * rsA && sC == M * ldc) {
    M *= batch; batch = 1;
  }
  for (let p = 0; p < batch; p++) {
    gemmBlockF32(M, N, K,
      a + (<usize>(p * sA) << 2), rsA, csA,
      b + (<usize>(p * sB) << 2), rsB, csB, pb,
      c + (<usize>(p * sC) << 2), ldc, bias, act, accumulate, work);
  }
}

export function gemmF32(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32,
  b: usize, sB: i32, rsB: i32, csB: i32,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  gemmBatched(batch, M, N, K, a, sA, rsA, csA, b, sB, rsB, csB, 0, c, sC, ldc, bias, act, accumulate, work);
}

/** GEMM with B prepacked by packBF32 (shared by every batch). */
export function gemmPrepackedF32(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32, packed: usize,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  gemmBatched(batch, M, N, K, a, sA, rsA, csA, 0, 0, 0, 0, packed, c, sC, ldc, bias, act, accumulate, work);
}

/** Packs B (K x N, strides rsB, csB) into K-deep NR-wide panels for gemmPrepackedF32. */
export function packBF32(K: i32, N: i32, b: usize, rsB: i32, csB: i32, packed: usize): void {
  if (K > 0 && N > 0) packB(K, N, b, rsB, csB, packed, <usize>K << 5);
}

export function packedBBytesF32(K: i32, N: i32): i32 {
  return K > 0 && N > 0 ? roundUp(N, NR) * K * 4 : 0;
}

/** Bytes of `work` for gemmF32 and gemmPrepackedF32 (and for gemmBlockF32 on any
 *  sub-block of that GEMM). */
export function gemmWorkspaceF32(M: i32, N: i32, K: i32): i32 {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  return TILE + packedABytes(K) + min(K, KC) * roundUp(min(N, NC), NR) * 4;
}
