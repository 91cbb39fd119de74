// f32 GEMM (kernels/gemm) against a float64 reference computed here: sizes around
// the register tile (4 x 8, or 5 x 8 in the relaxed build) and blocking (KC = 256,
// MC = 128 or 160, NC = 1024) edges, all
// four transpose layouts with padded leading dimensions, batches with broadcast
// (stride 0) operands, bias, ReLU, accumulate, K = 0, the prepacked-B path and
// sub-block calls (as threads will make). Sentinels check that nothing outside C's
// elements or past the workspace is written.
import {
  f32_gemm, f32_gemm_workspace, f32_gemm_pack_b, f32_gemm_packed_b_bytes, f32_gemm_prepacked,
} from "../kernels/gemm/index";
import { gemmBlockF32 } from "../kernels/gemm/gemm";

const SIZES: StaticArray<i32> = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 129];
const CAP = 1 << 20; // floats per operand buffer
const SENTINEL: f32 = -7777.25;
const GUARD = 64;    // bytes after the workspace that must stay untouched

const A = heap.alloc(CAP << 2), B = heap.alloc(CAP << 2), C = heap.alloc(CAP << 2);
const C0 = heap.alloc(CAP << 2), BIAS = heap.alloc(4096 << 2);
const PACKED = heap.alloc(CAP << 2), WORK = heap.alloc((CAP << 2) + GUARD);

let seed: u32 = 987654321;
function rnd(): f32 { // uniform [-1, 1)
  seed = seed * 1664525 + 1013904223;
  return <f32>(<f64>(seed >>> 8) / 8388608.0 - 1.0);
}
@inline function ld(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(p + (<usize>i << 2), v); }

let failures = 0;
let firstFailure = "";
function bad(msg: string): void {
  if (failures == 0) firstFailure = msg;
  failures++;
}
function done(): void { expect<i32>(failures).toBe(0, firstFailure); }

// Options of one check.
const TA = 1, TB = 2, BIAS_ON = 4, RELU = 8, ACC = 16, PREPACK = 32, BCAST_A = 64, BCAST_B = 128, TIGHT_C = 256;
const SPLIT = 512; // run as four gemmBlockF32 sub-blocks (rows x NR-aligned columns)

function name(batch: i32, M: i32, N: i32, K: i32, o: i32): string {
  return "batch " + batch.toString() + " M " + M.toString() + " N " + N.toString() + " K " +
    K.toString() + " opts " + o.toString();
}

/** One GEMM with options `o`, checked element by element against float64. */
function check(batch: i32, M: i32, N: i32, K: i32, o: i32): void {
  const ta = (o & TA) != 0, tb = (o & TB) != 0;
  // Padded leading dimensions, so that strides differ from the sizes.
  const rsA = ta ? 1 : K + 2, csA = ta ? M + 1 : 1, sizeA = ta ? K * (M + 1) : M * (K + 2);
  const rsB = tb ? 1 : N + 3, csB = tb ? K + 1 : 1, sizeB = tb ? N * (K + 1) : K * (N + 3);
  const sA = o & BCAST_A ? 0 : sizeA, sB = o & BCAST_B || o & PREPACK ? 0 : sizeB;
  const ldc = N + 1, sC = o & TIGHT_C ? M * ldc : M * ldc + 5, sizeC = (batch - 1) * sC + M * ldc;
  const act = o & RELU ? 1 : 0, acc = o & ACC ? 1 : 0, bias = o & BIAS_ON ? BIAS : 0;
  if (batch * max(sizeA, sizeB) + 16 > CAP || sizeC + 16 > CAP || N > 4096) { bad("test too big"); return; }
  for (let i = 0; i < batch * sizeA; i++) st(A, i, rnd());
  for (let i = 0; i < batch * sizeB; i++) st(B, i, rnd());
  for (let j = 0; j < N; j++) st(BIAS, j, rnd());
  // C: sentinels in the gaps; the old value (used when accumulating) or NaN elsewhere.
  for (let i = 0; i < sizeC + 16; i++) st(C, i, SENTINEL);
  for (let p = 0; p < batch; p++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    const e = p * sC + i * ldc + j;
    st(C, e, acc ? rnd() : NaN);
    st(C0, e, ld(C, e));
  }
  const wbytes = f32_gemm_workspace(M, N, K);
  if (wbytes + GUARD > (CAP << 2)) { bad("workspace too big"); return; }
  for (let i = 0; i < GUARD; i += 4) store<f32>(WORK + <usize>wbytes + <usize>i, SENTINEL);

  if (o & PREPACK) {
    if (f32_gemm_packed_b_bytes(K, N) > (CAP << 2)) { bad("packed too big"); return; }
    f32_gemm_pack_b(K, N, B, rsB, csB, PACKED);
  }
  if (o & SPLIT) {
    // Two row ranges x two column ranges (the split column a multiple of NR = 8).
    const m1 = M >> 1, n1 = (N >> 4) << 3;
    for (let q = 0; q < 4; q++) {
      const i0 = q & 1 ? m1 : 0, i1 = q & 1 ? M : m1, j0 = q & 2 ? n1 : 0, j1 = q & 2 ? N : n1;
      if (i1 <= i0 || j1 <= j0) continue;
      const pb = o & PREPACK ? PACKED + (<usize>(j0 >> 3) * <usize>K << 5) : 0;
      gemmBlockF32(i1 - i0, j1 - j0, K, A + (<usize>(i0 * rsA) << 2), rsA, csA,
        B + (<usize>(j0 * csB) << 2), rsB, csB, pb, C + (<usize>(i0 * ldc + j0) << 2), ldc,
        bias ? bias + (<usize>j0 << 2) : 0, act, acc, WORK);
    }
  } else if (o & PREPACK) {
    f32_gemm_prepacked(batch, M, N, K, A, sA, rsA, csA, PACKED, C, sC, ldc, bias, act, acc, WORK);
  } else {
    f32_gemm(batch, M, N, K, A, sA, rsA, csA, B, sB, rsB, csB, C, sC, ldc, bias, act, acc, WORK);
  }

  for (let i = 0; i < GUARD; i += 4) {
    if (load<f32>(WORK + <usize>wbytes + <usize>i) != SENTINEL) { bad(name(batch, M, N, K, o) + ": wrote past the workspace"); return; }
  }
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s: f64 = 0, mag: f64 = 0;
        for (let k = 0; k < K; k++) {
          const x = <f64>ld(A, p * sA + i * rsA + k * csA) * <f64>ld(B, p * sB + k * rsB + j * csB);
          s += x; mag += abs(x);
        }
        const e = p * sC + i * ldc + j;
        if (acc) { s += <f64>ld(C0, e); mag += abs(<f64>ld(C0, e)); }
        if (bias) { s += <f64>ld(bias, j); mag += abs(<f64>ld(bias, j)); }
        if (act == 1 && s < 0) s = 0;
        const got = <f64>ld(C, e);
        if (!(abs(got - s) <= 3e-7 * <f64>(K + 4) * mag + 1e-6)) {
          bad(name(batch, M, N, K, o) + ": C[" + p.toString() + "][" + i.toString() + "][" + j.toString() +
            "] = " + got.toString() + ", want " + s.toString());
          return;
        }
      }
    }
  }
  // Gaps between rows, between batches and after the end keep their sentinel.
  for (let e = 0; e < sizeC + 16; e++) {
    const inRow = e % sC < M * ldc && e % sC % ldc < N && e / sC < batch;
    if (!inRow && ld(C, e) != SENTINEL) { bad(name(batch, M, N, K, o) + ": wrote outside C at " + e.toString()); return; }
  }
}

describe("gemm: sizes x layouts", () => {
  it("every M x N in SIZES, K and transposes rotating", () => {
    for (let mi = 0; mi < SIZES.length; mi++) {
      for (let ni = 0; ni < SIZES.length; ni++) {
        const K1 = SIZES[(mi * 3 + ni * 5) % SIZES.length], K2 = SIZES[(mi * 7 + ni * 2 + 4) % SIZES.length];
        check(1, SIZES[mi], SIZES[ni], K1, (mi + ni) & 3);
        check(1, SIZES[mi], SIZES[ni], K2, (mi + ni + 1) & 3);
      }
    }
    done();
  });
  it("every K in SIZES with each layout", () => {
    for (let ki = 0; ki < SIZES.length; ki++) {
      for (let t = 0; t < 4; t++) {
        check(1, 9, 17, SIZES[ki], t);
        check(1, 33, 8, SIZES[ki], t);
      }
    }
    done();
  });
  it("K over several KC blocks, M over MC, N over NC", () => {
    for (let t = 0; t < 4; t++) {
      check(1, 7, 13, 300, t);
      check(1, 33, 17, 513, t);
      check(1, 130, 9, 40, t);
      check(1, 170, 9, 40, t);
      check(1, 3, 1030, 5, t);
    }
    done();
  });
});

describe("gemm: epilogue", () => {
  it("bias, relu, accumulate in every layout and across K blocks", () => {
    const opts: StaticArray<i32> = [BIAS_ON, RELU, BIAS_ON | RELU, ACC];
    for (let t = 0; t < 4; t++) {
      for (let q = 0; q < opts.length; q++) {
        check(1, 17, 15, 33, t | opts[q]);
        check(1, 5, 33, 290, t | opts[q]);
        check(1, 65, 9, 1, t | opts[q]);
      }
    }
    done();
  });
  it("relu keeps NaN", () => {
    st(A, 0, NaN); st(B, 0, 1);
    f32_gemm(1, 1, 1, 1, A, 0, 1, 1, B, 0, 1, 1, C, 0, 1, 0, 1, 0, WORK);
    expect<bool>(isNaN(ld(C, 0))).toBe(true);
  });
  it("K = 0 gives act(bias), or leaves C when accumulating", () => {
    st(BIAS, 0, -1); st(BIAS, 1, 2); st(C, 0, 5); st(C, 1, 5);
    f32_gemm(1, 1, 2, 0, A, 0, 1, 1, B, 0, 1, 1, C, 0, 2, BIAS, 1, 0, WORK);
    expect<f32>(ld(C, 0)).toBe(0); expect<f32>(ld(C, 1)).toBe(2);
    f32_gemm(1, 1, 2, 0, A, 0, 1, 1, B, 0, 1, 1, C, 0, 2, 0, 0, 1, WORK);
    expect<f32>(ld(C, 0)).toBe(0); expect<f32>(ld(C, 1)).toBe(2);
    f32_gemm(1, 1, 2, 0, A, 0, 1, 1, B, 0, 1, 1, C, 0, 2, 0, 0, 0, WORK);
    expect<f32>(ld(C, 0)).toBe(0); expect<f32>(ld(C, 1)).toBe(0);
  });
});

describe("gemm: batches", () => {
  it("separate, broadcast A, broadcast B (also as one taller GEMM)", () => {
    for (let t = 0; t < 4; t++) {
      check(3, 9, 17, 31, t);
      check(3, 9, 17, 31, t | BCAST_A);
      check(3, 9, 17, 31, t | BCAST_B);
      check(3, 9, 17, 31, t | BCAST_B | TIGHT_C | BIAS_ON | RELU);
      check(2, 5, 3, 7, t | BCAST_B | TIGHT_C | ACC);
      check(9, 1, 17, 33, t | BCAST_B | TIGHT_C);
      check(40, 1, 9, 5, t | PREPACK | TIGHT_C | BIAS_ON);
    }
    done();
  });
});

describe("gemm: prepacked B and sub-blocks", () => {
  it("prepacked, every layout, batched, with epilogues", () => {
    for (let t = 0; t < 4; t++) {
      check(1, 1, 1, 1, t | PREPACK);
      check(1, 33, 17, 65, t | PREPACK);
      check(1, 7, 31, 300, t | PREPACK | BIAS_ON | RELU);
      check(3, 9, 9, 16, t | PREPACK);
      check(3, 9, 9, 16, t | PREPACK | TIGHT_C | ACC);
      check(2, 4, 16, 5, t | PREPACK | BCAST_A | BIAS_ON);
    }
    done();
  });
  it("sub-blocks over rows and NR-aligned columns", () => {
    for (let t = 0; t < 4; t++) {
      check(1, 33, 40, 17, t | SPLIT);
      check(1, 130, 17, 300, t | SPLIT | BIAS_ON | RELU);
      check(1, 9, 33, 65, t | SPLIT | PREPACK | ACC);
    }
    done();
  });
});
