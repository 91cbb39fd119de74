// Recurrent layers (RNN, LSTM, GRU) with PyTorch's semantics: parameter names
// (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0 ...), shapes, gate orders
// (LSTM i f g o, GRU r z n), initialisation U(-1/sqrt(H), 1/sqrt(H)) and the
// [output, hN] / [output, [hN, cN]] results. The cell math is written with
// public ops so that autodiff (and higher-order gradients) come for free.
import type { DType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { zeros } from '../ops/creation.js';
import { concat, stack } from '../ops/join.js';
import { linear } from '../ops/linalg.js';
import { dropout } from '../ops/losses.js';
import { relu, sigmoid, tanh } from '../ops/unary.js';
import { narrow, select, squeeze, transpose, unsqueeze } from '../ops/views.js';
import { empty } from './empty.js';
import { uniform_ } from './init.js';
import { Module, parameter } from './module.js';

export interface RNNBaseOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output are [N, L, H] instead of [L, N, H] (hN and cN are not affected, as in PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode only. */
  dropout?: number;
  bidirectional?: boolean;
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export interface LSTMOptions extends RNNBaseOptions {
  /** When > 0, h is projected to this size by weight_hr_l{k} (an LSTM with projections). */
  projSize?: number;
}

export type GRUOptions = RNNBaseOptions;

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

function checkPositive(layer: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new ArgumentError(`${layer}: ${name} must be an integer >= ${min}, got ${v}`);
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;

  constructor(
    private readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RNNBaseOptions & { projSize?: number },
  ) {
    super();
    const name = this.constructor.name;
    checkPositive(name, 'inputSize', inputSize);
    checkPositive(name, 'hiddenSize', hiddenSize);
    this.numLayers = opts.numLayers ?? 1;
    checkPositive(name, 'numLayers', this.numLayers);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(`${name}: dropout must be in [0, 1], got ${this.dropout}`);
    this.bidirectional = opts.bidirectional ?? false;
    this.projSize = opts.projSize ?? 0;
    checkPositive(name, 'projSize', this.projSize, 0);
    if (this.projSize >= hiddenSize) throw new ArgumentError(`${name}: projSize (${this.projSize}) must be smaller than hiddenSize (${hiddenSize})`);

    // Registered in PyTorch's order (per layer, per direction: w_ih, w_hh, b_ih,
    // b_hh, w_hr), which is the order of namedParameters and the state dict.
    const gate = GATES[mode] * hiddenSize;
    const hOut = this.outSize;
    const own = this as unknown as Record<string, Tensor>;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? inputSize : hOut * this.numDirections;
      for (let dir = 0; dir < this.numDirections; dir++) {
        const sfx = `_l${layer}${dir ? '_reverse' : ''}`;
        own[`weight_ih${sfx}`] = parameter(empty([gate, inSize]));
        own[`weight_hh${sfx}`] = parameter(empty([gate, hOut]));
        if (this.bias) {
          own[`bias_ih${sfx}`] = parameter(empty([gate]));
          own[`bias_hh${sfx}`] = parameter(empty([gate]));
        }
        if (this.projSize) own[`weight_hr${sfx}`] = parameter(empty([this.projSize, hiddenSize]));
      }
    }
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k);
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The size of h (projSize when projecting, else hiddenSize). */
  get outSize(): number {
    return this.projSize || this.hiddenSize;
  }

  /** A parameter by its PyTorch name, read at call time so a replaced tensor is used. */
  private param(name: string): Tensor | null {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor ? v : null;
  }

  /** Checks the input and the initial states, runs every layer, and returns the output and final states. */
  protected run(x: Tensor, h0: Tensor | null, c0: Tensor | null): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const name = this.constructor.name;
    if (!(x instanceof Tensor)) throw new ArgumentError(`${name}: input must be a Tensor`);
    if (x.dtype === 'int32') throw new DTypeError(`${name}: input must be floating-point, got int32`);
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${name}: expected input [L, N, ${this.inputSize}] (or unbatched [L, ${this.inputSize}]), got ${fmt(x.shape)}`);
    }
    const batched = x.ndim === 3;
    const n = batched ? x.shape[this.batchFirst ? 0 : 1] : 1;
    const states = this.numLayers * this.numDirections;
    const check = (t: Tensor | null, what: string, size: number) => {
      if (t === null) return;
      const want = batched ? [states, n, size] : [states, size];
      if (!(t instanceof Tensor) || t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${name}: expected ${what} of shape ${fmt(want)}, got ${t instanceof Tensor ? fmt(t.shape) : typeof t}`);
      }
    };
    check(h0, 'hx', this.outSize);
    check(c0, 'cx', this.hiddenSize);
    const dtype = x.dtype;

    return ENGINE.tidy(() => {
      // Internally everything is [L, N, ...].
      const seq = batched ? (this.batchFirst ? transpose(x, 0, 1) : x) : unsqueeze(x, 1);
      let xs = Array.from({ length: seq.shape[0] }, (_, t) => select(seq, 0, t));
      const initial = (t: Tensor | null, size: number) => (t ? (batched ? t : unsqueeze(t, 1)) : zeros([states, n, size], { dtype }));
      const hInit = initial(h0, this.outSize);
      const cInit = this.mode === 'LSTM' ? initial(c0, this.hiddenSize) : null;
      const hs: Tensor[] = [];
      const cs: Tensor[] = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        const outs: Tensor[][] = [];
        for (let dir = 0; dir < this.numDirections; dir++) {
          const i = layer * this.numDirections + dir;
          const r = this.direction(xs, select(hInit, 0, i), cInit && select(cInit, 0, i), `_l${layer}${dir ? '_reverse' : ''}`, dir === 1, dtype);
          outs.push(r.out);
          hs.push(r.h);
          if (r.c) cs.push(r.c);
        }
        xs = outs.length > 1 ? outs[0].map((o, t) => concat([o, outs[1][t]], 1)) : outs[0];
        if (this.dropout > 0 && this.training && layer < this.numLayers - 1) xs = xs.map((o) => dropout(o, this.dropout, true));
      }
      const y = stack(xs, 0);
      const restore = (t: Tensor) => (batched ? t : squeeze(t, 1));
      return {
        output: batched ? (this.batchFirst ? transpose(y, 0, 1) : y) : squeeze(y, 1),
        hN: restore(stack(hs, 0)),
        cN: cs.length ? restore(stack(cs, 0)) : null,
      };
    });
  }

  /**
   * One layer in one direction over the steps xs (each [N, I]): the outputs
   * (each [N, H_out]) and the final h (and c). Each step takes its input as its
   * own tensor: slicing one precomputed [L, N, G] projection would cost a
   * full-size gradient scatter per step in the backward pass.
   */
  private direction(xs: Tensor[], h0: Tensor, c0: Tensor | null, sfx: string, reverse: boolean, dtype: DType) {
    const H = this.hiddenSize;
    const wIh = this.param(`weight_ih${sfx}`)!;
    const wHh = this.param(`weight_hh${sfx}`)!;
    const bIh = this.param(`bias_ih${sfx}`);
    const bHh = this.param(`bias_hh${sfx}`);
    const wHr = this.param(`weight_hr${sfx}`);
    const gru = this.mode === 'GRU';
    // Except for the GRU (whose n gate applies r to the h part alone), one GEMM
    // per step: [x, h] @ [W_ih, W_hh]^T + (b_ih + b_hh).
    const wCat = gru ? null : concat([wIh, wHh], 1);
    const bSum = gru || !bIh || !bHh ? null : add(bIh, bHh);
    const cast = (t: Tensor | null) => (t && t.dtype !== dtype ? t.cast(dtype) : t);
    const out: Tensor[] = new Array(xs.length);
    let h = cast(h0)!;
    let c = cast(c0);
    for (let s = 0; s < xs.length; s++) {
      const t = reverse ? xs.length - 1 - s : s;
      const xt = xs[t];
      switch (this.mode) {
        case 'RNN_TANH':
          h = tanh(linear(concat([xt, h], 1), wCat!, bSum));
          break;
        case 'RNN_RELU':
          h = relu(linear(concat([xt, h], 1), wCat!, bSum));
          break;
        case 'LSTM': {
          const g = linear(concat([xt, h], 1), wCat!, bSum);
          const i = sigmoid(narrow(g, 1, 0, H));
          const f = sigmoid(narrow(g, 1, H, H));
          const cand = tanh(narrow(g, 1, 2 * H, H));
          const o = sigmoid(narrow(g, 1, 3 * H, H));
          c = add(mul(f, c!), mul(i, cand));
          h = mul(o, tanh(c));
          if (wHr) h = linear(h, wHr);
          break;
        }
        case 'GRU': {
          // r and z see W_i x + b_i + W_h h + b_h; n sees r * (W_hn h + b_hn) (PyTorch's GRU).
          const gi = linear(xt, wIh, bIh);
          const gh = linear(h, wHh, bHh);
          const rz = sigmoid(add(narrow(gi, 1, 0, 2 * H), narrow(gh, 1, 0, 2 * H)));
          const nGate = tanh(add(narrow(gi, 1, 2 * H, H), mul(narrow(rz, 1, 0, H), narrow(gh, 1, 2 * H, H))));
          // (1 - z) n + z h = n + z (h - n)
          h = add(nGate, mul(narrow(rz, 1, H, H), sub(h, nGate)));
          break;
        }
      }
      out[t] = h;
    }
    return { out, h, c };
  }

  protected override extraRepr(): string {
    const extra = [
      this.numLayers !== 1 && `numLayers=${this.numLayers}`,
      !this.bias && 'bias=false',
      this.batchFirst && 'batchFirst=true',
      this.dropout && `dropout=${this.dropout}`,
      this.bidirectional && 'bidirectional=true',
      this.projSize && `projSize=${this.projSize}`,
    ].filter(Boolean);
    return [`${this.inputSize}, ${this.hiddenSize}`, ...extra].join(', ');
  }
}

/** An Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act tanh or relu. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${nl}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  /** x [L, N, I] ([N, L, I] with batchFirst, or [L, I]); hx [numLayers * numDirections, N, H]. Returns [output, hN]. */
  forward(x: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const r = this.run(x, hx, null);
    return [r.output, r.hN];
  }
}

/** Long short-term memory with PyTorch's gate order i, f, g, o. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }

  /** hx is [h0, c0] (or null for zeros). Returns [output, [hN, cN]]. */
  forward(x: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError('LSTM: hx must be a pair [h0, c0]');
    const r = this.run(x, hx ? hx[0] : null, hx ? hx[1] : null);
    return [r.output, [r.hN, r.cN!]];
  }
}

/** Gated recurrent unit with PyTorch's gate order r, z, n. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: GRUOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }

  /** Returns [output, hN]. */
  forward(x: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const r = this.run(x, hx, null);
    return [r.output, r.hN];
  }
}
