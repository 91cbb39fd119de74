// WGSL building blocks shared by the kernel families: element types, the
// uniform accessors, the linear invocation index, strided offsets, and the
// float helpers that must not be optimised away.
import type { DType } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { mergeDims, sizeOf } from '../../core/shape.js';

export type WgslType = 'f32' | 'i32';

export function wgslType(dtype: DType, op = 'webgpu'): WgslType {
  if (dtype === 'float64') throw new DTypeError(`${op}: float64 is not supported on the webgpu backend (WGSL has no 64-bit floats); cast to float32 first`);
  return dtype === 'int32' ? 'i32' : 'f32';
}

/** Workgroup size of the one-thread-per-element kernels. */
export const WG = 256;

/**
 * Workgroup counts for `threads` invocations of `wg` threads, spread over x and
 * y when x alone would pass the 65535 limit. Shaders rebuild the linear index
 * with MAIN_1D.
 */
export function grid(threads: number, wg = WG): [number, number, number] {
  const g = Math.max(1, Math.ceil(threads / wg));
  if (g <= 65535) return [g, 1, 1];
  const y = Math.ceil(g / 65535);
  return [Math.ceil(g / y), y, 1];
}

/** The entry point of a 1-D kernel; the body sees `gid` (the linear invocation index) and `wgid` (the workgroup's). */
export function main1d(wg = WG): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wgid = wid.x + wid.y * nwg.x;
  let gid = wgid * ${wg}u + lid;
  opaque_bits = PU(0u) >> 31u;`;
}

/**
 * Accessors of the uniform block U (i32 words) and float helpers.
 * NOTE: the compilers under WebGPU fold x != x to false and x * 0 to 0, so NaN
 * tests look at the bits, and NaN and infinity are made at run time (a
 * constant expression that is not finite is a shader-creation error).
 */
export const PRELUDE = `
// NOTE: the compilers under WebGPU may reassociate float arithmetic (lavapipe
// turns the Cody-Waite steps x - j A - j B - ... into x - j (A + B + ...)).
// keep(x) is x, through an xor with a word that is 0 at run time but unknown
// to the compiler (P(0) of every 1-D kernel is a count >= 0, so P(0) >> 31 is
// 0), which no optimisation can see through.
var<private> opaque_bits: u32;
fn keep(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ opaque_bits); }
fn P(i: u32) -> i32 { return U[i >> 2u][i & 3u]; }
fn PU(i: u32) -> u32 { return u32(U[i >> 2u][i & 3u]); }
fn PF(i: u32) -> f32 { return bitcast<f32>(U[i >> 2u][i & 3u]); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn nan_f() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn inf_f() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn copysign_f(x: f32, s: f32) -> f32 { return bitcast<f32>((bitcast<u32>(x) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u)); }
// float -> int32 as PyTorch's .int(): toward zero, NaN -> 0, saturating.
fn to_i32(x: f32) -> i32 {
  if (is_nan(x)) { return 0; }
  if (x >= 2147483648.0) { return 2147483647; }
  if (x <= -2147483648.0) { return i32(-2147483647) - 1; }
  return i32(x);
}
// max / min that propagate NaN (WGSL's builtins need not).
fn max_nan(a: f32, b: f32) -> f32 { if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return max(a, b); }
fn min_nan(a: f32, b: f32) -> f32 { if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return min(a, b); }
`;

/** Converts a value of WGSL type `from` to `to`. */
export function convert(expr: string, from: WgslType, to: WgslType): string {
  if (from === to) return expr;
  return to === 'i32' ? `to_i32(${expr})` : `f32(${expr})`;
}

/**
 * Code that turns the linear index `lin` (u32) into element offsets of several
 * operands over one shape of rank `rank`: the shape is P(shapeAt + d); operand
 * k's base offset is P(opAt[k]) and its strides P(opAt[k] + 1 + d). Declares
 * `<v>0, <v>1, ...` (i32), v = `prefix`.
 */
export function stridedOffsets(lin: string, rank: number, shapeAt: number, opAt: number[], prefix = 'o'): string {
  const v = prefix;
  const lines = opAt.map((at, k) => `var ${v}${k} = P(${at}u);`);
  lines.push(`var ${v}_rem = ${lin};`);
  for (let d = rank - 1; d >= 0; d--) {
    if (d > 0) lines.push(`{ let s = PU(${shapeAt + d}u); let c = i32(${v}_rem % s); ${v}_rem = ${v}_rem / s;`);
    else lines.push(`{ let c = i32(${v}_rem);`);
    for (let k = 0; k < opAt.length; k++) lines.push(`  ${v}${k} += c * P(${opAt[k] + 1 + d}u);`);
    lines.push('}');
  }
  return lines.join('\n  ');
}

/**
 * Splits a strided view into kept and reduced dims (each merged where their
 * strides allow) for the reduction kernels: `strides` lists one stride array
 * per operand over x's shape.
 */
export function splitDims(shape: readonly number[], strides: number[][], reduced: readonly number[]) {
  const keep = shape.map((_, i) => i).filter((i) => !reduced.includes(i));
  const pick = (dims: number[]) => ({ shape: dims.map((i) => shape[i]), strides: strides.map((s) => dims.map((i) => s[i])) });
  const k = pick(keep);
  const r = pick([...reduced]);
  return { kept: mergeDims(k.shape, k.strides), red: mergeDims(r.shape, r.strides), outer: sizeOf(k.shape), len: sizeOf(r.shape) };
}

/** Packs i32 words and f32 values (as bits) for the uniform block. */
export class Params {
  private words: number[] = [];
  private f = new Float32Array(1);
  private i = new Int32Array(this.f.buffer);

  get length(): number {
    return this.words.length;
  }

  int(...vs: number[]): this {
    for (const v of vs) this.words.push(v | 0);
    return this;
  }

  float(...vs: number[]): this {
    for (const v of vs) {
      this.f[0] = v;
      this.words.push(this.i[0]);
    }
    return this;
  }

  ints(vs: readonly number[]): this {
    return this.int(...vs);
  }

  build(): Int32Array {
    return Int32Array.from(this.words);
  }
}
