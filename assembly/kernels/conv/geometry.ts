// The convolution descriptor and the index arithmetic shared by col2im, the staging
// of the implicit GEMM, the depthwise kernels and pooling.

/** The conv descriptor laid over its memory (see assembly/README.md); fields are i32 loads. */
@unmanaged export class ConvDesc {
  N: i32; C: i32; H: i32; W: i32; Cout: i32; kH: i32; kW: i32; OH: i32; OW: i32;
  sH: i32; sW: i32; pH: i32; pW: i32; dH: i32; dW: i32; groups: i32;
}

/**
 * First `o` in [0, O) with `o*s + off >= 0`. With `rangeEnd`, the valid outputs of
 * one kernel tap are [rangeStart, rangeEnd): computing them once per tap keeps
 * bounds checks out of the inner loops. Pooling uses the same pair over taps
 * (`o` = tap, `s` = dilation, `off` = window origin).
 */
@inline export function rangeStart(off: i32, s: i32, O: i32): i32 {
  if (off >= 0) return 0;
  return min(O, (s - 1 - off) / s);
}

/** One past the last `o` in [0, O) with `o*s + off <= L - 1`; never below `rangeStart`. */
@inline export function rangeEnd(off: i32, s: i32, L: i32, O: i32): i32 {
  const t = L - 1 - off;
  const e = t < 0 ? 0 : min(O, t / s + 1);
  return max(e, rangeStart(off, s, O));
}

/** `n` rounded up to a multiple of 16 (bytes), so every workspace part is aligned. */
@inline export function align16(n: i32): i32 {
  return (n + 15) & ~15;
}

/** Fill `n` floats at `p` with `v` (SIMD body, scalar tail). */
export function fillF32(p: usize, n: i32, v: f32): void {
  const s = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), s);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), v);
}

/** Four floats at p, p+s, p+2s, p+3s (s in floats); constant-folds when `s` is a literal. */
@inline export function loadS(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  // p[0..3] and p[3..6]: never reads past the last lane (p[6]), so callers need no slack.
  if (s == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
  const b = <usize>s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + b));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * b));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * b));
}
