// Chapter 4, numerical computation: overflow and underflow in the softmax
// (section 4.1); gradient descent against Newton's method (4.3) on a poorly
// conditioned quadratic (4.2: the Hessian's condition number sets gradient
// descent's pace, while Newton's method jumps to the minimum in one step) and
// on Rosenbrock's banana function, Newton's steps taken with wg.hessian and
// wg.linalg.solve; and constrained optimisation (4.4): the book's example,
// min |Ax - b|^2 subject to x^T x <= 1, solved through its KKT conditions
// (gradient ascent on the Lagrange multiplier) and by projected gradient descent.
//   node examples/book/ch04-numerical.mjs
import * as wg from 'wasmgrad';
import { color, contourPlot, lineChart, row } from '../lib/svg.mjs';
import { isMain, main, writeSvg } from './lib/foundations.mjs';

const { linalg } = wg;
const f64 = (v) => wg.tensor(v, { dtype: 'float64' });

// Everything here runs in float64, so that convergence can be followed to
// ~1e-12 instead of stalling at float32's 1e-7.

// The quadratic f(x) = x^T A x / 2 - b^T x with A's eigenvalues 1 and 50 along
// axes rotated by 30 degrees: condition number 50, minimum at x* = A^-1 b = (1, 2).
const ROT = Math.PI / 6;
const [C, S] = [Math.cos(ROT), Math.sin(ROT)];
const EIG = [1, 50];
const A_Q = [
  [EIG[0] * C * C + EIG[1] * S * S, (EIG[0] - EIG[1]) * C * S],
  [(EIG[0] - EIG[1]) * C * S, EIG[0] * S * S + EIG[1] * C * C],
];
const X_STAR_Q = [1, 2];
const B_Q = A_Q.map((r) => r[0] * X_STAR_Q[0] + r[1] * X_STAR_Q[1]);

/** f for points p [..., 2] (a grid evaluates in one call; a single [2] point gives a scalar to differentiate). */
const quadratic = (p) =>
  p
    .matmul(f64(A_Q))
    .mul(p)
    .sum(-1)
    .mul(0.5)
    .sub(p.matmul(f64(B_Q)));
/** Rosenbrock's function (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). */
const rosenbrock = (p) => {
  const [x, y] = [p.select(-1, 0), p.select(-1, 1)];
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
};

/** Gradient descent with a fixed step until |x - xStar| < tol (or maxSteps): the iterates and f - fStar per step. */
function gradientDescent(f, x0, xStar, fStar, lr, tol, maxSteps) {
  const df = wg.grad(f);
  let x = [...x0];
  const path = [x];
  const gap = [wg.tidy(() => f(f64(x)).item()) - fStar];
  let steps = 0;
  while (steps < maxSteps && Math.hypot(x[0] - xStar[0], x[1] - xStar[1]) >= tol) {
    const g = wg.tidy(() => df(f64(x)).toArray());
    x = [x[0] - lr * g[0], x[1] - lr * g[1]];
    steps++;
    path.push(x);
    gap.push(wg.tidy(() => f(f64(x)).item()) - fStar);
  }
  return { path, gap, steps, final: x };
}

/** Newton's method: x <- x - H^-1 grad f, with the Hessian from wg.hessian and the step from linalg.solve. */
function newton(f, x0, xStar, fStar, tol, maxSteps) {
  const df = wg.grad(f);
  const H = wg.hessian(f);
  let x = [...x0];
  const path = [x];
  const gap = [wg.tidy(() => f(f64(x)).item()) - fStar];
  let steps = 0;
  while (steps < maxSteps && Math.hypot(x[0] - xStar[0], x[1] - xStar[1]) >= tol) {
    const dx = wg.tidy(() => linalg.solve(H(f64(x)), df(f64(x))).toArray());
    x = [x[0] - dx[0], x[1] - dx[1]];
    steps++;
    path.push(x);
    gap.push(wg.tidy(() => f(f64(x)).item()) - fStar);
  }
  return { path, gap, steps, final: x };
}

/** f on an n x n grid over [x0, x1] x [y0, y1], in one batched call: z[i][j] = f(xs[j], ys[i]). */
function grid(f, [x0, x1], [y0, y1], n = 121) {
  const xs = Array.from({ length: n }, (_, j) => x0 + ((x1 - x0) * j) / (n - 1));
  const ys = Array.from({ length: n }, (_, i) => y0 + ((y1 - y0) * i) / (n - 1));
  const pts = ys.flatMap((y) => xs.map((x) => [x, y]));
  const flat = wg.tidy(() => f(f64(pts)).toArray());
  return { xs, ys, z: ys.map((_, i) => flat.slice(i * n, (i + 1) * n)) };
}

/** Every k-th point of a long path (the first `head` all kept), so the SVG stays small. */
const thin = (path, k, head = 40) => path.filter((_, i) => i < head || i % k === 0 || i === path.length - 1);

/** Section 4.1: exp overflows (and underflows) where softmax's shifted form does not. */
function softmaxDemo() {
  return wg.tidy(() => {
    const big = wg.tensor([1000, 1001, 1002]);
    const small = wg.tensor([-1000, -1001, -1002]);
    const naive = (x) => x.exp().div(x.exp().sum()).toArray();
    return { naiveBig: naive(big), naiveSmall: naive(small), stableBig: wg.softmax(big, 0).toArray(), stableSmall: wg.softmax(small, 0).toArray() };
  });
}

// Section 4.4's example: min f(x) = |Ax - b|^2 / 2 subject to x^T x <= 1.
// The unconstrained minimiser lies outside the unit disc, so the constraint is active.
const A_C = [
  [2, 0.4],
  [0.6, 1.2],
  [0.3, -0.8],
];
const B_C = [2.6, 2.2, -1.2];

/**
 * The KKT route of section 4.4: the Lagrangian L(x, l) = f(x) + l (x^T x - 1)
 * is minimised over x by x(l) = (A^T A + 2 l I)^-1 A^T b; gradient ascent on l,
 * l <- max(0, l + rate dL/dl) with dL/dl = x^T x - 1, raises l until x(l) is feasible.
 */
function kktSolve(rate, tol, maxSteps) {
  return wg.tidy(() => {
    const A = f64(A_C);
    const AtA = A.transpose(0, 1).matmul(A);
    const Atb = A.transpose(0, 1).matmul(f64(B_C));
    const I = wg.eye(2, 2, { dtype: 'float64' });
    const xOf = (l) => wg.tidy(() => linalg.solve(AtA.add(I.mul(2 * l)), Atb).toArray());
    const unconstrained = xOf(0);
    let lambda = 0;
    let x = unconstrained;
    let steps = 0;
    for (; steps < maxSteps; steps++) {
      const slack = x[0] ** 2 + x[1] ** 2 - 1;
      if (Math.abs(slack) < tol && lambda > 0) break;
      lambda = Math.max(0, lambda + rate * slack);
      x = xOf(lambda);
    }
    // KKT conditions at (x, lambda): stationarity grad f + 2 lambda x = 0, primal and dual feasibility, complementary slackness.
    const xt = f64(x);
    const gradF = A.transpose(0, 1).matmul(A.matmul(xt).sub(f64(B_C)));
    const stationarity = linalg.vectorNorm(gradF.add(xt.mul(2 * lambda))).item();
    const normSq = x[0] ** 2 + x[1] ** 2;
    return { x, lambda, steps, unconstrained, stationarity, normSq, slackness: Math.abs(lambda * (normSq - 1)) };
  });
}

/** Projected gradient descent: a gradient step, then back onto the unit disc (x / max(1, |x|)). */
function projectedGradient(lr, steps) {
  const f = (x) => f64(A_C).matmul(x).sub(f64(B_C)).square().sum().mul(0.5);
  const df = wg.grad(f);
  let x = [0, 0];
  const path = [x];
  for (let i = 0; i < steps; i++) {
    const g = wg.tidy(() => df(f64(x)).toArray());
    const y = [x[0] - lr * g[0], x[1] - lr * g[1]];
    const r = Math.max(1, Math.hypot(y[0], y[1]));
    x = [y[0] / r, y[1] / r];
    path.push(x);
  }
  return { path, x, f };
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  wg.seed(0);
  const files = [];

  const sm = softmaxDemo();
  log('softmax of [1000, 1001, 1002] and [-1000, -1001, -1002] in float32:');
  log(`  naive exp(x) / sum exp(x): [${sm.naiveBig}] and [${sm.naiveSmall}] (overflow to inf/inf, underflow to 0/0)`);
  log(`  wg.softmax (x - max x first): [${sm.stableBig.map((v) => v.toFixed(4))}] and [${sm.stableSmall.map((v) => v.toFixed(4))}]`);

  const cond = wg.tidy(() => {
    const s = linalg.svdvals(f64(A_Q)).toArray();
    return s[0] / s[1];
  });
  const x0q = [-3, -1.5];
  // Gradient descent's best fixed step, 2 / (lambda_min + lambda_max): the error then shrinks by
  // (kappa - 1) / (kappa + 1) per step along both eigenvectors, and flips sign along the steep one (the zigzag).
  // f(x*) = -b^T x* / 2, as A x* = b.
  const fStarQ = -0.5 * (B_Q[0] * X_STAR_Q[0] + B_Q[1] * X_STAR_Q[1]);
  const gdQ = gradientDescent(quadratic, x0q, X_STAR_Q, fStarQ, 2 / (EIG[0] + EIG[1]), 1e-6, 20000);
  const ntQ = newton(quadratic, x0q, X_STAR_Q, fStarQ, 1e-6, 10);
  const newtonOneStepErr = Math.hypot(ntQ.path[1][0] - X_STAR_Q[0], ntQ.path[1][1] - X_STAR_Q[1]);
  log(`\nquadratic with condition number ${cond.toFixed(2)}, from (${x0q}) to |x - x*| < 1e-6:`);
  log(
    `  gradient descent (step 2/(lambda_min + lambda_max)): ${gdQ.steps} steps; Newton: ${ntQ.steps} step (error after it ${newtonOneStepErr.toExponential(2)})`,
  );

  const x0r = [-1.2, 1];
  const maxGd = fast ? 5000 : 50000;
  const gdR = gradientDescent(rosenbrock, x0r, [1, 1], 0, 1e-3, 1e-4, maxGd);
  const ntR = newton(rosenbrock, x0r, [1, 1], 0, 1e-10, 50);
  const gdRErr = Math.hypot(gdR.final[0] - 1, gdR.final[1] - 1);
  log(`Rosenbrock from (${x0r}):`);
  log(
    `  gradient descent (step 1e-3): ${gdR.steps} steps${gdR.steps === maxGd ? ' (the cap)' : ''}, |x - x*| = ${gdRErr.toExponential(2)}, f = ${gdR.gap.at(-1).toExponential(2)}`,
  );
  log(`  Newton: ${ntR.steps} steps to |x - x*| < 1e-10 (f: ${ntR.gap.map((v) => v.toExponential(1)).join(', ')})`);

  const gq = grid(quadratic, [-4, 3], [-3, 4]);
  const levelsQ = [0.02, 0.1, 0.3, 1, 3, 10, 30, 80, 160].map((v) => fStarQ + v);
  const gr = grid(rosenbrock, [-2, 2], [-1, 3]);
  const levelsR = [0.3, 1, 3, 10, 30, 100, 300, 1000];
  writeSvg(
    out,
    'ch04-paths.svg',
    row([
      contourPlot({
        ...gq,
        levels: levelsQ,
        title: `quadratic, condition number ${Math.round(cond)}`,
        xLabel: 'x1',
        yLabel: 'x2',
        // 346 x 346 pixels of plotting area for a square range: circles stay round.
        width: 560,
        height: 430,
        paths: [
          { name: `GD (${gdQ.steps} steps)`, points: thin(gdQ.path, 10), color: color(0), markers: true },
          { name: `Newton (${ntQ.steps})`, points: ntQ.path, color: color(3), markers: true },
        ],
        marks: [{ x: X_STAR_Q[0], y: X_STAR_Q[1], color: '#000', r: 4 }],
      }),
      contourPlot({
        ...gr,
        levels: levelsR,
        title: "Rosenbrock's function",
        xLabel: 'x',
        yLabel: 'y',
        width: 560,
        height: 430,
        paths: [
          { name: `GD (${gdR.steps} steps)`, points: thin(gdR.path, 50), color: color(0) },
          { name: `Newton (${ntR.steps})`, points: ntR.path, color: color(3), markers: true },
        ],
        marks: [{ x: 1, y: 1, color: '#000', r: 4 }],
      }),
    ]),
    files,
  );
  // Newton's handful of steps would vanish next to gradient descent's thousands: the first 30 iterations, then all.
  // A gap that rounds to 0 (or below) is drawn at 1e-18, the floor of the log axis.
  const series = (r, name, c, dashed, upTo) => {
    const idx = thin(
      r.gap.slice(0, upTo).map((_, i) => i),
      Math.max(1, Math.floor(Math.min(upTo, r.gap.length) / 400)),
    );
    return { name, x: idx, y: idx.map((i) => Math.max(r.gap[i], 1e-18)), color: c, dashed };
  };
  const runs = [
    [gdQ, 'GD, quadratic', color(0), false],
    [ntQ, 'Newton, quadratic', color(3), false],
    [gdR, 'GD, Rosenbrock', color(0), true],
    [ntR, 'Newton, Rosenbrock', color(3), true],
  ];
  writeSvg(
    out,
    'ch04-convergence.svg',
    row([
      lineChart({
        title: 'f(x_k) - f(x*): the first 30 iterations',
        xLabel: 'iteration',
        yLabel: 'f - f*',
        logY: true,
        width: 560,
        series: runs.map((r) => series(...r, 31)),
      }),
      lineChart({ title: 'all iterations', xLabel: 'iteration', yLabel: 'f - f*', logY: true, width: 560, series: runs.map((r) => series(...r, Infinity)) }),
    ]),
    files,
  );

  const kkt = kktSolve(0.5, 1e-12, 2000);
  const pg = projectedGradient(0.2, fast ? 300 : 1000);
  const pgVsKkt = Math.hypot(pg.x[0] - kkt.x[0], pg.x[1] - kkt.x[1]);
  log('\nmin |Ax - b|^2 / 2 subject to |x| <= 1:');
  log(`  unconstrained minimiser (${kkt.unconstrained.map((v) => v.toFixed(4))}), norm ${Math.hypot(...kkt.unconstrained).toFixed(4)}: outside the disc`);
  log(`  KKT (ascent on lambda, ${kkt.steps} steps): x = (${kkt.x.map((v) => v.toFixed(6))}), lambda = ${kkt.lambda.toFixed(6)}`);
  log(
    `    |grad f + 2 lambda x| = ${kkt.stationarity.toExponential(2)}, x^T x - 1 = ${(kkt.normSq - 1).toExponential(2)}, lambda (x^T x - 1) = ${kkt.slackness.toExponential(2)}`,
  );
  log(
    `  projected gradient descent (${pg.path.length - 1} steps): x = (${pg.x.map((v) => v.toFixed(6))}), distance to the KKT point ${pgVsKkt.toExponential(2)}`,
  );
  const gc = grid((p) => f64(A_C).matmul(p.unsqueeze(-1)).squeeze(-1).sub(f64(B_C)).square().sum(-1).mul(0.5), [-1.6, 2], [-1.6, 2]);
  const fMin = Math.min(...gc.z.flat());
  const circle = Array.from({ length: 121 }, (_, k) => [Math.cos((k * Math.PI) / 60), Math.sin((k * Math.PI) / 60)]);
  writeSvg(
    out,
    'ch04-constrained.svg',
    contourPlot({
      ...gc,
      levels: [0.05, 0.2, 0.5, 1, 2, 4, 7, 11].map((v) => fMin + v),
      title: 'min |Ax - b|^2 / 2 subject to |x| <= 1',
      xLabel: 'x1',
      yLabel: 'x2',
      width: 620,
      height: 490,
      curves: [{ points: circle, color: '#000' }],
      paths: [{ name: 'projected GD', points: thin(pg.path, 10, 30), color: color(0), markers: true }],
      marks: [
        { x: kkt.unconstrained[0], y: kkt.unconstrained[1], color: color(7), name: 'unconstrained min' },
        { x: kkt.x[0], y: kkt.x[1], color: color(3), name: 'KKT solution' },
      ],
    }),
    files,
  );

  const headline = {
    naiveSoftmaxFinite: [...sm.naiveBig, ...sm.naiveSmall].every(Number.isFinite),
    stableSoftmaxBig: sm.stableBig,
    stableSoftmaxSmall: sm.stableSmall,
    quadraticCondition: cond,
    gdQuadraticSteps: gdQ.steps,
    newtonQuadraticSteps: ntQ.steps,
    newtonQuadraticOneStepError: newtonOneStepErr,
    gdRosenbrockSteps: gdR.steps,
    gdRosenbrockError: gdRErr,
    gdRosenbrockConverged: gdRErr < 1e-4,
    newtonRosenbrockSteps: ntR.steps,
    newtonRosenbrockError: Math.hypot(ntR.final[0] - 1, ntR.final[1] - 1),
    constrainedUnconstrainedNorm: Math.hypot(...kkt.unconstrained),
    kktX: kkt.x,
    kktLambda: kkt.lambda,
    kktSteps: kkt.steps,
    kktStationarity: kkt.stationarity,
    kktPrimal: kkt.normSq - 1,
    kktSlackness: kkt.slackness,
    projectedX: pg.x,
    projectedNorm: Math.hypot(...pg.x),
    projectedVsKkt: pgVsKkt,
  };
  return { headline, files };
}

if (isMain(import.meta.url)) await main(run);
