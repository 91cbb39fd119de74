// The weight gradient of a 3x3, unit-stride convolution in Winograd F(2x2, 3x3) form.
// Forward, y = A^T [(G g G^T) .* (B^T d B)] A per 2x2 tile; by the transposition
// principle the gradient of sum(dy .* y) with respect to g is
//   dW = G^T [ sum over tiles (A dY A^T) .* (B^T d B) ] G,
// so per product xi the sum over tiles is a long dot product, Mw_xi[co][c] =
// sum_t Y_xi[co][t] V_xi[c][t], run by the lanes-along-pixels tiles of wgrad.ts (here
// the "pixels" are tiles), and only the final 4x4 -> 3x3 transform is per weight.
// 16 multiply-adds per tile and channel pair instead of 36, as in the forward pass.
//
// Two staged buffers: x as in the forward pass (winograd.ts: winoView, winoInput) and
// dy as a 2x2, stride-2 "convolution" whose pixels are the tiles, so that the 2x2 dy
// values of four neighbouring tiles are four vector loads (zeros past the edges).
// Scratch reuses the forward layout: the packed-weight region holds Mw, the products'
// region holds Y.
import { Plan, PLAN_BYTES, initPlan, stage, blockBase, stageFloats } from "./stage";
import { winoView, winoInput } from "./winograd";
import { wgradRun } from "./wgrad";
import { align16 } from "./geometry";

@inline function tiles4(t: i32): i32 { return (t + 3) & ~3; }

/**
 * Sets up (at p, when p != 0) and sizes the weight-gradient Winograd form of a 3x3,
 * unit-stride, undilated convolution: x has C channels of H x W (pads pT, pL), dy
 * Cout of OH x OW, G groups. Returns the bytes of `work`; the dy plan follows the x
 * plan at p + winoView(...) bytes.
 */
export function winoWgradView(p: usize, C: i32, H: i32, W: i32, Cout: i32, G: i32,
  pT: i32, pL: i32, OH: i32, OW: i32): i32 {
  const Cg = C / G, Co = Cout / G, th = (OH + 1) >> 1, tw = (OW + 1) >> 1;
  const a = winoView(p, C, H, W, G, Cg, Co, pT, pL, OH, OW), tab = align16(Cout * 16);
  if (p) {
    const q = changetype<Plan>(p + a), x = changetype<Plan>(p);
    q.C = Cout; q.H = OH; q.W = OW; q.G = G; q.Cin = Co; q.M = 0;
    q.kH = 2; q.kW = 2; q.sH = 2; q.sW = 2; q.dH = 1; q.dW = 1; q.pT = 0; q.pL = 0; q.OH = th; q.OW = tw;
    q.tab = p + a + PLAN_BYTES; q.buf = q.tab + tab;
    initPlan(q, false);
    x.rowsW = min(x.rowsW, q.rows); // one block of tile rows for both buffers
  }
  return a + PLAN_BYTES + tab + stageFloats(Cout, th, tw, 2, 2, 2, 2, 1, 1) * 4;
}

/** Y[xi][co][t] = (A dY A^T)[xi] for the tiles of `rows` tile rows, the group's Co
 *  output channels staged at `base` (plan q); Y rows VS floats apart. */
function winoDy(q: Plan, base: usize, rows: i32, Y: usize, VS: i32): void {
  const tw4 = tiles4(q.OW), R = <usize>(2 * q.Wq) << 2, P = <usize>q.Wq << 2;
  const ys = <usize>(q.Cin * VS) << 2;
  for (let co = 0; co < q.Cin; co++) {
    const bc = base + (<usize>(co * q.PS) << 2);
    for (let i = 0; i < rows; i++) {
      const bi = bc + <usize>i * <usize>q.rowStep;
      let o = Y + (<usize>(co * VS + i * tw4) << 2);
      for (let j = 0; j < tw4; j += 4, o += 16) {
        // dy[a][b] of four tiles: row a, column phase b.
        const qq = bi + (<usize>j << 2);
        const y00 = v128.load(qq), y01 = v128.load(qq + P), y10 = v128.load(qq + R), y11 = v128.load(qq + R + P);
        // column transform by A = [1 0; 1 1; 1 -1; 0 -1], then the same along rows
        rowY(o, ys, 0, y00, y01);
        rowY(o, ys, 4, f32x4.add(y00, y10), f32x4.add(y01, y11));
        rowY(o, ys, 8, f32x4.sub(y00, y10), f32x4.sub(y01, y11));
        rowY(o, ys, 12, f32x4.neg(y10), f32x4.neg(y11));
      }
    }
  }
}

@inline function rowY(o: usize, ys: usize, xi0: i32, e0: v128, e1: v128): void {
  const p = o + <usize>xi0 * ys;
  v128.store(p, e0);
  v128.store(p + ys, f32x4.add(e0, e1));
  v128.store(p + 2 * ys, f32x4.sub(e0, e1));
  v128.store(p + 3 * ys, f32x4.neg(e1));
}

/** dW (Co x Cg x 3 x 3 per group, overwritten) = G^T Mw G from Mw[g][xi][co][c]. */
function winoFinish(Mw: usize, G: i32, Co: i32, Cg: i32, dw: usize): void {
  const xs = <usize>(Co * Cg) << 2;
  for (let g = 0; g < G; g++) {
    const mg = Mw + <usize>g * 16 * xs;
    for (let r = 0; r < Co * Cg; r++) {
      const m = mg + (<usize>r << 2), o = dw + (<usize>((g * Co * Cg + r) * 9) << 2);
      // T = G^T Mw (3 x 4), column by column; then dW = T G.
      let t00: f32 = 0, t01: f32 = 0, t02: f32 = 0, t03: f32 = 0, t10: f32 = 0, t11: f32 = 0;
      let t12: f32 = 0, t13: f32 = 0, t20: f32 = 0, t21: f32 = 0, t22: f32 = 0, t23: f32 = 0;
      for (let u = 0; u < 4; u++) {
        const m0 = load<f32>(m + <usize>u * xs), m1 = load<f32>(m + <usize>(4 + u) * xs);
        const m2 = load<f32>(m + <usize>(8 + u) * xs), m3 = load<f32>(m + <usize>(12 + u) * xs);
        const s: f32 = 0.5 * (m1 + m2), dd: f32 = 0.5 * (m1 - m2);
        const a: f32 = m0 + s, b: f32 = dd, c: f32 = s + m3;
        if (u == 0) { t00 = a; t10 = b; t20 = c; } else if (u == 1) { t01 = a; t11 = b; t21 = c; }
        else if (u == 2) { t02 = a; t12 = b; t22 = c; } else { t03 = a; t13 = b; t23 = c; }
      }
      row3(o, t00, t01, t02, t03);
      row3(o + 12, t10, t11, t12, t13);
      row3(o + 24, t20, t21, t22, t23);
    }
  }
}

@inline function row3(o: usize, t0: f32, t1: f32, t2: f32, t3: f32): void {
  const s: f32 = 0.5 * (t1 + t2);
  store<f32>(o, t0 + s);
  store<f32>(o, 0.5 * (t1 - t2), 4);
  store<f32>(o, s + t3, 8);
}

/** The weight gradient dw (Cout x Cg x 3 x 3) of N images x, dy, with the plans that
 *  winoWgradView set up: x's at `px`, dy's at `pq`. */
export function winoWgrad(px: usize, pq: usize, N: i32, x: usize, dy: usize, dw: usize): void {
  const p = changetype<Plan>(px), q = changetype<Plan>(pq);
  const G = p.G, Cg = p.Cin, Co = p.M, C = p.C, HW = p.H * p.W, P = q.H * q.W;
  const T = tiles4(p.OW), xs = <usize>p.VS << 2;
  const Mw = p.packed, mx = <usize>(Co * Cg) << 2;
  for (let i = 0; i < G * 16 * Co * Cg; i++) store<f32>(Mw + (<usize>i << 2), 0);
  for (let n = 0; n < N; n++) {
    const xn = x + (<usize>(n * C * HW) << 2), dyn = dy + (<usize>(n * G * Co * P) << 2);
    for (let i0 = 0; i0 < p.OH; i0 += p.rowsW) {
      const i1 = min(i0 + p.rowsW, p.OH), rows = i1 - i0;
      stage(p, xn, i0, i1);
      stage(q, dyn, i0, i1);
      for (let g = 0; g < G; g++) {
        winoInput(p, blockBase(p, xn, g * Cg, i0), rows);
        winoDy(q, blockBase(q, dyn, g * Co, i0), rows, p.m, p.VS);
        const mg = Mw + <usize>g * 16 * mx;
        for (let xi = 0; xi < 16; xi++) {
          wgradRun(Co, Cg, p.tabV, 1, rows * T, p.m + <usize>(xi * Co) * xs, xs,
            p.v + <usize>(xi * Cg) * xs, 0, mg + <usize>xi * mx, <usize>Cg << 2);
        }
      }
    }
  }
  winoFinish(Mw, G, Co, Cg, dw);
}
