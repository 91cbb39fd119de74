// Chapter 10 (examples/book/ch10-sequence.mjs), fast run: a character LSTM
// trained with truncated BPTT on Pride and Prejudice predicts held-out text
// far better than the unigram model and samples text whose words get more real
// as the temperature drops; on the adding problem the LSTM learns the long-range
// sum while a plain tanh RNN stays at (or above) the trivial answer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../examples/book/ch10-sequence.mjs';

describe('chapter 10: sequence modelling', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch10-'));
    result = await run({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the character LSTM starts at log2(vocabulary) bits and ends well below the unigram baseline', () => {
    const lm = result.headline.charLM;
    expect(lm.initialValBpc).toBeCloseTo(Math.log2(lm.vocab), 0);
    expect(lm.unigramBpc).toBeGreaterThan(4);
    expect(lm.valBpc).toBeLessThan(lm.unigramBpc - 0.5);
  });

  it('samples continue the prime, and colder samples hold more real words', () => {
    const { samples, realWordShare } = result.headline.charLM;
    expect(Object.keys(samples)).toEqual(['T=0.3', 'T=0.7', 'T=1']);
    for (const s of Object.values(samples) as string[]) {
      expect(s.startsWith('Elizabeth')).toBe(true);
      expect(s.length).toBeGreaterThan(100);
    }
    expect(realWordShare['T=0.3']).toBeGreaterThan(realWordShare['T=1']);
  });

  it('adding problem: the LSTM solves it, the tanh RNN does not beat always answering 1', () => {
    const a = result.headline.adding;
    expect(a.lstmMse).toBeLessThan(0.2 * a.trivialMse);
    expect(a.lstmMse).toBeLessThan(0.2 * a.rnnMse);
    expect(a.rnnMse).toBeGreaterThan(0.8 * a.trivialMse);
  });

  it('draws the bits-per-character curves and the adding-problem losses', () => {
    const names = result.files.map((f: string) => f.split(/[\\/]/).pop());
    expect(names).toEqual(['ch10-char-lstm.svg', 'ch10-adding.svg']);
    for (const f of result.files) expect(readFileSync(f, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((readFileSync(result.files[1], 'utf8').match(/<path /g) ?? []).length).toBe(3);
  });
});
