// conv2d kernels against naive float64 direct loops (PyTorch semantics), over shapes
// that hit every path: the implicit GEMM (staged or in place, every tile shape and
// row tail, strides/phases, dilation, groups, several staged blocks), its input
// gradient as a transposed convolution (also with negative padding) and GEMM +
// col2im for strides, the weight gradient (masked row tails), 1x1 pointwise (in
// place, and staged when its planes would alias in L1), Winograd F(2x2, 3x3) (tile
// edges, groups, bias, several tile-row blocks), and depthwise (multiplier 1 and 2,
// strides 1/2/3, the 8/4/1-vector blocks and tails). Every call must also stay inside
// the workspace that f32_conv2d_workspace sizes (a canary follows it).
import {
  f32_conv2d, f32_conv2d_backward_input, f32_conv2d_backward_weight, f32_conv2d_workspace,
} from "../kernels/conv/index";

const ARENA: i32 = 48 << 20;
const CANARY: f32 = 12345.0;
let arena: usize = 0, top: usize = 0;
function reset(): void { if (!arena) arena = heap.alloc(ARENA); top = arena; }
function alloc(bytes: i32): usize {
  const p = top; top += <usize>((bytes + 15) & ~15);
  assert(top <= arena + ARENA, "test arena too small");
  return p;
}

let seed: u32 = 12345;
function rnd(): f64 { seed = seed * 1664525 + 1013904223; return <f64>(seed >> 8) / 8388608.0 - 1.0; }
function rndInt(n: i32): i32 { return <i32>((rnd() + 1.0) * 0.5 * n) % n; }

/** n random floats, or garbage plus canaries for an output (16 floats after its end). */
function f32s(n: i32, random: bool): usize {
  const p = alloc((n + 16) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), random ? <f32>rnd() : NaN);
  for (let i = n; i < n + 16; i++) store<f32>(p + (<usize>i << 2), CANARY);
  return p;
}
function f64s(n: i32): usize { const p = alloc(n << 3); memory.fill(p, 0, n << 3); return p; }
@inline function f(p: usize, i: i32): f64 { return <f64>load<f32>(p + (<usize>i << 2)); }
@inline function addD(p: usize, i: i32, v: f64): void { const q = p + (<usize>i << 3); store<f64>(q, load<f64>(q) + v); }

/** max |got - want| / (1 + |want|) over n values; canaries must be intact. */
function err(got: usize, want: usize, n: i32): f64 {
  let e: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = load<f64>(want + (<usize>i << 3)), g = f(got, i);
    const r = Math.abs(g - w) / (1.0 + Math.abs(w));
    if (!(r <= e)) e = r; // NaN propagates
  }
  for (let i = n; i < n + 16; i++) if (load<f32>(got + (<usize>i << 2)) != CANARY) e = Infinity;
  return e;
}

function check(N: i32, C: i32, H: i32, W: i32, Cout: i32, kH: i32, kW: i32, sH: i32, sW: i32,
  pH: i32, pW: i32, dH: i32, dW: i32, G: i32, withBias: bool): void {
  const OH = (H + 2 * pH - dH * (kH - 1) - 1) / sH + 1, OW = (W + 2 * pW - dW * (kW - 1) - 1) / sW + 1;
  if (OH <= 0 || OW <= 0) return;
  reset();
  const name = "conv N" + N.toString() + " C" + C.toString() + " " + H.toString() + "x" + W.toString() +
    " Cout" + Cout.toString() + " k" + kH.toString() + "x" + kW.toString() + " s" + sH.toString() + "," + sW.toString() +
    " p" + pH.toString() + "," + pW.toString() + " d" + dH.toString() + "," + dW.toString() + " g" + G.toString() +
    (withBias ? " bias" : "");
  const dp = alloc(64);
  const vals: i32[] = [N, C, H, W, Cout, kH, kW, OH, OW, sH, sW, pH, pW, dH, dW, G];
  for (let i = 0; i < 16; i++) store<i32>(dp + (<usize>i << 2), vals[i]);
  const Cg = C / G, Co = Cout / G, nx = N * C * H * W, ny = N * Cout * OH * OW, nw = Cout * Cg * kH * kW;
  const x = f32s(nx, true), w = f32s(nw, true), b = withBias ? f32s(Cout, true) : 0, dy = f32s(ny, true);
  const y = f32s(ny, false), dx = f32s(nx, false), dw = f32s(nw, false);
  const wsBytes = f32_conv2d_workspace(dp);
  const work = f32s((wsBytes + 3) >> 2, false);
  const ry = f64s(ny), rdx = f64s(nx), rdw = f64s(nw);
  for (let n = 0; n < N; n++) for (let co = 0; co < Cout; co++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const yi = ((n * Cout + co) * OH + oh) * OW + ow, g = co / Co;
    let s: f64 = withBias ? f(b, co) : 0;
    const gy = f(dy, yi);
    for (let ci = 0; ci < Cg; ci++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      const ih = oh * sH - pH + kh * dH, iw = ow * sW - pW + kw * dW;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const xi = ((n * C + g * Cg + ci) * H + ih) * W + iw, wi = ((co * Cg + ci) * kH + kh) * kW + kw;
      s += f(x, xi) * f(w, wi);
      addD(rdx, xi, gy * f(w, wi));
      addD(rdw, wi, gy * f(x, xi));
    }
    store<f64>(ry + (<usize>yi << 3), s);
  }
  f32_conv2d(dp, x, w, b, y, work);
  f32_conv2d_backward_input(dp, dy, w, dx, work);
  f32_conv2d_backward_weight(dp, x, dy, dw, work);
  let canary = true;
  for (let i = 0; i < 16; i++) if (load<f32>(work + <usize>(((wsBytes + 3) >> 2 << 2) + (i << 2))) != CANARY) canary = false;
  expect<bool>(canary).toBe(true, name + " workspace overrun");
  expect<f64>(err(y, ry, ny)).toBeLessThan(1e-5, name + " forward");
  expect<f64>(err(dx, rdx, nx)).toBeLessThan(1e-5, name + " backward_input");
  expect<f64>(err(dw, rdw, nw)).toBeLessThan(1e-5, name + " backward_weight");
}

describe("f32_conv2d", () => {
  it("implicit GEMM", () => {
    check(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, false);
    check(2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    check(2, 3, 7, 9, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, true);   // stride 2: two column phases
    check(1, 4, 9, 7, 4, 5, 5, 1, 2, 2, 2, 1, 1, 2, false);
    check(2, 5, 9, 9, 2, 3, 2, 2, 1, 0, 1, 2, 2, 1, true);
    check(1, 8, 5, 4, 6, 2, 3, 1, 1, 1, 0, 2, 1, 2, true);
    check(1, 4, 5, 5, 4, 1, 1, 2, 2, 0, 0, 1, 1, 1, true);   // 1x1 but strided
    check(1, 4, 5, 5, 4, 1, 1, 1, 1, 1, 1, 1, 1, 2, false);  // 1x1 but padded
    check(1, 64, 20, 20, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, true); // 64 channels, 6 outputs (direct)
    check(2, 32, 21, 19, 4, 3, 3, 2, 1, 2, 1, 1, 2, 2, false);
    check(1, 3, 11, 17, 7, 3, 3, 3, 3, 2, 1, 1, 1, 1, true);  // stride 3: three phases
    check(1, 2, 9, 13, 3, 3, 3, 1, 1, 0, 0, 2, 3, 1, true);   // dilation in place
    check(1, 4, 30, 40, 3, 1, 3, 1, 2, 0, 3, 1, 2, 1, false); // wide padding, 1x3
  });
  it("row tails and tile shapes", () => {
    // Output widths 1..9, 13, 31, 35 against 1, 2, 3, 5, 6, 7 and 9 output channels:
    // every tile shape (wide 1- and 2-row tiles, 3-5 rows), overlapped and partial
    // tails, in place (no padding) and staged.
    const OWs: i32[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 31, 35], Ms: i32[] = [1, 2, 3, 5, 6, 7, 9];
    for (let i = 0; i < OWs.length; i++) {
      for (let j = 0; j < Ms.length; j++) {
        const pad = (i + j) & 1;
        check(1, 2, 3, OWs[i] + 2 - 2 * pad, Ms[j], 3, 3, 1, 1, pad, pad, 1, 1, 1, (i & 1) == 1);
      }
    }
    check(2, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0, 1, 1, 1, true); // LeNet: one input channel
    check(1, 1, 12, 12, 1, 5, 5, 1, 1, 4, 4, 1, 1, 1, false);       // transposed: 1 x 25
  });
  it("input gradient padding beyond the kernel", () => {
    // pad > (k-1)*dil: the transposed convolution's padding is negative (a crop).
    check(1, 3, 6, 7, 4, 3, 3, 1, 1, 3, 2, 1, 1, 1, true);
    check(1, 2, 5, 5, 3, 2, 2, 1, 1, 2, 2, 1, 1, 1, false);
    check(1, 16, 6, 6, 8, 3, 3, 1, 1, 3, 3, 1, 1, 1, true);   // Winograd with pad 3
  });
  it("1x1 pointwise", () => {
    check(2, 5, 7, 9, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, true);    // in place
    check(2, 8, 4, 4, 6, 1, 1, 1, 1, 0, 0, 2, 2, 2, false);
    check(1, 3, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, true);    // one pixel: staged
    check(1, 16, 16, 16, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1, true); // 1 KiB planes: staged
    check(1, 6, 1, 7, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, false);   // 7 pixels: weight gradient staged
  });
  it("Winograd F(2x2, 3x3)", () => {
    check(1, 8, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    check(2, 16, 7, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);  // odd sizes: tile edges
    check(1, 8, 5, 6, 12, 3, 3, 1, 1, 0, 0, 1, 1, 1, true);   // no padding (input gradient: pad 2)
    check(1, 9, 3, 3, 10, 3, 3, 1, 1, 2, 2, 1, 1, 1, true);   // pad 2 (input gradient: in place)
    check(1, 8, 3, 1, 8, 3, 3, 1, 1, 1, 0, 1, 1, 1, false);   // one output column
    check(1, 16, 11, 5, 24, 3, 3, 1, 1, 1, 2, 1, 1, 2, true); // groups of 8 and 12
    check(1, 24, 3, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, true); // tile rows wider than 8 tiles
    check(1, 40, 40, 40, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, true); // several tile-row blocks
  });
  it("depthwise", () => {
    check(2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, true);
    check(1, 3, 9, 37, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, true);    // 8-, 4-, 1-vector blocks and tail
    check(1, 3, 9, 37, 6, 3, 3, 1, 1, 1, 1, 1, 1, 3, false);   // multiplier 2
    check(1, 2, 5, 50, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);    // overlapping 8-vector tail block
    check(1, 2, 4, 18, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);    // overlapping 1-vector tail
    check(2, 2, 6, 11, 6, 3, 2, 1, 1, 1, 0, 1, 2, 2, false);   // multiplier 3, short rows
    check(2, 5, 7, 71, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5, true);    // stride 2
    check(1, 2, 7, 40, 4, 3, 5, 3, 3, 2, 1, 2, 1, 2, false);   // stride 3, dilation
    check(1, 4, 9, 20, 4, 5, 5, 1, 1, 2, 2, 2, 2, 4, true);    // dilated 5x5
    check(1, 8, 5, 5, 8, 1, 1, 1, 1, 0, 0, 1, 1, 8, true);     // 1x1 depthwise
    check(1, 3, 4, 4, 3, 2, 2, 1, 2, 0, 1, 1, 1, 3, false);
    check(1, 2, 6, 10, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);    // weight gradient: masked tails
    // 3x3 unit stride, two rows at a time (depthwise3.ts): 16-pixel blocks, the last
    // overlapping; even and odd row counts; two planes per input channel (multiplier 2
    // in the input gradient); padding 0 and 2.
    check(2, 3, 8, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, true);
    check(1, 2, 7, 17, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, false);
    check(1, 2, 6, 34, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);
    check(1, 3, 9, 20, 3, 3, 3, 1, 1, 0, 0, 1, 1, 3, true);
    check(1, 2, 5, 18, 2, 3, 3, 1, 1, 2, 2, 1, 1, 2, false);
    check(1, 2, 3, 32, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);   // one pair, one odd row
  });
  it("random shapes", () => {
    const Cs: i32[] = [1, 3, 4, 5, 8], HWs: i32[] = [1, 4, 5, 7, 8, 9], Ks: i32[] = [1, 2, 3, 5];
    for (let t = 0; t < 150; t++) {
      const C = Cs[rndInt(5)], H = HWs[rndInt(6)], W = HWs[rndInt(6)];
      const kind = rndInt(3); // 0: groups 1, 1: groups 2, 2: depthwise
      let G = 1;
      if (kind == 1 && C % 2 == 0) G = 2;
      if (kind == 2) G = C;
      const Cout = G * (1 + rndInt(3));
      check(1 + rndInt(2), C, H, W, Cout, Ks[rndInt(4)], Ks[rndInt(4)], 1 + rndInt(2), 1 + rndInt(2),
        rndInt(3), rndInt(3), 1 + rndInt(2), 1 + rndInt(2), G, rndInt(2) == 1);
    }
  });
  it("random Winograd shapes", () => {
    for (let t = 0; t < 40; t++) {
      const G = 1 + rndInt(2), C = G * (8 + rndInt(9)), Cout = G * (8 + rndInt(9)), p = rndInt(4);
      check(1 + rndInt(2), C, 1 + rndInt(12), 1 + rndInt(12), Cout, 3, 3, 1, 1, p, rndInt(3), 1, 1, G, rndInt(2) == 1);
    }
  });
});
