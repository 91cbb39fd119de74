// Helpers shared by every kernel family.

/** a * b + c on four lanes: one FMA in the relaxed build, a multiply and an add otherwise. */
@inline export function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The i-th i32 of a descriptor. */
@inline export function desc(d: usize, i: i32): i32 {
  return load<i32>(d + (<usize>i << 2));
}

/** Byte address of element `i` of an f32/i32 array at `p`. */
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}
