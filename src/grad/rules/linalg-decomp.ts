// Gradient rules of wg.linalg, written with public ops (matmul, transposes,
// masks, and the linalg ops themselves), so that they are recorded under
// createGraph and can be differentiated again. The formulas are PyTorch's
// (torch/csrc/autograd/FunctionsManual.cpp); gradients of symmetric inputs
// (cholesky, eigh) come out symmetrised, as PyTorch's do.
//
// The decompositions with several outputs record one node per output (see
// src/linalg/decomp.ts); each rule recomputes the factors it needs from the
// saved input with the same ops, so those factors carry their own gradients.

import { ArgumentError } from '../../core/errors.js';
import { defineGrad } from '../../engine/tape.js';
import type { Tensor } from '../../engine/tensor.js';
import { eigh, qr, svd } from '../../linalg/decomp.js';
import { det, inv, invImpl, solve, solveTriangular } from '../../linalg/solve.js';
import { constant, eyeLike, mT, triangle } from '../../linalg/util.js';
import { add, div, eq, mul, pow, sub, where } from '../../ops/binary.js';
import { concat, stack } from '../../ops/join.js';
import { matmul } from '../../ops/linalg.js';
import { abs, neg, reciprocal, sign } from '../../ops/unary.js';
import { broadcastTo, narrow, reshape, select, unsqueeze } from '../../ops/views.js';

/** [...] -> [..., 1, 1], to scale a batch of matrices. */
const perMatrix = (x: Tensor) => unsqueeze(unsqueeze(x, -1), -1);

// X = A^-1 B: gB = A^-T g, gA = -gB X^T.
defineGrad('linalg.solve', {
  saveInputs: [0],
  saveOutput: true,
  rule: ({ g, inputs: [A], output: X, needs }) => {
    const gB = solve(mT(A!), g);
    return [needs[0] ? neg(matmul(gB, mT(X!))) : null, gB];
  },
});

// Only A's triangle was read, so only that triangle gets a gradient.
defineGrad('linalg.solveTriangular', {
  saveInputs: [0],
  saveOutput: true,
  rule: ({ g, inputs: [A], output: X, attrs, needs }) => {
    const { upper, unitriangular } = attrs;
    const gB = solveTriangular(mT(A!), g, { upper: !upper, unitriangular });
    return [needs[0] ? neg(triangle(matmul(gB, mT(X!)), upper, unitriangular ? 0 : 1)) : null, gB];
  },
});

// Y = A^-1: gA = -Y^T g Y^T.
defineGrad('linalg.inv', {
  saveInputs: false,
  saveOutput: true,
  rule: ({ g, output: Y }) => {
    const Yt = mT(Y!);
    return [neg(matmul(matmul(Yt, g), Yt))];
  },
});

/** prod_{j != i} s_j for each i, over the last dim (n is small: O(n^2) products). */
function prodExcept(s: Tensor): Tensor {
  const n = s.shape[s.ndim - 1];
  const cols = Array.from({ length: n }, (_, i) => select(s, -1, i));
  const out = cols.map((_, i) => {
    let p: Tensor | null = null;
    for (let j = 0; j < n; j++) if (j !== i) p = p ? mul(p, cols[j]) : cols[j];
    return p ?? add(mul(cols[0], 0), 1);
  });
  return stack(out, -1);
}

// d det(A) = det(A) tr(A^-1 dA): gA = g det(A) A^-T, the cofactor matrix times g.
// At a singular matrix A^-1 does not exist but the cofactor matrix does:
// cof(A) = det(U) det(V^T) U diag(prod_{j != i} s_j) V^T from A = U S V^T
// (used for the whole batch when any det is exactly 0; its own gradient then
// needs distinct singular values).
defineGrad('linalg.det', {
  saveOutput: true,
  rule: ({ g, inputs: [A], output: d }) => {
    const singular = Array.prototype.some.call(d!.dataSync(), (v: number) => v === 0);
    if (!singular) return [mul(perMatrix(mul(g, d!)), mT(inv(A!)))];
    const [U, S, Vh] = svd(A!, { fullMatrices: false });
    const cof = mul(perMatrix(mul(det(U), det(Vh))), matmul(mul(U, unsqueeze(prodExcept(S), -2)), Vh));
    return [mul(perMatrix(g), cof)];
  },
});

// d log|det A| = tr(A^-1 dA). At a singular matrix (log|det| = -inf) it is inf/NaN, as in PyTorch.
defineGrad('linalg.slogdet', ({ g, inputs: [A] }) => [mul(perMatrix(g), mT(invImpl(A!, true)))]);

// A = L L^T: gA = sym(L^-T Phi(L^T gL) L^-1), Phi = lower triangle with the diagonal halved.
defineGrad('linalg.cholesky', {
  saveInputs: false,
  saveOutput: true,
  rule: ({ g, output: L }) => {
    const Lt = mT(L!);
    const phi = triangle(matmul(Lt, g), false, 0.5);
    const left = solveTriangular(Lt, phi, { upper: true }); // L^-T Phi
    const gA = mT(solveTriangular(Lt, mT(left), { upper: true })); // (L^-T Phi) L^-1
    return [mul(add(gA, mT(gA)), 0.5)];
  },
});

/**
 * QR backward for m >= n (Q [m, n], R [n, n]): with M = gR R^T - Q^T gQ,
 * gA = (gQ + Q copyltu(M)) R^-T, copyltu(M) = triu(M) + triu(M, 1)^T.
 */
function qrTall(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor): Tensor {
  let M: Tensor | null = gR ? matmul(gR, mT(R)) : null;
  if (gQ) M = M ? sub(M, matmul(mT(Q), gQ)) : neg(matmul(mT(Q), gQ));
  const sym = add(triangle(M!, true), mT(triangle(M!, true, 0)));
  let B = matmul(Q, sym);
  if (gQ) B = add(B, gQ);
  return mT(solveTriangular(R, mT(B), { upper: true }));
}

/**
 * QR backward. For m < n, A = [X | Y] with X = Q U square and Y = Q V
 * (R = [U | V]): gY = Q gV and X gets the square case with gQ + Y gV^T.
 */
function qrBackward(gQ: Tensor | null, gR: Tensor | null, A: Tensor, mode: 'reduced' | 'complete'): Tensor {
  const [m, n] = A.shape.slice(-2);
  if (mode === 'complete' && m > n) {
    throw new ArgumentError("linalg.qr: The QR decomposition is not differentiable when mode='complete' and nrows > ncols");
  }
  const [Q, R] = qr(A, { mode });
  if (m >= n) return qrTall(gQ, gR, Q, R);
  const Y = narrow(A, -1, m, n - m);
  const U = narrow(R, -1, 0, m);
  const gU = gR ? narrow(gR, -1, 0, m) : null;
  const gV = gR ? narrow(gR, -1, m, n - m) : null;
  let gQ2 = gQ;
  if (gV) gQ2 = gQ2 ? add(gQ2, matmul(Y, mT(gV))) : matmul(Y, mT(gV));
  const gX = qrTall(gQ2, gU, Q, U);
  const gY = gV
    ? matmul(Q, gV)
    : broadcastTo(
        constant([m, n - m], A, () => 0),
        Y.shape,
      );
  return concat([gX, gY], -1);
}

defineGrad('linalg.qrQ', ({ g, inputs: [A], attrs }) => [qrBackward(g, null, A!, attrs.mode)]);
defineGrad('linalg.qrR', ({ g, inputs: [A], attrs }) => [qrBackward(null, g, A!, attrs.mode)]);

// ---- SVD: A = U S Vh, k = min(m, n); E_jk = s_k^2 - s_j^2 off the diagonal (1 on it).

function svdParts(A: Tensor): { U: Tensor; S: Tensor; Vh: Tensor; E: Tensor; m: number; n: number; k: number } {
  const [m, n] = A.shape.slice(-2);
  const k = Math.min(m, n);
  const [U, S, Vh] = svd(A, { fullMatrices: false });
  const S2 = mul(S, S);
  const E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), eyeLike(k, S));
  return { U, S, Vh, E, m, n, k };
}

const skew = (X: Tensor) => sub(X, mT(X));

// gA = U diag(gS) Vh.
defineGrad('linalg.svdvals', ({ g, inputs: [A] }) => {
  const [U, , Vh] = svd(A!, { fullMatrices: false });
  return [matmul(mul(U, unsqueeze(g, -2)), Vh)];
});

// gA = U [(skew(U^T gU) / E) S] Vh + (I - U U^T) gU S^-1 Vh (the last term when m > k).
// With full matrices only U's first k columns get a gradient, as in PyTorch.
defineGrad('linalg.svdU', ({ g, inputs: [A], attrs }) => {
  const { U, S, Vh, E, m, k } = svdParts(A!);
  const gU = attrs.fullMatrices && m > k ? narrow(g, -1, 0, k) : g;
  let inner = matmul(U, mul(div(skew(matmul(mT(U), gU)), E), unsqueeze(S, -2)));
  if (m > k) {
    const gUSinv = mul(gU, unsqueeze(reciprocal(S), -2));
    inner = add(inner, sub(gUSinv, matmul(U, matmul(mT(U), gUSinv))));
  }
  return [matmul(inner, Vh)];
});

// gA = U [S (skew(Vh gVh^T) / E)] Vh + U S^-1 gVh (I - V Vh) (the last term when n > k).
defineGrad('linalg.svdVh', ({ g, inputs: [A], attrs }) => {
  const { U, S, Vh, E, n, k } = svdParts(A!);
  const gVh = attrs.fullMatrices && n > k ? narrow(g, -2, 0, k) : g;
  let inner = matmul(mul(unsqueeze(S, -1), div(skew(matmul(Vh, mT(gVh))), E)), Vh);
  if (n > k) {
    const SinvgVh = mul(unsqueeze(reciprocal(S), -1), gVh);
    inner = add(inner, sub(SinvgVh, matmul(matmul(SinvgVh, mT(Vh)), Vh)));
  }
  return [matmul(U, inner)];
});

// ---- eigh: A = V diag(w) V^T.

// gA = V diag(gw) V^T.
defineGrad('linalg.eigvalsh', ({ g, inputs: [A], attrs }) => {
  const [, V] = eigh(A!, { UPLO: attrs.uplo });
  return [matmul(mul(V, unsqueeze(g, -2)), mT(V))];
});

// gA = V (skew(V^T gV) / 2 / E) V^T with E_ij = w_j - w_i (1 on the diagonal):
// symmetric, the symmetric part of the gradient (dA is symmetric).
defineGrad('linalg.eighVectors', ({ g, inputs: [A], attrs }) => {
  const [w, V] = eigh(A!, { UPLO: attrs.uplo });
  const n = w.shape[w.ndim - 1];
  const E = add(sub(unsqueeze(w, -2), unsqueeze(w, -1)), eyeLike(n, w));
  const inner = div(mul(skew(matmul(mT(V), g)), 0.5), E);
  return [matmul(matmul(V, inner), mT(V))];
});

// ---- pinv: PyTorch's pinv_backward, in A and P = pinv(A) (both differentiable).
defineGrad('linalg.pinv', {
  saveOutput: true,
  rule: ({ g, inputs: [A], output: P }) => {
    const [m, n] = A!.shape.slice(-2);
    const Ph = mT(P!);
    const gh = mT(g);
    if (m <= n) {
      const K = matmul(gh, P!);
      const KPh = matmul(K, Ph);
      const t1 = neg(mT(matmul(P!, K)));
      const t2 = sub(KPh, matmul(matmul(A!, P!), KPh));
      const t3 = matmul(matmul(Ph, P!), sub(gh, matmul(K, A!)));
      return [add(add(t1, t2), t3)];
    }
    const K = matmul(P!, gh);
    const PhK = matmul(Ph, K);
    const t1 = neg(mT(matmul(K, P!)));
    const t2 = matmul(matmul(sub(gh, matmul(A!, K)), P!), Ph);
    const t3 = sub(PhK, matmul(matmul(PhK, P!), A!));
    return [add(add(t1, t2), t3)];
  },
});

// ---- p-norms (PyTorch's linalg_vector_norm_backward): g x |x|^(p-2) / ||x||^(p-1),
// written as sign(x) |x|^(p-1) (0 at x = 0) times g ||x||^(1-p) (0 where the norm is 0).
// The `where`s keep NaN out of both the value and its own gradient.
defineGrad('linalg.vectorNorm', {
  saveOutput: true,
  rule: ({ g, inputs: [x], output: y, attrs }) => {
    const { ord: p, axes, keepdim } = attrs as { ord: number; axes: number[]; keepdim: boolean };
    const keepShape = x!.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const gk = keepdim ? g : reshape(g, keepShape);
    const yk = keepdim ? y! : reshape(y!, keepShape);
    const zero = eq(yk, 0);
    const safeY = where(zero, 1, yk);
    if (p === 2) return [mul(x!, where(zero, 0, div(gk, safeY)))];
    const xz = eq(x!, 0);
    const selfScaled = where(xz, 0, mul(sign(x!), pow(where(xz, 1, abs(x!)), p - 1)));
    return [mul(selfScaled, where(zero, 0, mul(gk, pow(safeY, 1 - p))))];
  },
});
