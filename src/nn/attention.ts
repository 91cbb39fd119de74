// Multi-head attention with PyTorch's parameters (in_proj_weight / in_proj_bias,
// or q_proj_weight, k_proj_weight, v_proj_weight when kdim or vdim differ from
// embedDim; out_proj a Linear; bias_k / bias_v with addBiasKv), its
// initialisation, and the masking semantics of torch.nn.MultiheadAttention.
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { add, gt, mul, where } from '../ops/binary.js';
import { arange, zeros } from '../ops/creation.js';
import { chunk, concat, pad } from '../ops/join.js';
import { linear, matmul } from '../ops/linalg.js';
import { dropout } from '../ops/losses.js';
import { mean, softmax } from '../ops/reduce.js';
import { broadcastTo, permute, reshape, squeeze, transpose, unsqueeze } from '../ops/views.js';
import { empty } from './empty.js';
import { constant_, xavierNormal_, xavierUniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module, parameter } from './module.js';

export interface MultiheadAttentionOptions {
  bias?: boolean;
  /** query, key, value and the output are [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
  /** Dropout on the attention weights, in training mode only. */
  dropout?: number;
  /** The feature size of key (default embedDim). */
  kdim?: number;
  /** The feature size of value (default embedDim). */
  vdim?: number;
  /** Learned bias_k / bias_v appended to the projected keys and values. */
  addBiasKv?: boolean;
  /** A zero key and value appended after the projection (and bias_k / bias_v). */
  addZeroAttn?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): int32 1 = ignore that key; a float mask is added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** [L, S] or [N * numHeads, L, S]: int32 1 = not allowed; a float mask is added to the scores. */
  attnMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** Average the weights over the heads (default true) rather than return [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /**
   * Causal attention: query i sees keys 0..i. PyTorch treats this as a hint that
   * attnMask is the causal mask; here attnMask, when given, is used as is, and
   * without one the causal mask is built.
   */
  isCausal?: boolean;
}

export class MultiheadAttention extends Module {
  // Declared in PyTorch's registration order: the order of the state dict.
  in_proj_weight: Tensor | null = null;
  q_proj_weight: Tensor | null = null;
  k_proj_weight: Tensor | null = null;
  v_proj_weight: Tensor | null = null;
  in_proj_bias: Tensor | null = null;
  bias_k: Tensor | null = null;
  bias_v: Tensor | null = null;
  out_proj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly addZeroAttn: boolean;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    const positive = (name: string, v: number) => {
      if (!Number.isInteger(v) || v <= 0) throw new ArgumentError(`MultiheadAttention: ${name} must be a positive integer, got ${v}`);
    };
    positive('embedDim', embedDim);
    positive('numHeads', numHeads);
    if (embedDim % numHeads) throw new ArgumentError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    positive('kdim', this.kdim);
    positive('vdim', this.vdim);
    this.headDim = embedDim / numHeads;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(`MultiheadAttention: dropout must be in [0, 1], got ${this.dropout}`);
    this.addZeroAttn = opts.addZeroAttn ?? false;
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) {
      this.in_proj_weight = parameter(xavierUniform_(empty([3 * E, E])));
    } else {
      this.q_proj_weight = parameter(xavierUniform_(empty([E, E])));
      this.k_proj_weight = parameter(xavierUniform_(empty([E, this.kdim])));
      this.v_proj_weight = parameter(xavierUniform_(empty([E, this.vdim])));
    }
    const bias = opts.bias ?? true;
    if (bias) this.in_proj_bias = parameter(constant_(empty([3 * E]), 0));
    if (opts.addBiasKv) {
      this.bias_k = parameter(xavierNormal_(empty([1, 1, E])));
      this.bias_v = parameter(xavierNormal_(empty([1, 1, E])));
    }
    // out_proj keeps Linear's default weight; PyTorch zeroes its bias.
    this.out_proj = new Linear(E, E, { bias });
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  /**
   * query [L, N, E], key [S, N, kdim], value [S, N, vdim] ([N, L, E] ... with
   * batchFirst; [L, E] ... unbatched). Returns [output like query, weights
   * [N, L, S] (averaged) or [N, numHeads, L, S], or null without needWeights].
   */
  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const E = this.embedDim;
    for (const [name, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      if (!(t instanceof Tensor)) throw new ArgumentError(`MultiheadAttention: ${name} must be a Tensor`);
      if (t.dtype === 'int32') throw new DTypeError(`MultiheadAttention: ${name} must be floating-point, got int32`);
    }
    const batched = query.ndim === 3;
    const shapes = `query ${fmt(query.shape)}, key ${fmt(key.shape)}, value ${fmt(value.shape)}`;
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(`MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D (unbatched), got ${shapes}`);
    }
    const last = (t: Tensor) => t.shape[t.ndim - 1];
    if (last(query) !== E || last(key) !== this.kdim || last(value) !== this.vdim) {
      throw new ShapeError(`MultiheadAttention: expected feature sizes ${E}, ${this.kdim}, ${this.vdim} for query, key, value, got ${shapes}`);
    }
    const lead = (t: Tensor) => t.shape.slice(0, -1).join(',');
    const qBatch = batched ? query.shape[this.batchFirst ? 0 : 1] : 1;
    const kBatch = batched ? key.shape[this.batchFirst ? 0 : 1] : 1;
    if (lead(key) !== lead(value) || qBatch !== kBatch)
      throw new ShapeError(`MultiheadAttention: key and value (and the batch of query) must agree, got ${shapes}`);

    return ENGINE.tidy(() => {
      // Internally [L, N, E] like PyTorch's functional form.
      const toLNE = (t: Tensor) => (batched ? (this.batchFirst ? transpose(t, 0, 1) : t) : unsqueeze(t, 1));
      const q0 = toLNE(query);
      const k0 = toLNE(key);
      const v0 = toLNE(value);
      const [L, N] = q0.shape;
      const H = this.numHeads;
      const dtype = q0.dtype;
      const mask = this.mask(opts, batched, N, L, k0.shape[0], dtype);

      const [wq, wk, wv] = this.in_proj_weight ? chunk(this.in_proj_weight, 3, 0) : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
      const [bq, bk, bv] = this.in_proj_bias ? chunk(this.in_proj_bias, 3, 0) : [null, null, null];
      const q = linear(q0, wq, bq);
      let k = linear(k0, wk, bk);
      let v = linear(v0, wv, bv);
      let m = mask;
      // Extra keys (bias_k / bias_v, a zero key) are never masked: pad the mask with a zero column.
      const extend = (extraK: Tensor, extraV: Tensor) => {
        k = concat([k, extraK], 0);
        v = concat([v, extraV], 0);
        if (m) m = pad(m, [0, 1]);
      };
      if (this.bias_k && this.bias_v) extend(broadcastTo(this.bias_k, [1, N, E]), broadcastTo(this.bias_v, [1, N, E]));
      if (this.addZeroAttn) extend(zeros([1, N, E], { dtype: k.dtype }), zeros([1, N, E], { dtype: v.dtype }));

      // [len, N, E] -> [N, H, len, headDim]
      const heads = (t: Tensor) => permute(reshape(t, [t.shape[0], N, H, this.headDim]), [1, 2, 0, 3]);
      let scores = matmul(mul(heads(q), 1 / Math.sqrt(this.headDim)), transpose(heads(k), 2, 3));
      if (m) scores = add(scores, m);
      let attn = softmax(scores, -1);
      if (this.dropout > 0 && this.training) attn = dropout(attn, this.dropout, true);
      const ctx = reshape(permute(matmul(attn, heads(v)), [2, 0, 1, 3]), [L, N, E]);
      const out = this.out_proj.forward(ctx);
      const weights = opts.needWeights === false ? null : opts.averageAttnWeights === false ? attn : mean(attn, 1);
      if (!batched) return [squeeze(out, 1), weights && squeeze(weights, 0)] as [Tensor, Tensor | null];
      return [this.batchFirst ? transpose(out, 0, 1) : out, weights] as [Tensor, Tensor | null];
    });
  }

  /** The masks as one float tensor that broadcasts to the scores [N, H, L, S] (or null). */
  private mask(opts: MultiheadAttentionForwardOptions, batched: boolean, N: number, L: number, S: number, dtype: Tensor['dtype']): Tensor | null {
    const H = this.numHeads;
    // An int32 mask marks what is not allowed; a float mask is added as is.
    const toFloat = (t: Tensor) => (t.dtype === 'int32' ? where(t, Number.NEGATIVE_INFINITY, zeros([], { dtype })) : t);
    let out: Tensor | null = null;
    let am = opts.attnMask ?? null;
    if (am) {
      if (!(am instanceof Tensor)) throw new ArgumentError('MultiheadAttention: attnMask must be a Tensor');
      if (am.ndim === 2 && am.shape[0] === L && am.shape[1] === S) out = toFloat(am);
      else if (am.ndim === 3 && am.shape[0] === N * H && am.shape[1] === L && am.shape[2] === S) out = reshape(toFloat(am), [N, H, L, S]);
      else throw new ShapeError(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}], got ${fmt(am.shape)}`);
    } else if (opts.isCausal) {
      am = gt(reshape(arange(0, S, 1, { dtype: 'int32' }), [1, S]), reshape(arange(0, L, 1, { dtype: 'int32' }), [L, 1]));
      out = toFloat(am);
    }
    const kpm = opts.keyPaddingMask ?? null;
    if (kpm) {
      if (!(kpm instanceof Tensor)) throw new ArgumentError('MultiheadAttention: keyPaddingMask must be a Tensor');
      const want = batched ? [N, S] : [S];
      if (kpm.ndim !== want.length || kpm.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`MultiheadAttention: keyPaddingMask must be ${fmt(want)}, got ${fmt(kpm.shape)}`);
      }
      const k4 = reshape(toFloat(kpm), [N, 1, 1, S]);
      out = out ? add(out, k4) : k4;
    }
    return out;
  }

  protected override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}`;
  }
}
