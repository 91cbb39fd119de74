// float32 GEMM: C = act(A B + bias), batched, with operands given by strides.
// A plain first version with the final signature; see assembly/README.md.
import { at } from "../common";

export function gemmF32(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sA: i32, rsA: i32, csA: i32,
  b: usize, sB: i32, rsB: i32, csB: i32,
  c: usize, sC: i32, ldc: i32,
  bias: usize, act: i32, accumulate: i32, work: usize,
): void {
  for (let p = 0; p < batch; p++) {
    const ap = at(a, p * sA), bp = at(b, p * sB), cp = at(c, p * sC);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s: f32 = accumulate ? load<f32>(at(cp, i * ldc + j)) : (bias ? load<f32>(at(bias, j)) : 0);
        for (let k = 0; k < K; k++) {
          s += load<f32>(at(ap, i * rsA + k * csA)) * load<f32>(at(bp, k * rsB + j * csB));
        }
        if (act == 1 && s < 0) s = 0;
        store<f32>(at(cp, i * ldc + j), s);
      }
    }
  }
}

export function gemmWorkspaceF32(M: i32, N: i32, K: i32): i32 {
  return 0;
}
