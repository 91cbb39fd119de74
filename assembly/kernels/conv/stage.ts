// The implicit-GEMM view of a convolution, shared by the forward pass, the stride-1
// input gradient (a forward convolution of dy) and the weight gradient.
//
// im2col's column matrix col[k][p] (k = tap (c, kh, kw), p = output pixel) is never
// written: with the input "staged" into a zero-padded buffer whose rows are split by
// column phase (phase f of a row holds columns f, f + sW, f + 2 sW, ...), the value
// col[k][(oh, ow)] sits at buf + tab[k] + rowOff(oh) + 4*ow. So for fixed k,
// consecutive output pixels of one row are consecutive floats, and a GEMM tile reads
// its B operand (8 pixels of one tap) with two plain vector loads; the K offsets tab[k]
// are the "indirection buffer" of the indirect convolution, one i32 per tap instead
// of one pointer per tap and pixel. Staging copies each input value ~once (im2col
// wrote it kH*kW times and the GEMM then packed it again).
//
// Without padding and with unit column stride the input already has this layout
// ("direct": no copy at all), which also covers 1x1 convolutions, flattened to one row.
import { fillF32 } from "./geometry";

/** Floats of staged buffer per block (1 MiB: half the L2 of the Xeon here). Blocks of
 *  output rows keep the staged input bounded for large images. */
const STAGE_BUDGET: i32 = 1 << 18;
// Floats past the staged buffer that partial tiles may read (never used in results).
export const SLACK: i32 = 16;

/** One convolution as the tile kernels see it (laid over the start of `work`). The
 *  source has C channels of H x W (one image); its output rows are OH x OW. */
@unmanaged export class Plan {
  C: i32; H: i32; W: i32;
  G: i32; Cin: i32; M: i32; K: i32;     // groups, source channels and output rows per group, taps per group
  kH: i32; kW: i32; sH: i32; sW: i32; dH: i32; dW: i32;
  pT: i32; pL: i32;                     // source rows/cols before the origin (may be negative)
  OH: i32; OW: i32;
  direct: i32;                          // 1: the source is read in place
  Wq: i32; rows: i32; PS: i32;          // phase row length, output rows per block, floats per channel
  rowStep: i32;                         // bytes from one output row's pixels to the next
  tab: usize; packed: usize; buf: usize; // parts of `work`
  // Winograd only (winograd.ts): transformed input and products, their row stride
  // (floats), the products' tap table, tile rows per block.
  v: usize; m: usize; VS: i32; tabV: usize; rowsW: i32;
}
export const PLAN_BYTES: i32 = 128;

@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }

/** Row length of one phase: every tile's loads stay inside it (tiles are 4 or 8 wide). */
@inline export function phaseLen(OW: i32, kW: i32, sW: i32, dW: i32): i32 {
  return max(roundUp(OW, 4), 8) + (kW - 1) * dW / sW;
}

/** Staged rows a block of `rows` output rows reads. */
@inline function spanRows(rows: i32, kH: i32, sH: i32, dH: i32): i32 { return (rows - 1) * sH + (kH - 1) * dH + 1; }

/** Output rows per staged block: the whole image when it fits the budget, else
 *  near-equal blocks (never a thin last one). */
export function stageRows(C: i32, OH: i32, OW: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32): i32 {
  const rowFloats = C * sW * phaseLen(OW, kW, sW, dW);
  let r = OH;
  while (r > 1 && spanRows(r, kH, sH, dH) * rowFloats > STAGE_BUDGET) r = (r + 1) >> 1;
  const blocks = (OH + r - 1) / r;
  return (OH + blocks - 1) / blocks;
}

/** Whether the source (H x W planes) can be read in place: no padding, unit column
 *  stride, every window inside the plane (a descriptor may promise more outputs than
 *  the input covers; staging pads those with zeros), and rows wide enough for whole
 *  tiles (`quad`: the weight gradient also needs OW % 4 == 0, since its tail vector
 *  would read past the row). The GEMM tiles read one row segment per tap, so planes a
 *  multiple of 512 bytes apart would crowd a tile's K segments into at most 8 of L1's
 *  64 sets (1x1 over 16 x 16 images ran 13% slower in place than staged). */
@inline export function canDirect(pT: i32, pL: i32, sW: i32, OW: i32, quad: bool,
  H: i32, W: i32, OH: i32, kH: i32, kW: i32, sH: i32, dH: i32, dW: i32): bool {
  return pT == 0 && pL == 0 && sW == 1 && (OH - 1) * sH + (kH - 1) * dH < H && OW + (kW - 1) * dW <= W &&
    (quad ? (OW & 3) == 0 : OW >= 4 && ((H * W) & 127) != 0);
}

/** Floats per staged channel: an odd multiple of 64 bytes, so that the channels' rows
 *  spread over all of L1's sets. */
@inline function stagedPlane(rows: i32, kH: i32, sH: i32, dH: i32, sW: i32, Wq: i32): i32 {
  return ((spanRows(rows, kH, sH, dH) * sW * Wq + 31) & ~31) + 16;
}

/** Floats of staged buffer (0 when direct). */
export function stageFloats(C: i32, OH: i32, OW: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32): i32 {
  const rows = stageRows(C, OH, OW, kH, kW, sH, sW, dH, dW);
  return C * stagedPlane(rows, kH, sH, dH, sW, phaseLen(OW, kW, sW, dW)) + SLACK;
}

/** Fills in the plan's geometry and tap table (`tab` must be set); `quad` as in canDirect. */
export function initPlan(p: Plan, quad: bool): void {
  p.K = p.Cin * p.kH * p.kW;
  p.direct = canDirect(p.pT, p.pL, p.sW, p.OW, quad, p.H, p.W, p.OH, p.kH, p.kW, p.sH, p.dH, p.dW) ? 1 : 0;
  if (p.direct) {
    p.Wq = p.W; p.rows = p.OH; p.PS = p.H * p.W;
  } else {
    p.Wq = phaseLen(p.OW, p.kW, p.sW, p.dW);
    p.rows = stageRows(p.C, p.OH, p.OW, p.kH, p.kW, p.sH, p.sW, p.dH, p.dW);
    p.PS = stagedPlane(p.rows, p.kH, p.sH, p.dH, p.sW, p.Wq);
  }
  p.rowStep = (p.sH * p.sW * p.Wq) << 2;
  // tab[k] for k = (c, kh, kw): channel c, staged row kh*dH, phase (kw*dW) % sW,
  // column (kw*dW) / sW.
  let t = p.tab;
  for (let c = 0; c < p.Cin; c++) {
    for (let kh = 0; kh < p.kH; kh++) {
      for (let kw = 0; kw < p.kW; kw++) {
        const q = kw * p.dW;
        store<i32>(t, (c * p.PS + (kh * p.dH * p.sW + q % p.sW) * p.Wq + q / p.sW) << 2);
        t += 4;
      }
    }
  }
}

/** Where output row `oh` of block [oh0, ...) starts reading, for the group whose first
 *  source channel is `c0`; `src` is the image (used when direct). */
@inline export function blockBase(p: Plan, src: usize, c0: i32, oh0: i32): usize {
  if (p.direct) return src + (<usize>(c0 * p.PS + oh0 * p.sH * p.W) << 2);
  return p.buf + (<usize>(c0 * p.PS) << 2);
}

/** n zeros at p (vector stores, then a scalar tail). */
@inline function zeroRun(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), 0);
}

/** Stages the source rows that output rows [oh0, oh1) read, for all C channels of
 *  image `src`: zeros where the padded source has none. Rows outside the source are
 *  filled whole; each phase's valid columns [a, b) are found once per channel (the
 *  divisions per row cost LeNet's input gradient a fifth of its time). */
export function stage(p: Plan, src: usize, oh0: i32, oh1: i32): void {
  if (p.direct) return;
  const H = p.H, W = p.W, sW = p.sW, Wq = p.Wq, R = spanRows(oh1 - oh0, p.kH, p.sH, p.dH);
  const r0 = oh0 * p.sH - p.pT, rowF = sW * Wq, rowB = <usize>rowF << 2;
  const ra = min(max(-r0, 0), R), rb = min(max(H - r0, ra), R); // staged rows with a source row
  for (let c = 0; c < p.C; c++) {
    const dc = p.buf + (<usize>(c * p.PS) << 2), sc = src + (<usize>((c * H + r0) * W) << 2);
    if (ra > 0) zeroRun(dc, ra * rowF);
    if (rb < R) zeroRun(dc + <usize>rb * rowB, (R - rb) * rowF);
    for (let f = 0; f < sW; f++) {
      // phase column j holds source column j*sW + f - pL: valid for j in [a, b)
      const off = f - p.pL;
      const a = min(Wq, off >= 0 ? 0 : (sW - 1 - off) / sW);
      const b = max(a, min(Wq, W - off <= 0 ? 0 : (W - off + sW - 1) / sW));
      const s0 = sc + (<usize>(a * sW + off) << 2), n = b - a;
      let dst = dc + <usize>ra * rowB + (<usize>(f * Wq) << 2);
      for (let r = ra; r < rb; r++, dst += rowB) {
        const sr = s0 + (<usize>(r * W) << 2), d = dst + (<usize>a << 2);
        for (let j = 0; j < a; j++) store<f32>(dst + (<usize>j << 2), 0);
        let j = 0;
        if (sW == 1) {
          for (; j + 4 <= n; j += 4) v128.store(d + (<usize>j << 2), v128.load(sr + (<usize>j << 2)));
          for (; j < n; j++) store<f32>(d + (<usize>j << 2), load<f32>(sr + (<usize>j << 2)));
        } else {
          for (; j < n; j++) store<f32>(d + (<usize>j << 2), load<f32>(sr + (<usize>(j * sW) << 2)));
        }
        zeroRun(dst + (<usize>b << 2), Wq - b);
      }
    }
  }
}

/**
 * Packs the M x K matrix A of one group into panels of `mr` rows, k-major: panel t at
 * dst + 4*t*mr*K, the last one `M % mr` rows high and just as dense. A[r][k], with
 * k = (c, t) for source channel c and tap t < kk, is at a + 4*(r*rs + c*cs + t), or
 * at tap kk-1-t when `flip` (the transposed convolution's kernel is the flipped one).
 */
export function packA(M: i32, K: i32, mr: i32, a: usize, rs: i32, cs: i32, kk: i32, flip: bool, dst: usize): void {
  for (let r0 = 0; r0 < M; r0 += mr) {
    const h = min(mr, M - r0);
    for (let k = 0; k < K; k++) {
      const c = k / kk, t = k - c * kk;
      const s = a + (<usize>(r0 * rs + c * cs + (flip ? kk - 1 - t : t)) << 2);
      for (let r = 0; r < h; r++) store<f32>(dst + (<usize>r << 2), load<f32>(s + (<usize>(r * rs) << 2)));
      dst += <usize>h << 2;
    }
  }
}
