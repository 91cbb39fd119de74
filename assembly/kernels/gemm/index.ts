import { gemmF32, gemmWorkspaceF32 } from "./gemm";

export function f32_gemm(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32,
  b: usize, sB: i32, rsB: i32, csB: i32,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  gemmF32(batch, M, N, K, a, sA, rsA, csA, b, sB, rsB, csB, c, sC, ldc, bias, act, accumulate, work);
}

export function f32_gemm_workspace(M: i32, N: i32, K: i32): i32 {
  return gemmWorkspaceF32(M, N, K);
}
