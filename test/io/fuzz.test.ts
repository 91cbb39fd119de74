// Fuzz-ish: truncated and corrupted files either load or raise a SafetensorsError
// (never a RangeError, TypeError or other surprise), and leave memory flat.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng, setupBackends, wg } from '../helpers/index.js';
import { concat, disposeAll, io, u64 } from './util.js';

beforeAll(setupBackends);

const fixtures = ['safetensors_python.safetensors', 'safetensors_python_wgdtypes.safetensors', 'safetensors_wasmgrad.safetensors'].map(
  (name) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url))),
);

/** Loads `bytes`: 'ok' (and disposes) or 'error' for a SafetensorsError; anything else fails the test. */
function attempt(bytes: Uint8Array, what: string): 'ok' | 'error' {
  try {
    disposeAll(io.loadSafetensors(bytes));
    return 'ok';
  } catch (e) {
    if (!(e instanceof io.SafetensorsError) || !/^io: /.test(e.message)) {
      expect.fail(`${what}: threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    return 'error';
  }
}

describe('fuzz', () => {
  const m0 = { tensors: 0, bytes: 0 };
  beforeAll(() => Object.assign(m0, wg.memory()));

  it('every truncation of a valid file is an error', () => {
    for (const f of fixtures) {
      expect(attempt(f, 'whole file')).toBe('ok');
      for (let n = 0; n < f.length; n++) expect(attempt(f.subarray(0, n), `truncated to ${n}`)).toBe('error');
      // One byte too many is an error as well.
      expect(attempt(concat(f, [0]), 'one extra byte')).toBe('error');
    }
  });

  it('random byte corruptions load or raise SafetensorsError', () => {
    const r = rng(7);
    const seen = { ok: 0, error: 0 };
    for (let iter = 0; iter < 4000; iter++) {
      const f = fixtures[iter % fixtures.length].slice();
      const headerEnd = 8 + Number(new DataView(f.buffer).getBigUint64(0, true));
      const flips = 1 + r.int(0, 3);
      for (let k = 0; k < flips; k++) {
        const pos = r.uniform() < 0.8 ? r.int(0, headerEnd) : r.int(0, f.length);
        f[pos] = r.uniform() < 0.5 ? r.int(0, 256) : f[pos] ^ (1 << r.int(0, 8));
      }
      seen[attempt(f, `corruption ${iter}`)]++;
    }
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(1000);
  });

  it('random header-text mutations (same length) load or raise SafetensorsError', () => {
    const r = rng(11);
    const alphabet = '{}[]":,0123456789-+.eE \\u/tnabFIU_D"';
    const seen = { ok: 0, error: 0 };
    for (let iter = 0; iter < 4000; iter++) {
      const f = fixtures[iter % fixtures.length].slice();
      const headerEnd = 8 + Number(new DataView(f.buffer).getBigUint64(0, true));
      for (let k = 0; k < 1 + r.int(0, 2); k++) f[r.int(8, headerEnd)] = alphabet.charCodeAt(r.int(0, alphabet.length));
      seen[attempt(f, `mutation ${iter}`)]++;
    }
    expect(seen.ok).toBeGreaterThan(50);
    expect(seen.error).toBeGreaterThan(1000);
  });

  it('arbitrary bytes, with and without a plausible length prefix (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        attempt(bytes, 'arbitrary bytes');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.integer({ min: 0, max: 16 }), fc.integer({ min: -3, max: 3 }), (header, extra, skew) => {
        const h = new TextEncoder().encode(header);
        attempt(concat(u64(Math.max(0, h.length + skew)), h, new Uint8Array(extra)), `header ${JSON.stringify(header)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves memory flat', () => {
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
  });
});
