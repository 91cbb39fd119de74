// Seeded permutations for shuffling and splitting. With a seed, the generator
// comes from the seed (and, for a DataLoader, the epoch number); without one,
// from wasmgrad's global generator, which `wg.seed(n)` makes reproducible.
import { ArgumentError } from '../core/errors.js';
import { globalRandom, Random } from '../core/random.js';

/** Mixes 32 bits (murmur3's finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Checks an optional seed option: undefined or a finite number. */
export function checkSeed(op: string, seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`${op}: seed must be a finite number, got ${String(seed)}`);
  return seed;
}

/**
 * The generator for one use: seeded from (seed, stream) when a seed is given,
 * otherwise the global generator. Different streams (epochs) of the same seed
 * give unrelated sequences.
 */
export function generator(seed: number | undefined, stream = 0): Random {
  if (seed === undefined) return globalRandom;
  const s = (Math.floor(seed) >>> 0) ^ fmix32(Math.floor(seed / 2 ** 32) >>> 0);
  return new Random(fmix32(s ^ fmix32((stream + 0x9e3779b9) >>> 0)));
}

/** Shuffles `a` in place (Fisher-Yates) with `rng`, and returns it. */
export function shuffleInPlace(a: Int32Array, rng: Random): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, rng: Random): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return shuffleInPlace(a, rng);
}
