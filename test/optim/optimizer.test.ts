// The optimizer API: state dicts that continue a trajectory, parameter groups,
// zeroGrad and skipped parameters, identity of the parameters, flat memory,
// and the errors for bad hyper-parameters and bad state dicts.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, on, setupBackends, wg } from '../helpers/index.js';
import { flat, fx, loss, makeOptimizer, optim, problem, trainStep } from './common.js';

beforeAll(setupBackends);

describe('stateDict / loadStateDict', () => {
  // Every fixture case: 10 steps, a fresh optimizer (default options) loads the
  // state dict and must continue exactly where the first one would have gone.
  for (const c of fx.optimizers) {
    it(`a fresh ${c.name} continues the trajectory`, () => {
      on('js', () =>
        wg.tidy(() => {
          const a = problem('float64');
          const optA = makeOptimizer(c, [a.W, a.x]);
          for (let s = 0; s < 10; s++) trainStep(optA, a.W, a.x, a.t);
          const sd = optA.stateDict();
          const W = a.W.detach().clone().requiresGrad_();
          const x = a.x.detach().clone().requiresGrad_();
          const optB = makeOptimizer(c, [W, x], undefined);
          optB.loadStateDict(sd);
          wg.dispose(Object.values(sd.state).flatMap((st) => Object.values(st).filter((v) => v instanceof wg.Tensor)));
          expect(optB.paramGroups.map(({ params: _, ...h }) => h)).toEqual(optA.paramGroups.map(({ params: _, ...h }) => h));
          for (let s = 10; s < fx.steps; s++) {
            trainStep(optA, a.W, a.x, a.t);
            trainStep(optB, W, x, a.t);
            expect(flat(W, x)).toEqual(flat(a.W, a.x));
            expectClose(flat(W, x), c.params[s], { rtol: 1e-9, atol: 1e-12 }, `${c.name} step ${s + 1}`);
          }
        }),
      );
    });
  }

  it('numbers parameters in group order and copies the buffers', () => {
    on('js', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float64');
        const opt = new optim.Adam([{ params: [x] }, { params: [W], lr: 0.5, betas: [0.5, 0.6] }], { amsgrad: true });
        trainStep(opt, W, x, t);
        const sd = opt.stateDict();
        expect(sd.paramGroups).toEqual([
          { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0] },
          { lr: 0.5, betas: [0.5, 0.6], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1] },
        ]);
        expect(Object.keys(sd.state)).toEqual(['0', '1']);
        expect(sd.state[1].step).toBe(1);
        expect((sd.state[1].expAvg as wg.Tensor).shape).toEqual([3, 4]);
        expect(Object.keys(sd.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
        // A copy: changing it does not change the optimizer, nor does the optimizer's next step change it.
        const before = Array.from((sd.state[0].expAvg as wg.Tensor).dataSync());
        sd.paramGroups[1].betas = [0, 0];
        trainStep(opt, W, x, t);
        expect(Array.from((sd.state[0].expAvg as wg.Tensor).dataSync())).toEqual(before);
        expect(opt.paramGroups[1].betas).toEqual([0.5, 0.6]);
      }),
    );
  });

  it('loads float64 state into float32 parameters on another backend', () => {
    const sd = on('js', () => {
      const { W, x, t } = problem('float64');
      const opt = new optim.RMSprop([W, x], { centered: true, momentum: 0.5 });
      trainStep(opt, W, x, t);
      return opt.stateDict();
    });
    on('wasm', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float32');
        const opt = new optim.RMSprop([W, x]);
        opt.loadStateDict(sd);
        expect(opt.paramGroups[0].centered).toBe(true);
        trainStep(opt, W, x, t);
        const st = opt.stateDict().state[0];
        expect(st.step).toBe(2);
        expect((st.gradAvg as wg.Tensor).dtype).toBe('float32');
        expect((st.gradAvg as wg.Tensor).device).toBe('wasm');
      }),
    );
  });

  it('rejects state dicts that do not fit, naming the optimizer, and changes nothing', () => {
    on('js', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float64');
        const adam = new optim.Adam([W, x]);
        trainStep(adam, W, x, t);
        const sd = adam.stateDict();
        const other = new optim.Adam([x, W]); // same sizes, shapes swapped
        expect(() => other.loadStateDict(sd)).toThrow(wg.ShapeError);
        expect(() => other.loadStateDict(sd)).toThrow(/Adam\.loadStateDict: state '\w+' of parameter 0 has shape \[3,4\], the parameter has shape \[4\]/);
        expect(() => new optim.Adam([W]).loadStateDict(sd)).toThrow(
          /Adam\.loadStateDict: parameter group 0 has 2 parameters in the state dict, 1 in the optimizer/,
        );
        expect(() => new optim.Adam([{ params: [W] }, { params: [x] }]).loadStateDict(sd)).toThrow(
          /Adam\.loadStateDict: the state dict has 1 parameter groups, the optimizer has 2/,
        );
        expect(() => new optim.SGD([W, x]).loadStateDict(sd)).toThrow(/^SGD\.loadStateDict: unknown hyper-parameter .* in parameter group 0: 'betas'$/);
        expect(() => adam.loadStateDict({ state: {}, paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] })).toThrow(/Adam: invalid learning rate: -1/);
        expect(() => adam.loadStateDict({ state: { 0: { step: 1 } }, paramGroups: sd.paramGroups })).toThrow(/lacks 'expAvg'/);
        expect(() => adam.loadStateDict({ state: { 5: sd.state[0] }, paramGroups: sd.paramGroups })).toThrow(/parameter 5, which no parameter group lists/);
        expect(() => adam.loadStateDict(null as never)).toThrow(wg.ArgumentError);
        // The failed loads left the optimizer as it was.
        const again = adam.stateDict();
        expect(again.state[0].step).toBe(1);
        expect(Array.from((again.state[0].expAvg as wg.Tensor).dataSync())).toEqual(Array.from((sd.state[0].expAvg as wg.Tensor).dataSync()));
      }),
    );
  });
});

describe('param groups, zeroGrad and step', () => {
  it('applies each group its own learning rate and adds groups later', () => {
    on('js', () =>
      wg.tidy(() => {
        const a = wg.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
        const b = wg.tensor([3], { dtype: 'float64', requiresGrad: true });
        const c = wg.tensor([5], { dtype: 'float64', requiresGrad: true });
        const opt = new optim.SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1 });
        opt.addParamGroup({ params: [c], lr: 1 });
        expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5, 1]);
        for (const p of [a, b, c]) p.grad = wg.onesLike(p);
        opt.step();
        expect(a.toArray()).toEqual([0.9, 1.9]);
        expect(b.toArray()).toEqual([2.5]);
        expect(c.toArray()).toEqual([4]);
        expect(() => opt.addParamGroup({ params: [a] })).toThrow(/SGD: some parameters appear more than once/);
      }),
    );
  });

  it('updates in place: parameters keep their identity, storage and requiresGrad', () => {
    on('wasm', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float32');
        const storage = W.storage;
        const opt = new optim.AdamW([W, x]);
        trainStep(opt, W, x, t);
        expect(opt.paramGroups[0].params[0]).toBe(W);
        expect(W.storage).toBe(storage);
        expect(W.requiresGrad && W.isLeaf).toBe(true);
        expect(W.storage.version).toBeGreaterThan(0);
      }),
    );
  });

  it('skips parameters whose gradient is null and creates no state for them', () => {
    on('js', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float64');
        const opt = new optim.Adam([W, x], { lr: 0.1 });
        const before = Array.from(x.dataSync());
        wg.tidy(() => W.matmul(x.detach()).sub(t).square().sum().backward());
        expect(x.grad).toBeNull();
        opt.step();
        expect(Array.from(x.dataSync())).toEqual(before);
        expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
      }),
    );
  });

  it('zeroGrad disposes the gradients and sets them to null; zeroGrad(false) zeroes them', () => {
    on('js', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float64');
        const opt = new optim.SGD([W, x], { lr: 0.1 });
        wg.tidy(() => loss(W, x, t).backward());
        const g = W.grad!;
        opt.zeroGrad(false);
        expect(W.grad).toBe(g);
        expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
        opt.zeroGrad();
        expect(W.grad).toBeNull();
        expect(x.grad).toBeNull();
        expect(g.isDisposed).toBe(true);
      }),
    );
  });

  it('step(closure) evaluates the loss with recording on and returns it', () => {
    on('js', () =>
      wg.tidy(() => {
        const { W, x, t } = problem('float64');
        const opt = new optim.SGD([W, x], { lr: 0.02 });
        const value = wg.noGrad(() =>
          opt.step(() => {
            opt.zeroGrad();
            const l = loss(W, x, t);
            l.backward();
            return l.item();
          }),
        );
        expect(value).toBeCloseTo(fx.optimizers[0].losses[0], 12);
        expectClose(flat(W, x), fx.optimizers[0].params[0], { rtol: 1e-9 }, 'after one step');
      }),
    );
  });

  it('a scheduler changes the rate the next step uses', () => {
    on('js', () =>
      wg.tidy(() => {
        const p = wg.tensor([0], { dtype: 'float64', requiresGrad: true });
        const opt = new optim.SGD([p], { lr: 1 });
        const sched = new optim.StepLR(opt, 1, { gamma: 0.5 });
        const moves: number[] = [];
        for (let i = 0; i < 4; i++) {
          const before = p.item();
          p.grad = wg.onesLike(p);
          opt.step();
          moves.push(before - p.item());
          sched.step();
        }
        expect(moves).toEqual([1, 0.5, 0.25, 0.125]);
      }),
    );
  });
});

describe('memory', () => {
  const makers: [string, (ps: wg.Tensor[]) => optim.Optimizer<any>][] = [
    ['SGD nesterov', (ps) => new optim.SGD(ps, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
    ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 1e-3, lrDecay: 0.01, weightDecay: 0.1 })],
    ['RMSprop centered momentum', (ps) => new optim.RMSprop(ps, { lr: 1e-3, centered: true, momentum: 0.5, weightDecay: 0.1 })],
    ['Adam amsgrad', (ps) => new optim.Adam(ps, { lr: 1e-3, amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (ps) => new optim.AdamW(ps, { lr: 1e-3, amsgrad: true })],
  ];
  for (const [name, make] of makers) {
    it(`1,000 ${name} steps leave wg.memory() unchanged after the first`, () => {
      on('wasm', () => {
        const { W, x, t } = problem('float32');
        W.grad = wg.keep(wg.fullLike(W, 0.01));
        x.grad = wg.keep(wg.fullLike(x, -0.02));
        const opt = make([W, x]);
        opt.step();
        const after1 = wg.memory();
        for (let i = 0; i < 1000; i++) opt.step();
        expect(wg.memory()).toEqual(after1);
        // Training steps wrapped in a user's tidy: the state survives, nothing leaks.
        const sched = new optim.ExponentialLR(opt, 0.999);
        const train = () =>
          wg.tidy(() => {
            opt.zeroGrad();
            loss(W, x, t).backward();
            opt.step();
            sched.step();
          });
        train();
        const afterTrain = wg.memory();
        for (let i = 0; i < 200; i++) train();
        expect(wg.memory()).toEqual(afterTrain);
        opt.zeroGrad();
        opt.dispose();
        wg.dispose([W, x, t]);
      });
    });
  }
});
