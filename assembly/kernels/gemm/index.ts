// Exports of the GEMM kernel family (see assembly/README.md, "GEMM").
import { gemmF32, gemmPrepackedF32, gemmWorkspaceF32, packBF32, packedBBytesF32 } from "./gemm";

export function f32_gemm(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32,
  b: usize, sB: i32, rsB: i32, csB: i32,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  gemmF32(batch, M, N, K, a, sA, rsA, csA, b, sB, rsB, csB, c, sC, ldc, bias, act, accumulate, work);
}

/** Bytes of `work` for f32_gemm and f32_gemm_prepacked. */
export function f32_gemm_workspace(M: i32, N: i32, K: i32): i32 {
  return gemmWorkspaceF32(M, N, K);
}

/** Packs B (K x N, element strides rsB, csB) once, e.g. to cache a weight matrix;
 *  `packed` has f32_gemm_packed_b_bytes(K, N) bytes, 16-byte aligned. */
export function f32_gemm_pack_b(K: i32, N: i32, b: usize, rsB: i32, csB: i32, packed: usize): void {
  packBF32(K, N, b, rsB, csB, packed);
}

export function f32_gemm_packed_b_bytes(K: i32, N: i32): i32 {
  return packedBBytesF32(K, N);
}

/** f32_gemm with B from f32_gemm_pack_b, shared by every batch of A and C. */
export function f32_gemm_prepacked(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32, packed: usize,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  gemmPrepackedF32(batch, M, N, K, a, sA, rsA, csA, packed, c, sC, ldc, bias, act, accumulate, work);
}
