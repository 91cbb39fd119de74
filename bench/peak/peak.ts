// The arithmetic peak of one core for the two forms of a GEMM's inner step: independent
// f32x4 mul + add pairs (the plain SIMD128 build) and relaxed-SIMD FMA (the relaxed
// build), each with 12 accumulators in registers and no memory traffic. Compiled by
// bench/machine.mjs (peak) with the AssemblyScript compiler, in memory.

// a * y + acc: a multiply and an add, or one fused multiply-add.
@inline function madd(a: v128, y: v128, acc: v128, fused: bool): v128 {
  return fused ? f32x4.relaxed_madd(a, y, acc) : f32x4.add(acc, f32x4.mul(a, y));
}

// n steps of 12 independent accumulators; `fused` is a constant at both call sites.
@inline function loop(n: i32, s: f32, fused: bool): f32 {
  const y = f32x4.splat(s);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  const x0 = f32x4.splat(1.0001), x1 = f32x4.splat(0.9999);
  for (let i = 0; i < n; i++) {
    a0 = madd(x0, y, a0, fused); a1 = madd(x1, y, a1, fused);
    a2 = madd(x0, y, a2, fused); a3 = madd(x1, y, a3, fused);
    a4 = madd(x0, y, a4, fused); a5 = madd(x1, y, a5, fused);
    a6 = madd(x0, y, a6, fused); a7 = madd(x1, y, a7, fused);
    a8 = madd(x0, y, a8, fused); a9 = madd(x1, y, a9, fused);
    a10 = madd(x0, y, a10, fused); a11 = madd(x1, y, a11, fused);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)), f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))));
  return f32x4.extract_lane(t, 0);
}

export function muladd(n: i32, s: f32): f32 {
  return loop(n, s, false);
}

export function fma(n: i32, s: f32): f32 {
  return loop(n, s, true);
}
