// Pooling kernels against naive float64 loops with PyTorch's rules: padding is -inf
// for max (first maximum wins, NaN is the maximum), avg divides by kH*kW or by the
// number of non-padding taps, backward kernels overwrite dx and sum overlaps.
import {
  f32_maxpool2d, f32_maxpool2d_backward, f32_avgpool2d, f32_avgpool2d_backward,
} from "../kernels/pool/index";

const ARENA: i32 = 16 << 20;
const CANARY: f32 = 12345.0;
let arena: usize = 0, top: usize = 0;
function reset(): void { if (!arena) arena = heap.alloc(ARENA); top = arena; }
function alloc(bytes: i32): usize {
  const p = top; top += <usize>((bytes + 15) & ~15);
  assert(top <= arena + ARENA, "test arena too small");
  return p;
}

let seed: u32 = 777;
function rnd(): f64 { seed = seed * 1664525 + 1013904223; return <f64>(seed >> 8) / 8388608.0 - 1.0; }
function rndInt(n: i32): i32 { return <i32>((rnd() + 1.0) * 0.5 * n) % n; }

/** n inputs (ties and NaNs included when `special`), or garbage plus canaries for an output. */
function f32s(n: i32, random: bool, special: bool): usize {
  const p = alloc((n + 16) << 2);
  for (let i = 0; i < n; i++) {
    let v: f32 = random ? <f32>rnd() : NaN;
    // Values on a coarse grid tie often, which tests "first maximum wins".
    if (special) { v = <f32>Math.floor(v * 3); if (rndInt(40) == 0) v = NaN; if (rndInt(40) == 0) v = -Infinity; }
    store<f32>(p + (<usize>i << 2), v);
  }
  for (let i = n; i < n + 16; i++) store<f32>(p + (<usize>i << 2), CANARY);
  return p;
}
function f64s(n: i32): usize { const p = alloc(n << 3); memory.fill(p, 0, n << 3); return p; }
@inline function f(p: usize, i: i32): f64 { return <f64>load<f32>(p + (<usize>i << 2)); }

/** max relative error; exact equality is required for NaN/inf; canaries intact. */
function err(got: usize, want: usize, n: i32): f64 {
  let e: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = load<f64>(want + (<usize>i << 3)), g = f(got, i);
    if (isNaN(w) || !isFinite(w)) { if (!(isNaN(w) && isNaN(g)) && g != w) e = Infinity; continue; }
    const r = Math.abs(g - w) / (1.0 + Math.abs(w));
    if (!(r <= e)) e = r;
  }
  for (let i = n; i < n + 16; i++) if (load<f32>(got + (<usize>i << 2)) != CANARY) e = Infinity;
  return e;
}

function check(N: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32,
  pH: i32, pW: i32, dH: i32, dW: i32, special: bool): void {
  const OH = (H + 2 * pH - dH * (kH - 1) - 1) / sH + 1, OW = (W + 2 * pW - dW * (kW - 1) - 1) / sW + 1;
  if (OH <= 0 || OW <= 0) return;
  reset();
  const name = "pool N" + N.toString() + " C" + C.toString() + " " + H.toString() + "x" + W.toString() +
    " k" + kH.toString() + "x" + kW.toString() + " s" + sH.toString() + "," + sW.toString() +
    " p" + pH.toString() + "," + pW.toString() + " d" + dH.toString() + "," + dW.toString();
  const dp = alloc(64);
  const vals: i32[] = [N, C, H, W, kH, kW, OH, OW, sH, sW, pH, pW, dH, dW];
  for (let i = 0; i < 14; i++) store<i32>(dp + (<usize>i << 2), vals[i]);
  const planes = N * C, nx = planes * H * W, ny = planes * OH * OW;
  const x = f32s(nx, true, special), dy = f32s(ny, true, false);
  const y = f32s(ny, false, false), idx = f32s(ny, false, false), dx = f32s(nx, false, false);
  const rmax = f64s(ny), rmaxDx = f64s(nx), ridx = alloc(ny << 2);
  const rav = [f64s(ny), f64s(ny)], radx = [f64s(nx), f64s(nx)];
  for (let p = 0; p < planes; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const o = (p * OH + oh) * OW + ow;
    let m: f64 = -Infinity, mi = -1, s: f64 = 0, cnt = 0, first = true;
    for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      const ih = oh * sH - pH + kh * dH, iw = ow * sW - pW + kw * dW;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const i = ih * W + iw, v = f(x, p * H * W + i);
      if (first) { mi = i; first = false; }
      if (v > m || isNaN(v)) { m = v; mi = i; }
      s += v; cnt++;
    }
    store<f64>(rmax + (<usize>o << 3), m);
    store<i32>(ridx + (<usize>o << 2), mi);
    if (mi >= 0) { const q = rmaxDx + (<usize>(p * H * W + mi) << 3); store<f64>(q, load<f64>(q) + f(dy, o)); }
    for (let cip = 0; cip < 2; cip++) {
      const div: f64 = cip ? <f64>(kH * kW) : <f64>cnt;
      store<f64>(rav[cip] + (<usize>o << 3), s / div);
      for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
        const ih = oh * sH - pH + kh * dH, iw = ow * sW - pW + kw * dW;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        const q = radx[cip] + (<usize>((p * H + ih) * W + iw) << 3);
        store<f64>(q, load<f64>(q) + f(dy, o) / div);
      }
    }
  }
  f32_maxpool2d(dp, x, y, idx);
  expect<f64>(err(y, rmax, ny)).toBeLessThan(1e-6, name + " maxpool");
  let badIdx = 0;
  for (let o = 0; o < ny; o++) if (load<i32>(idx + (<usize>o << 2)) != load<i32>(ridx + (<usize>o << 2))) badIdx++;
  expect<i32>(badIdx).toBe(0, name + " maxpool indices");
  f32_maxpool2d_backward(dp, dy, idx, dx);
  expect<f64>(err(dx, rmaxDx, nx)).toBeLessThan(1e-6, name + " maxpool backward");
  if (special) return; // averages of NaN / inf inputs add nothing
  for (let cip = 0; cip < 2; cip++) {
    f32_avgpool2d(dp, cip, x, y);
    expect<f64>(err(y, rav[cip], ny)).toBeLessThan(1e-6, name + " avgpool cip=" + cip.toString());
    f32_avgpool2d_backward(dp, cip, dy, dx);
    expect<f64>(err(dx, radx[cip], nx)).toBeLessThan(1e-6, name + " avgpool backward cip=" + cip.toString());
  }
}

describe("pooling", () => {
  it("fixed shapes", () => {
    check(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, false);
    check(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1, false);
    check(2, 4, 9, 7, 3, 3, 2, 2, 1, 1, 1, 1, false);
    check(1, 5, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, false);   // overlapping windows
    check(1, 3, 9, 8, 5, 3, 2, 1, 2, 1, 1, 1, false);
    check(1, 2, 9, 9, 3, 2, 1, 2, 1, 1, 2, 3, false);   // dilation
    check(2, 3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, true);    // ties, NaN, -inf
    check(1, 4, 5, 5, 2, 2, 1, 1, 1, 1, 1, 1, true);
    // wide rows: vector interiors, overlapping last vectors, stride-2 vector scatter
    check(1, 2, 5, 37, 3, 3, 1, 1, 1, 1, 1, 1, false);
    check(2, 2, 6, 41, 3, 3, 2, 2, 1, 1, 1, 1, false);
    check(1, 2, 5, 30, 2, 2, 2, 2, 0, 0, 1, 1, true);
    check(1, 1, 4, 23, 3, 2, 1, 2, 1, 1, 2, 1, true);
    check(1, 1, 4, 40, 3, 3, 3, 3, 1, 1, 1, 1, false);
    check(1, 3, 7, 34, 5, 5, 2, 2, 2, 2, 1, 2, false);
    check(1, 3, 7, 19, 3, 3, 1, 1, 0, 0, 1, 1, true);
  });
  it("random shapes", () => {
    const Cs: i32[] = [1, 3, 4, 5, 8], HWs: i32[] = [1, 4, 5, 7, 8, 9], Ks: i32[] = [1, 2, 3, 5];
    for (let t = 0; t < 200; t++) {
      const kH = Ks[rndInt(4)], kW = Ks[rndInt(4)];
      // PyTorch requires pad <= kernel / 2.
      check(1 + rndInt(2), Cs[rndInt(5)], HWs[rndInt(6)], HWs[rndInt(6)], kH, kW, 1 + rndInt(2), 1 + rndInt(2),
        rndInt(min(3, kH / 2 + 1)), rndInt(min(3, kW / 2 + 1)), 1 + rndInt(2), 1 + rndInt(2), rndInt(3) == 0);
    }
  });
});
