// Winograd F(2x2, 3x3) for 3x3 convolutions with unit stride and dilation (Lavin and
// Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 2x2 output
// tile is A^T [sum_c (G g G^T) .* (B^T d B)] A over its 4x4 input window d, so the
// multiply-adds that reduce over channels drop from 36 to 16 per tile and channel pair.
// The FP ports are what limits the direct implicit GEMM here (it runs at ~95% of the
// plain-SIMD peak), so fewer multiplies is the only way left to go faster.
//
// The 16 products are 16 GEMMs M_xi = U_xi V_xi (U: M x Cin transformed weights, V:
// Cin x tiles transformed input), run by the implicit GEMM's register tiles (igemm.ts)
// with a tap table that just steps over V's rows. The input is staged as a 4x4,
// stride-2 convolution whose "pixels" are the tiles (stage.ts), so every window
// element of four neighbouring tiles is one vector load from the phase-split buffer.
import { align16 } from "./geometry";
import { Plan, PLAN_BYTES, initPlan, stageFloats, stageRows } from "./stage";
import { MR, tileRow } from "./igemm";

// Floats of V + M per block of tile rows (1 MiB: with the staged input, about L2).
const WINO_BUDGET: i32 = 1 << 18;

@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
/** Tile columns, padded to whole vectors of four tiles. */
@inline function tileCols4(OW: i32): i32 { return roundUp((OW + 1) >> 1, 4); }
/** Row stride of V and M (floats): an odd multiple of 64 bytes (see stage.ts). */
@inline function rowStride(rows: i32, tw4: i32): i32 { return ((rows * tw4 + 31) & ~31) + 16; }

/** Tile rows per block: V and M within the budget, near-equal blocks. */
function blockTileRows(Cin: i32, M: i32, th: i32, tw4: i32): i32 {
  let r = th;
  while (r > 1 && 16 * (Cin + M) * rowStride(r, tw4) > WINO_BUDGET) r = (r + 1) >> 1;
  const blocks = (th + r - 1) / r;
  return (th + blocks - 1) / blocks;
}

/**
 * Sets up (at p, when p != 0) and sizes the Winograd form of a 3x3, unit-stride
 * convolution of a source with C channels of H x W (pads pT, pL) into OH x OW, G
 * groups of Cin source channels and M outputs. Returns the bytes of `work`.
 */
export function winoView(p: usize, C: i32, H: i32, W: i32, G: i32, Cin: i32, M: i32,
  pT: i32, pL: i32, OH: i32, OW: i32): i32 {
  const th = (OH + 1) >> 1, tw = (OW + 1) >> 1, tw4 = tileCols4(OW);
  const rows = min(stageRows(C, th, tw, 4, 4, 2, 2, 1, 1), blockTileRows(Cin, M, th, tw4));
  const VS = rowStride(rows, tw4), tab = align16(Cin * 64), tabV = align16(Cin * 4);
  const U = 16 * G * roundUp(M, MR) * Cin * 4, V = 16 * Cin * VS * 4, Mb = 16 * M * VS * 4;
  if (p) {
    const q = changetype<Plan>(p);
    q.C = C; q.H = H; q.W = W; q.G = G; q.Cin = Cin; q.M = M;
    q.kH = 4; q.kW = 4; q.sH = 2; q.sW = 2; q.dH = 1; q.dW = 1; q.pT = pT; q.pL = pL; q.OH = th; q.OW = tw;
    q.tab = p + PLAN_BYTES; q.tabV = q.tab + tab; q.packed = q.tabV + tabV;
    q.v = q.packed + U; q.m = q.v + V; q.buf = q.m + Mb; q.VS = VS;
    initPlan(q, false);
    q.rowsW = min(q.rows, rows);
    for (let c = 0; c < Cin; c++) store<i32>(q.tabV + (<usize>c << 2), (c * VS) << 2);
  }
  return PLAN_BYTES + tab + tabV + U + V + Mb + stageFloats(C, th, tw, 4, 4, 2, 2, 1, 1) * 4;
}

/**
 * U = G g G^T for the M x Cin kernels of one group (kernel (r, k) at a + 4*(r*rs +
 * k*cs), its 9 taps reversed when `flip`), packed like stage.ts's packA: product xi's
 * panels at dst + 4*xi*ustride, where ustride = roundUp(M, MR) * Cin.
 */
export function winoWeights(M: i32, Cin: i32, a: usize, rs: i32, cs: i32, flip: bool, dst: usize): void {
  const us = <usize>(roundUp(M, MR) * Cin) << 2;
  for (let r0 = 0; r0 < M; r0 += MR) {
    const h = min(MR, M - r0);
    for (let k = 0; k < Cin; k++) {
      for (let r = 0; r < h; r++) {
        const g = a + (<usize>((r0 + r) * rs + k * cs) << 2);
        let o = dst + (<usize>(r0 * Cin + k * h + r) << 2);
        // T = G g (4 x 3), then U = T G^T (4 x 4), row by row.
        for (let i = 0; i < 4; i++) {
          let t0: f32, t1: f32, t2: f32;
          if (i == 0 || i == 3) {
            const s = i == 0 ? 0 : 6;
            t0 = tap(g, s, flip); t1 = tap(g, s + 1, flip); t2 = tap(g, s + 2, flip);
          } else {
            const sg: f32 = i == 1 ? 0.5 : -0.5;
            t0 = 0.5 * (tap(g, 0, flip) + tap(g, 6, flip)) + sg * tap(g, 3, flip);
            t1 = 0.5 * (tap(g, 1, flip) + tap(g, 7, flip)) + sg * tap(g, 4, flip);
            t2 = 0.5 * (tap(g, 2, flip) + tap(g, 8, flip)) + sg * tap(g, 5, flip);
          }
          store<f32>(o, t0); o += us;
          store<f32>(o, 0.5 * (t0 + t2) + 0.5 * t1); o += us;
          store<f32>(o, 0.5 * (t0 + t2) - 0.5 * t1); o += us;
          store<f32>(o, t2); o += us;
        }
      }
    }
  }
}

@inline function tap(g: usize, t: i32, flip: bool): f32 { return load<f32>(g + (<usize>(flip ? 8 - t : t) << 2)); }

/** V[xi][c][t] = (B^T d B)[xi] for the tiles t = i*tw4 + j of `rows` tile rows, all Cin
 *  channels of a group whose staged input starts at `base`. Lanes are four tiles. */
export function winoInput(p: Plan, base: usize, rows: i32): void {
  const tw4 = roundUp(p.OW, 4), R = <usize>(2 * p.Wq) << 2, P = <usize>p.Wq << 2;
  const xs = <usize>(p.Cin * p.VS) << 2;
  for (let c = 0; c < p.Cin; c++) {
    const bc = base + (<usize>(c * p.PS) << 2);
    for (let i = 0; i < rows; i++) {
      const bi = bc + <usize>i * <usize>p.rowStep;
      let v = p.v + (<usize>(c * p.VS + i * tw4) << 2);
      for (let j = 0; j < tw4; j += 4, v += 16) {
        // d[r][u] of the four tiles: row r, column u = phase u & 1, offset u >> 1.
        const q = bi + (<usize>j << 2);
        const d00 = v128.load(q), d01 = v128.load(q + P), d02 = v128.load(q, 4), d03 = v128.load(q + P, 4);
        const d10 = v128.load(q + R), d11 = v128.load(q + R + P), d12 = v128.load(q + R, 4), d13 = v128.load(q + R + P, 4);
        const d20 = v128.load(q + 2 * R), d21 = v128.load(q + 2 * R + P), d22 = v128.load(q + 2 * R, 4), d23 = v128.load(q + 2 * R + P, 4);
        const d30 = v128.load(q + 3 * R), d31 = v128.load(q + 3 * R + P), d32 = v128.load(q + 3 * R, 4), d33 = v128.load(q + 3 * R + P, 4);
        rowOut(v, xs, 0, f32x4.sub(d00, d20), f32x4.sub(d01, d21), f32x4.sub(d02, d22), f32x4.sub(d03, d23));
        rowOut(v, xs, 4, f32x4.add(d10, d20), f32x4.add(d11, d21), f32x4.add(d12, d22), f32x4.add(d13, d23));
        rowOut(v, xs, 8, f32x4.sub(d20, d10), f32x4.sub(d21, d11), f32x4.sub(d22, d12), f32x4.sub(d23, d13));
        rowOut(v, xs, 12, f32x4.sub(d10, d30), f32x4.sub(d11, d31), f32x4.sub(d12, d32), f32x4.sub(d13, d33));
      }
    }
  }
}

/** Row a (xi0 = 4a) of B^T d B from the column-transformed e0..e3. */
@inline function rowOut(v: usize, xs: usize, xi0: i32, e0: v128, e1: v128, e2: v128, e3: v128): void {
  const o = v + <usize>xi0 * xs;
  v128.store(o, f32x4.sub(e0, e2));
  v128.store(o + xs, f32x4.add(e1, e2));
  v128.store(o + 2 * xs, f32x4.sub(e2, e1));
  v128.store(o + 3 * xs, f32x4.sub(e1, e3));
}

/** M[xi] = U[xi] V[xi] for the T tiles of a block (U: the group's panels; bias, when
 *  given, rides on product 5, the one that adds with weight 1 to all four outputs). */
function winoProducts(p: Plan, U: usize, T: i32, bias: usize): void {
  const M = p.M, Cin = p.Cin, VS = p.VS, ys = <usize>VS << 2;
  const us = <usize>(roundUp(M, MR) * Cin) << 2;
  for (let xi = 0; xi < 16; xi++) {
    const Ux = U + <usize>xi * us, Vx = p.v + <usize>(xi * Cin) * ys, Mx = p.m + <usize>(xi * M) * ys;
    const b = xi == 5 ? bias : 0;
    for (let r = 0; r < M; r += MR) {
      const mr = min(MR, M - r), pa = Ux + (<usize>(r * Cin) << 2), br = b ? b + (<usize>r << 2) : 0;
      tileRow(mr, T, Cin, pa, p.tabV, Vx, Mx + <usize>r * ys, ys, br);
    }
  }
}

/** The first n (0..3) lanes of v at p. */
@inline function storeN(p: usize, v: v128, n: i32): void {
  if (n > 0) v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p, v, 1, 4);
  if (n > 2) v128.store32_lane(p, v, 2, 8);
}

/** Eight outputs of one row from the even (e) and odd (o) columns of four tiles; n of them. */
@inline function storeRow8(p: usize, e: v128, o: v128, n: i32): void {
  const lo = f32x4.shuffle(e, o, 0, 4, 1, 5), hi = f32x4.shuffle(e, o, 2, 6, 3, 7);
  if (n >= 8) { v128.store(p, lo); v128.store(p, hi, 16); return; }
  if (n >= 4) { v128.store(p, lo); storeN(p + 16, hi, n - 4); } else storeN(p, lo, n);
}

/** y = A^T M A for tile rows [i0, i0 + rows) into the group's output `y` (M planes of OH x OW). */
function winoOutput(p: Plan, i0: i32, rows: i32, y: usize, OH: i32, OW: i32): void {
  const tw4 = tileCols4(OW), ms = <usize>(p.M * p.VS) << 2, rs = <usize>OW << 2;
  for (let co = 0; co < p.M; co++) {
    const yc = y + (<usize>(co * OH * OW) << 2);
    for (let i = 0; i < rows; i++) {
      const oh = 2 * (i0 + i), two = oh + 1 < OH;
      let m = p.m + (<usize>(co * p.VS + i * tw4) << 2);
      for (let j = 0; j < tw4; j += 4, m += 16) {
        const n = OW - 2 * j;
        if (n <= 0) break;
        const m0 = v128.load(m), m1 = v128.load(m + ms), m2 = v128.load(m + 2 * ms), m3 = v128.load(m + 3 * ms);
        const m4 = v128.load(m + 4 * ms), m5 = v128.load(m + 5 * ms), m6 = v128.load(m + 6 * ms), m7 = v128.load(m + 7 * ms);
        const m8 = v128.load(m + 8 * ms), m9 = v128.load(m + 9 * ms), mA = v128.load(m + 10 * ms), mB = v128.load(m + 11 * ms);
        const mC = v128.load(m + 12 * ms), mD = v128.load(m + 13 * ms), mE = v128.load(m + 14 * ms), mF = v128.load(m + 15 * ms);
        // s0[u] = m[0][u] + m[1][u] + m[2][u], s1[u] = m[1][u] - m[2][u] - m[3][u]
        const s00 = f32x4.add(f32x4.add(m0, m4), m8), s01 = f32x4.add(f32x4.add(m1, m5), m9);
        const s02 = f32x4.add(f32x4.add(m2, m6), mA), s03 = f32x4.add(f32x4.add(m3, m7), mB);
        const yr = yc + (<usize>(oh * OW + 2 * j) << 2);
        storeRow8(yr, f32x4.add(f32x4.add(s00, s01), s02), f32x4.sub(f32x4.sub(s01, s02), s03), n);
        if (two) {
          const s10 = f32x4.sub(f32x4.sub(m4, m8), mC), s11 = f32x4.sub(f32x4.sub(m5, m9), mD);
          const s12 = f32x4.sub(f32x4.sub(m6, mA), mE), s13 = f32x4.sub(f32x4.sub(m7, mB), mF);
          storeRow8(yr + rs, f32x4.add(f32x4.add(s10, s11), s12), f32x4.sub(f32x4.sub(s11, s12), s13), n);
        }
      }
    }
  }
}

/** One block of tile rows [i0, i1) of one group, its input staged at `base`: y is the
 *  group's output (OH x OW planes), U its transformed weights, bias 0 or its M biases. */
export function winoBlock(p: Plan, base: usize, i0: i32, i1: i32, U: usize, y: usize, bias: usize, OH: i32, OW: i32): void {
  const rows = i1 - i0;
  winoInput(p, base, rows);
  winoProducts(p, U, rows * tileCols4(OW), bias);
  winoOutput(p, i0, rows, y, OH, OW);
}
