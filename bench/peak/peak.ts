// The arithmetic peak of one core for the two forms of a GEMM's inner step: independent
// f32x4 mul + add pairs (the plain SIMD128 build) and relaxed-SIMD FMA (the relaxed
// build), each with 12 accumulators in registers and no memory traffic. Compiled by
// bench/machine.mjs (peak) with the AssemblyScript compiler, in memory.
export function muladd(n: i32, s: f32): f32 {
  const y = f32x4.splat(s);
  let a0 = f32x4.splat(0),
    a1 = a0,
    a2 = a0,
    a3 = a0,
    a4 = a0,
    a5 = a0,
    a6 = a0,
    a7 = a0,
    a8 = a0,
    a9 = a0,
    a10 = a0,
    a11 = a0;
  const x0 = f32x4.splat(1.0001),
    x1 = f32x4.splat(0.9999);
  for (let i = 0; i < n; i++) {
    a0 = f32x4.add(a0, f32x4.mul(x0, y));
    a1 = f32x4.add(a1, f32x4.mul(x1, y));
    a2 = f32x4.add(a2, f32x4.mul(x0, y));
    a3 = f32x4.add(a3, f32x4.mul(x1, y));
    a4 = f32x4.add(a4, f32x4.mul(x0, y));
    a5 = f32x4.add(a5, f32x4.mul(x1, y));
    a6 = f32x4.add(a6, f32x4.mul(x0, y));
    a7 = f32x4.add(a7, f32x4.mul(x1, y));
    a8 = f32x4.add(a8, f32x4.mul(x0, y));
    a9 = f32x4.add(a9, f32x4.mul(x1, y));
    a10 = f32x4.add(a10, f32x4.mul(x0, y));
    a11 = f32x4.add(a11, f32x4.mul(x1, y));
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)), f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))),
  );
  return f32x4.extract_lane(t, 0);
}
export function fma(n: i32, s: f32): f32 {
  const y = f32x4.splat(s);
  let a0 = f32x4.splat(0),
    a1 = a0,
    a2 = a0,
    a3 = a0,
    a4 = a0,
    a5 = a0,
    a6 = a0,
    a7 = a0,
    a8 = a0,
    a9 = a0,
    a10 = a0,
    a11 = a0;
  const x0 = f32x4.splat(1.0001),
    x1 = f32x4.splat(0.9999);
  for (let i = 0; i < n; i++) {
    a0 = f32x4.relaxed_madd(x0, y, a0);
    a1 = f32x4.relaxed_madd(x1, y, a1);
    a2 = f32x4.relaxed_madd(x0, y, a2);
    a3 = f32x4.relaxed_madd(x1, y, a3);
    a4 = f32x4.relaxed_madd(x0, y, a4);
    a5 = f32x4.relaxed_madd(x1, y, a5);
    a6 = f32x4.relaxed_madd(x0, y, a6);
    a7 = f32x4.relaxed_madd(x1, y, a7);
    a8 = f32x4.relaxed_madd(x0, y, a8);
    a9 = f32x4.relaxed_madd(x1, y, a9);
    a10 = f32x4.relaxed_madd(x0, y, a10);
    a11 = f32x4.relaxed_madd(x1, y, a11);
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)), f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))),
  );
  return f32x4.extract_lane(t, 0);
}
