// Reductions and softmax (kernels/reduce) against float64 references computed
// here, over both code paths (inner == 1 and inner > 1, every partial column
// width), plus NaN / inf / empty cases and argmax/argmin tie-breaking.
import {
  f32_reduce_sum, f32_reduce_max, f32_reduce_min, f32_reduce_prod,
  f32_argmax, f32_argmin, f32_softmax, f32_log_softmax, f32_logsumexp,
} from "../kernels/reduce/index";

const SUM = 0, MAX = 1, MIN = 2, PROD = 3, ARGMAX = 4, ARGMIN = 5;
const SOFTMAX = 6, LOG_SOFTMAX = 7, LOGSUMEXP = 8;
const SIZES: StaticArray<i32> = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 129];
const MAXN = 3 * 129 * 129;
const GUARD = 16; // floats after the output that must stay untouched
const SENTINEL: f32 = -12345.5;

const X = heap.alloc((MAXN + 16) << 2);
const Y = heap.alloc((MAXN + GUARD + 16) << 2);

let seed: u32 = 12345;
function rnd(): f64 { // uniform [0, 1)
  seed = seed * 1664525 + 1013904223;
  return <f64>(seed >>> 8) / 16777216.0;
}

@inline function xi(i: i32): f32 { return load<f32>(X + (<usize>i << 2)); }
@inline function setx(i: i32, v: f32): void { store<f32>(X + (<usize>i << 2), v); }
@inline function yf(i: i32): f32 { return load<f32>(Y + (<usize>i << 2)); }
@inline function yi(i: i32): i32 { return load<i32>(Y + (<usize>i << 2)); }

function run(op: i32, outer: i32, r: i32, inner: i32): void {
  const ny = op >= SOFTMAX && op != LOGSUMEXP ? outer * r * inner : outer * inner;
  for (let i = 0; i < ny + GUARD; i++) store<f32>(Y + (<usize>i << 2), SENTINEL);
  if (op == SUM) f32_reduce_sum(outer, r, inner, X, Y);
  else if (op == MAX) f32_reduce_max(outer, r, inner, X, Y);
  else if (op == MIN) f32_reduce_min(outer, r, inner, X, Y);
  else if (op == PROD) f32_reduce_prod(outer, r, inner, X, Y);
  else if (op == ARGMAX) f32_argmax(outer, r, inner, X, Y);
  else if (op == ARGMIN) f32_argmin(outer, r, inner, X, Y);
  else if (op == SOFTMAX) f32_softmax(outer, r, inner, X, Y);
  else if (op == LOG_SOFTMAX) f32_log_softmax(outer, r, inner, X, Y);
  else f32_logsumexp(outer, r, inner, X, Y);
  for (let i = ny; i < ny + GUARD; i++) {
    if (yf(i) != SENTINEL) bad("op " + op.toString() + " wrote past its output");
  }
}

let failures = 0;
let firstFailure = "";
function bad(msg: string): void {
  if (failures == 0) firstFailure = msg;
  failures++;
}
function where(op: i32, o: i32, r: i32, inner: i32, j: i32): string {
  return "op " + op.toString() + " [" + o.toString() + ", r=" + r.toString() + ", inner=" +
    inner.toString() + "] col " + j.toString();
}
function close(got: f64, want: f64, tol: f64): bool {
  if (isNaN(want)) return isNaN(got);
  if (!isFinite(want)) return got == want;
  return abs(got - want) <= tol;
}

/** Fill x for op and compare the kernel with an f64 reference on every output. */
function check(op: i32, outer: i32, r: i32, inner: i32): void {
  const n = outer * r * inner;
  for (let i = 0; i < n; i++) {
    let v: f64;
    if (op == PROD) v = 0.8 + 0.45 * rnd();            // products stay O(1)
    else if (op == ARGMAX || op == ARGMIN) v = floor(rnd() * 7); // many ties
    else if (op >= SOFTMAX) v = 20.0 * rnd() - 10.0;
    else v = 2.0 * rnd() - 0.5;
    setx(i, <f32>v);
  }
  run(op, outer, r, inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const b = o * r * inner + j; // x index of row 0 of this column
      let s = 0.0, sa = 0.0, p = 1.0, mx = -Infinity, mn = Infinity;
      let amx = 0, amn = 0;
      for (let k = 0; k < r; k++) {
        const v = <f64>xi(b + k * inner);
        s += v; sa += abs(v); p *= v;
        if (v > mx) { mx = v; amx = k; }
        if (v < mn) { mn = v; amn = k; }
      }
      const out = o * inner + j;
      if (op == SUM) {
        if (!close(yf(out), s, 1e-6 * sa + 1e-30)) bad(where(op, o, r, inner, j));
      } else if (op == PROD) {
        if (!close(yf(out), p, 1e-6 * r * abs(p))) bad(where(op, o, r, inner, j));
      } else if (op == MAX) {
        if (<f64>yf(out) != mx) bad(where(op, o, r, inner, j));
      } else if (op == MIN) {
        if (<f64>yf(out) != mn) bad(where(op, o, r, inner, j));
      } else if (op == ARGMAX) {
        if (yi(out) != amx) bad(where(op, o, r, inner, j));
      } else if (op == ARGMIN) {
        if (yi(out) != amn) bad(where(op, o, r, inner, j));
      } else {
        let se = 0.0;
        for (let k = 0; k < r; k++) se += Math.exp(<f64>xi(b + k * inner) - mx);
        const lse = mx + Math.log(se);
        if (op == LOGSUMEXP) {
          if (!close(yf(out), lse, 1e-6 * max(1.0, abs(lse)))) bad(where(op, o, r, inner, j));
          continue;
        }
        for (let k = 0; k < r; k++) {
          const v = <f64>xi(b + k * inner);
          const got = <f64>yf(b + k * inner);
          if (op == SOFTMAX) {
            const want = Math.exp(v - mx) / se;
            if (!close(got, want, 2e-6 * want + 1e-37)) bad(where(op, o, r, inner, j) + " row " + k.toString());
          } else {
            const want = v - lse;
            if (!close(got, want, 2e-6 * max(1.0, abs(want)))) bad(where(op, o, r, inner, j) + " row " + k.toString());
          }
        }
      }
    }
  }
}

function sweep(op: i32): void {
  failures = 0;
  for (let a = 0; a < SIZES.length; a++) {
    for (let c = 0; c < SIZES.length; c++) {
      check(op, 1, SIZES[a], SIZES[c]);
      check(op, 3, SIZES[a], SIZES[c]);
    }
  }
  expect<i32>(failures).toBe(0, firstFailure);
}

/** Fill one [1, r, inner] slice with v and run op. */
function fillRun(op: i32, r: i32, inner: i32, v: f32): void {
  for (let i = 0; i < r * inner; i++) setx(i, v);
  run(op, 1, r, inner);
}

describe("reduce: random sweeps against f64", () => {
  it("sum", () => { sweep(SUM); });
  it("max", () => { sweep(MAX); });
  it("min", () => { sweep(MIN); });
  it("prod", () => { sweep(PROD); });
  it("argmax (first of ties)", () => { sweep(ARGMAX); });
  it("argmin (first of ties)", () => { sweep(ARGMIN); });
  it("softmax", () => { sweep(SOFTMAX); });
  it("log_softmax", () => { sweep(LOG_SOFTMAX); });
  it("logsumexp", () => { sweep(LOGSUMEXP); });
  it("long slices (pairwise recursion, tails)", () => {
    failures = 0;
    for (let op = SUM; op <= LOGSUMEXP; op++) {
      if (op == PROD) continue;
      check(op, 1, 5003, 1);  // contiguous: > 4 leaves of 1024
      check(op, 2, 4099, 1);
      check(op, 1, 3001, 3);  // strided: > 32 leaves of 64 rows
      check(op, 1, 1000, 9);
    }
    expect<i32>(failures).toBe(0, firstFailure);
  });
});

const SPECIAL_R: StaticArray<i32> = [1, 3, 4, 17, 40, 1100];   // 1100: pairwise split + tails
const SPECIAL_INNER: StaticArray<i32> = [1, 3, 5, 8];           // contiguous, partial and full groups

describe("reduce: empty slices (r == 0)", () => {
  it("sum 0, prod 1, max -inf, min +inf, logsumexp -inf, arg 0", () => {
    for (let c = 0; c < SPECIAL_INNER.length; c++) {
      const inner = SPECIAL_INNER[c];
      run(SUM, 2, 0, inner); expect<f32>(yf(2 * inner - 1)).toBe(0);
      run(PROD, 2, 0, inner); expect<f32>(yf(2 * inner - 1)).toBe(1);
      run(MAX, 2, 0, inner); expect<f32>(yf(2 * inner - 1)).toBe(-Infinity);
      run(MIN, 2, 0, inner); expect<f32>(yf(2 * inner - 1)).toBe(Infinity);
      run(LOGSUMEXP, 2, 0, inner); expect<f32>(yf(2 * inner - 1)).toBe(-Infinity);
      run(ARGMAX, 2, 0, inner); expect<i32>(yi(2 * inner - 1)).toBe(0);
      run(SOFTMAX, 2, 0, inner); // writes nothing; run() checks the guard
    }
  });
});

describe("reduce: NaN and inf", () => {
  it("max/min propagate a NaN at any position; arg gives the first NaN", () => {
    for (let a = 0; a < SPECIAL_R.length; a++) {
      for (let c = 0; c < SPECIAL_INNER.length; c++) {
        const r = SPECIAL_R[a], inner = SPECIAL_INNER[c];
        const positions: StaticArray<i32> = [0, r >> 1, r - 1];
        for (let q = 0; q < 3; q++) {
          const k = positions[q];
          for (let i = 0; i < r * inner; i++) setx(i, <f32>(rnd() - 0.5));
          const j = inner - 1; // last column: the partial group when inner % 4 != 0
          setx(k * inner + j, NaN);
          if (k + 1 < r) setx((r - 1) * inner + j, NaN); // a later NaN must not win
          run(MAX, 1, r, inner); expect<f32>(yf(j)).toBeNaN();
          if (j > 0) expect<f32>(yf(0)).not.toBeNaN();
          run(MIN, 1, r, inner); expect<f32>(yf(j)).toBeNaN();
          run(ARGMAX, 1, r, inner); expect<i32>(yi(j)).toBe(k);
          run(ARGMIN, 1, r, inner); expect<i32>(yi(j)).toBe(k);
          run(SUM, 1, r, inner); expect<f32>(yf(j)).toBeNaN();
          run(SOFTMAX, 1, r, inner); expect<f32>(yf(j)).toBeNaN();
          if (j > 0) expect<f32>(yf(0)).not.toBeNaN();
          run(LOG_SOFTMAX, 1, r, inner); expect<f32>(yf((r - 1) * inner + j)).toBeNaN();
          run(LOGSUMEXP, 1, r, inner); expect<f32>(yf(j)).toBeNaN();
        }
      }
    }
  });

  it("argmax/argmin tie-breaking and infinities", () => {
    for (let a = 0; a < SPECIAL_R.length; a++) {
      for (let c = 0; c < SPECIAL_INNER.length; c++) {
        const r = SPECIAL_R[a], inner = SPECIAL_INNER[c];
        fillRun(ARGMAX, r, inner, 2.0); expect<i32>(yi(inner - 1)).toBe(0);
        fillRun(ARGMIN, r, inner, -Infinity); expect<i32>(yi(inner - 1)).toBe(0);
        if (r < 3) continue;
        for (let i = 0; i < r * inner; i++) setx(i, 0);
        setx(1 * inner + inner - 1, Infinity); setx((r - 1) * inner + inner - 1, Infinity);
        setx(2 * inner, -Infinity); setx((r - 1) * inner, -Infinity);
        run(ARGMAX, 1, r, inner); expect<i32>(yi(inner - 1)).toBe(1);
        run(ARGMIN, 1, r, inner); expect<i32>(yi(0)).toBe(2);
        run(MAX, 1, r, inner); expect<f32>(yf(inner - 1)).toBe(Infinity);
        run(MIN, 1, r, inner); expect<f32>(yf(0)).toBe(-Infinity);
      }
    }
  });

  it("all -inf: softmax NaN, log_softmax NaN, logsumexp -inf", () => {
    for (let a = 0; a < SPECIAL_R.length; a++) {
      for (let c = 0; c < SPECIAL_INNER.length; c++) {
        const r = SPECIAL_R[a], inner = SPECIAL_INNER[c];
        fillRun(SOFTMAX, r, inner, -Infinity); expect<f32>(yf(r * inner - 1)).toBeNaN();
        fillRun(LOG_SOFTMAX, r, inner, -Infinity); expect<f32>(yf(0)).toBeNaN();
        fillRun(LOGSUMEXP, r, inner, -Infinity); expect<f32>(yf(inner - 1)).toBe(-Infinity);
      }
    }
  });

  it("+inf: logsumexp inf (NaN if a NaN is present), softmax/log_softmax NaN", () => {
    for (let a = 0; a < SPECIAL_R.length; a++) {
      for (let c = 0; c < SPECIAL_INNER.length; c++) {
        const r = SPECIAL_R[a], inner = SPECIAL_INNER[c];
        for (let i = 0; i < r * inner; i++) setx(i, <f32>(rnd() - 0.5));
        setx((r - 1) * inner, Infinity);
        run(LOGSUMEXP, 1, r, inner); expect<f32>(yf(0)).toBe(Infinity);
        run(SOFTMAX, 1, r, inner); expect<f32>(yf(0)).toBeNaN(); expect<f32>(yf((r - 1) * inner)).toBeNaN();
        run(LOG_SOFTMAX, 1, r, inner); expect<f32>(yf(0)).toBeNaN();
        if (r > 1) {
          setx(0, NaN);
          run(LOGSUMEXP, 1, r, inner); expect<f32>(yf(0)).toBeNaN();
        }
      }
    }
  });

  it("masked (-inf) entries give exactly 0 / -inf; large values stay stable", () => {
    for (let a = 0; a < SPECIAL_R.length; a++) {
      for (let c = 0; c < SPECIAL_INNER.length; c++) {
        const r = SPECIAL_R[a], inner = SPECIAL_INNER[c];
        if (r < 2) continue;
        for (let i = 0; i < r * inner; i++) setx(i, 1000.0); // exp(1000) overflows unless shifted
        for (let k = 0; k < r; k += 2) setx(k * inner + inner - 1, -Infinity);
        const live = <f64>(r >> 1); // rows 1, 3, ... of the last column
        run(SOFTMAX, 1, r, inner);
        expect<f32>(yf(inner - 1)).toBe(0);
        expect<f64>(<f64>yf(inner + inner - 1)).toBeCloseTo(1.0 / live, 6);
        if (inner > 1) expect<f64>(<f64>yf(0)).toBeCloseTo(1.0 / <f64>r, 6);
        run(LOG_SOFTMAX, 1, r, inner);
        expect<f32>(yf(inner - 1)).toBe(-Infinity);
        expect<f64>(<f64>yf(inner + inner - 1)).toBeCloseTo(-Math.log(live), 5);
        run(LOGSUMEXP, 1, r, inner);
        expect<f64>(<f64>yf(inner - 1)).toBeCloseTo(1000.0 + Math.log(live), 3);
      }
    }
  });
});
