// float32 transcendental functions in WGSL, ported from the WebAssembly kernels
// (assembly/kernels/elementwise/vmath.ts, vtrig.ts: Cephes coefficients, Eigen's
// erf). The GPU builtins are not good enough for the reference's tolerances
// (tanh(1e-30) = 3e-8 on lavapipe; exp, sin and cos lose ulps and NaN/inf
// handling is unspecified), so every function here handles its special values
// explicitly. `lib(names)` returns the functions with their dependencies.

const SRC: Record<string, [deps: string[], code: string]> = {
  sqrt_f: [[], 'fn sqrt_f(x: f32) -> f32 { if (x < 0.0) { return nan_f(); } if (x == 0.0) { return x; } return sqrt(x); }'],
  rsqrt_f: [
    [],
    `fn rsqrt_f(x: f32) -> f32 {
  if (x < 0.0) { return nan_f(); }
  if (x == 0.0) { return copysign_f(inf_f(), x); }
  return 1.0 / sqrt(x);
}`,
  ],
  recip_f: [[], 'fn recip_f(x: f32) -> f32 { if (x == 0.0) { return copysign_f(inf_f(), x); } return 1.0 / x; }'],
  sign_f: [[], 'fn sign_f(x: f32) -> f32 { return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0); }'],
  relu_f: [[], 'fn relu_f(x: f32) -> f32 { if (x > 0.0 || is_nan(x)) { return x; } return 0.0; }'],
  clamp_f: [[], 'fn clamp_f(x: f32, lo: f32, hi: f32) -> f32 { if (is_nan(x)) { return x; } return min(max(x, lo), hi); }'],
  pow2i: [[], 'fn pow2i(n: i32) -> f32 { return bitcast<f32>(u32(n + 127) << 23u); }'],
  expm1_poly: [
    [],
    `fn expm1_poly(r: f32) -> f32 {
  var p = fma(1.9875691500e-4, r, 1.3981999507e-3);
  p = fma(p, r, 8.3334519073e-3); p = fma(p, r, 4.1665795894e-2);
  p = fma(p, r, 1.6666665459e-1); p = fma(p, r, 5.0000001201e-1);
  return fma(r * r, p, r);
}`,
  ],
  exp_f: [
    ['pow2i', 'expm1_poly'],
    `fn exp_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  // Beyond [-104, 89] exp is 0 or inf in float32; the clamp keeps 2^n constructible.
  let xc = clamp(x, -104.0, 89.0);
  let n = round(xc * 1.44269504088896341);
  let r = fma(n, 2.12194440e-4, keep(fma(n, -0.693359375, xc)));
  let e = expm1_poly(r) + 1.0;
  let ni = i32(n);
  let n1 = ni >> 1u;
  return e * pow2i(n1) * pow2i(ni - n1);
}`,
  ],
  expm1_f: [
    ['pow2i', 'expm1_poly'],
    `fn expm1_f(x: f32) -> f32 {
  if (is_nan(x) || x == 0.0) { return x; }
  let xc = clamp(x, -25.0, 89.0);
  let n = round(xc * 1.44269504088896341);
  let u = expm1_poly(fma(n, 2.12194440e-4, keep(fma(n, -0.693359375, xc))));
  // 2^n u + (2^n - 1): 2^n - 1 is exact for n <= 24, so nothing cancels near 0.
  let ni = i32(n);
  let s = pow2i(min(ni, 127));
  var y = fma(s, u, keep(s - 1.0));
  if (ni > 127) { y = y * 2.0; }
  return y;
}`,
  ],
  log_f: [
    [],
    `fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f(); }
  if (x == 0.0) { return -inf_f(); }
  if (is_inf(x)) { return x; }
  var xs = x;
  var e = -126;
  if (x < 1.17549435e-38) { xs = x * 8388608.0; e = e - 23; }
  let b = bitcast<u32>(xs);
  e = e + i32(b >> 23u);
  // Mantissa in [sqrt(1/2), sqrt(2)) so that f = m - 1 is small.
  var m = bitcast<f32>((b & 0x007fffffu) | 0x3f000000u);
  if (m < 0.707106781186547524) { e = e - 1; m = m + m; }
  let f = m - 1.0;
  let z = f * f;
  var p = fma(7.0376836292e-2, f, -1.1514610310e-1);
  p = fma(p, f, 1.1676998740e-1); p = fma(p, f, -1.2420140846e-1);
  p = fma(p, f, 1.4249322787e-1); p = fma(p, f, -1.6668057665e-1);
  p = fma(p, f, 2.0000714765e-1); p = fma(p, f, -2.4999993993e-1);
  p = fma(p, f, 3.3333331174e-1);
  let ef = f32(e);
  var y = p * f * z;
  y = fma(ef, -2.12194440e-4, y);
  y = fma(z, -0.5, y);
  return fma(ef, 0.693359375, f + y);
}`,
  ],
  log1p_f: [
    ['log_f'],
    `fn log1p_f(x: f32) -> f32 {
  if (x == 0.0 || is_nan(x)) { return x; }
  if (abs(x) < 1e-4) { return x * fma(x, fma(x, 0.33333333, -0.5), 1.0); }
  let u = keep(x + 1.0);
  // log(u) misses the rounding error of 1 + x; (x - (u - 1)) / u puts it back.
  var c = 0.0;
  if (u > 0.0 && !is_inf(u)) { c = (x - (u - 1.0)) / u; }
  return log_f(u) + c;
}`,
  ],
  tanh_f: [
    ['exp_f'],
    `fn tanh_f(x: f32) -> f32 {
  let ax = abs(x);
  var y: f32;
  if (ax < 0.625) {
    // Near 0 an odd polynomial (1 - 2/(e^2x + 1) would cancel).
    let z = x * x;
    var p = fma(-5.70498872745e-3, z, 2.06390887954e-2);
    p = fma(p, z, -5.37397155531e-2); p = fma(p, z, 1.33314422036e-1);
    p = fma(p, z, -3.33332819422e-1);
    y = fma(ax * z, p, ax);
  } else {
    y = 1.0 - 2.0 / (exp_f(ax + ax) + 1.0);
  }
  return copysign_f(y, x);
}`,
  ],
  sigmoid_f: [
    ['exp_f'],
    `fn sigmoid_f(x: f32) -> f32 {
  // exp(-|x|) never overflows; e / (1 + e) for x < 0 keeps tiny results accurate.
  let e = exp_f(-abs(x));
  return select(1.0, e, x < 0.0) / (e + 1.0);
}`,
  ],
  erf_small: [
    [],
    `fn erf_small(x: f32) -> f32 {
  let z = x * x;
  var p = fma(7.853861353153693e-5, z, -8.010193625184903e-4);
  p = fma(p, z, 5.188327685732524e-3); p = fma(p, z, -2.685381193529856e-2);
  p = fma(p, z, 1.128358514861418e-1); p = fma(p, z, -3.761262582423300e-1);
  p = fma(p, z, 1.128379165726710);
  return x * p;
}`,
  ],
  erfc_tail: [
    ['exp_f'],
    `// erfc(z) for z >= 0.5: a rational g(z) times exp(-z^2), with z^2 split exactly
// (h + l) from w (z = w / sqrt 2 when scaled, so gelu loses nothing to x / sqrt 2).
fn erfc_tail(z0: f32, w0: f32, scaled: bool) -> f32 {
  let z = min(z0, 10.5);
  let w = min(w0, select(10.5, 14.85, scaled));
  var p = fma(0.04419383779168129, z, 0.27550798654556274);
  p = fma(p, z, 0.8221014738082886); p = fma(p, z, 1.3175231218338013);
  p = fma(p, z, 1.0000104904174805);
  var q = fma(0.07833127677440643, z, 0.48833638429641724);
  q = fma(q, z, 1.4960942268371582); q = fma(q, z, 2.5816681385040283);
  q = fma(q, z, 2.446004629135132); q = fma(q, z, 1.0);
  var h = keep(w * w);
  let wh = bitcast<f32>(bitcast<u32>(w) & 0xfffff000u);
  let wl = w - wh;
  var l = keep(wh * wh - h) + (wh + wh) * wl + wl * wl;
  if (scaled) { h = h * 0.5; l = l * 0.5; }
  let y = p / q * exp_f(-h);
  return fma(-y, l, y);
}`,
  ],
  erf_f: [
    ['erf_small', 'erfc_tail'],
    `fn erf_f(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 1.0 || is_nan(x)) { return erf_small(x); }
  return copysign_f(1.0 - erfc_tail(ax, ax, false), x);
}`,
  ],
  gelu_f: [
    ['erf_small', 'erfc_tail'],
    `// x Phi(x) = 0.5 x (1 + erf(z)), z = x / sqrt 2; erfc in the tails, where 1 + erf cancels.
fn gelu_f(x: f32) -> f32 {
  let z = x * 0.7071067811865476;
  if ((z > -0.5 && z < 1.0) || is_nan(x)) { return x * 0.5 * (erf_small(z) + 1.0); }
  // As the reference: -inf * (1 + erf(-inf)) = -inf * 0.
  if (is_inf(x) && x < 0.0) { return nan_f(); }
  let c = erfc_tail(abs(z), abs(x), true);
  let phi2 = select(2.0 - c, c, z < 0.0);
  // x clamped so that the tail underflows to -0, not -inf * 0.
  return max(x, -15.0) * 0.5 * phi2;
}`,
  ],
  softplus_f: [
    ['exp_f', 'log1p_f'],
    `fn softplus_f(x: f32, beta: f32, threshold: f32) -> f32 {
  let bx = x * beta;
  if (bx > threshold) { return x; }
  return log1p_f(exp_f(bx)) / beta;
}`,
  ],
  sincos_f: [
    [],
    `fn sincos_f(x: f32, is_cos: bool) -> f32 {
  // Beyond 39000 the four-part reduction loses accuracy: use the builtins there.
  if (abs(x) > 39000.0) { return select(sin(x), cos(x), is_cos); }
  if (!is_cos && x == 0.0) { return x; }
  let j = round(x * 0.636619772367581343);
  // pi/2 in four parts (the first three exact times j); keep() stops reassociation.
  var r = keep(fma(j, -1.5703125, x));
  r = keep(fma(j, -4.8351287841796875e-4, r));
  r = keep(fma(j, -3.13855707645416259765625e-7, r));
  r = fma(j, -6.077100628276710381e-11, r);
  let z = r * r;
  var ps = fma(-1.9515295891e-4, z, 8.3321608736e-3);
  ps = fma(ps, z, -1.6666654611e-1);
  let s = fma(ps * z, r, r);
  var pc = fma(2.443315711809948e-5, z, -1.388731625493765e-3);
  pc = fma(pc, z, 4.166664568298827e-2);
  let c = fma(pc * z, z, fma(z, -0.5, 1.0));
  var q = i32(j);
  if (is_cos) { q = q + 1; }
  let y = select(s, c, (q & 1) != 0);
  return select(y, -y, (q & 2) != 0);
}`,
  ],
  pow_f: [
    ['exp_f', 'log_f'],
    `// C99 / PyTorch special values: pow(x, 0) = 1, pow(1, y) = 1, pow(-1, +-inf) = 1.
fn pow_f(a: f32, b: f32) -> f32 {
  let ax = abs(a);
  let ab = abs(b);
  if (b == 0.0 || a == 1.0 || (ax == 1.0 && is_inf(b))) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f(); }
  let t = b * log_f(ax);
  var y = exp_f(t);
  if (ax == 0.0 || is_inf(ax) || is_inf(b)) { y = select(0.0, inf_f(), t > 0.0); }
  // A negative base (or -0): odd integer exponents flip the sign, non-integers give NaN.
  if ((bitcast<u32>(a) & 0x80000000u) != 0u) {
    let is_int = trunc(b) == b;
    if (!is_int && !is_inf(ax) && ax != 0.0) { return nan_f(); }
    if (is_int && ab < 16777216.0 && (i32(b) & 1) != 0) { y = -y; }
  }
  return y;
}`,
  ],
  ipow: [
    [],
    `// int32 power as the reference: a ** b truncated (b < 0 gives 0 but for |a| = 1, and 0 ** -n saturates).
fn ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    if (a == 0) { return 2147483647; }
    return 0;
  }
  var r = 1; var base = a; var e = u32(b);
  loop { if (e == 0u) { break; } if ((e & 1u) != 0u) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}`,
  ],
};

/** The WGSL functions `names` need, dependencies first, each once. */
export function lib(names: Iterable<string>): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const entry = SRC[n];
    if (!entry) return;
    for (const d of entry[0]) visit(d);
    out.push(entry[1]);
  };
  for (const n of names) visit(n);
  return out.join('\n');
}

/** The names of the library functions an expression calls. */
export function uses(expr: string): string[] {
  return Object.keys(SRC).filter((n) => expr.includes(`${n}(`));
}
