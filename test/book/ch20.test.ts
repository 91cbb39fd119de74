// Chapter 20 (examples/book/ch20-vae.mjs, ch20-gan.mjs), fast runs: the VAE's
// ELBO on held-out digits rises past the exact log-likelihood of the
// independent-pixels model (so, being a lower bound, it proves the VAE a
// better density model), and the GAN's samples cover all eight modes of the ring.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runGan } from '../../examples/book/ch20-gan.mjs';
import { run as runVae } from '../../examples/book/ch20-vae.mjs';

const names = (files: string[]) => files.map((f) => f.split(/[\\/]/).pop());
const isSvg = (f: string) => expect(readFileSync(f, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

describe('chapter 20: a variational autoencoder', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof runVae>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch20-vae-'));
    result = await runVae({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the test ELBO rises from the untrained value past the independent-pixels log-likelihood', () => {
    const h = result.headline;
    expect(h.testElbo).toBeGreaterThan(h.initialTestElbo + 15);
    expect(h.testElbo).toBeGreaterThan(h.independentTestLogLik + 2);
    expect(h.testKL).toBeGreaterThan(0);
  });

  it('the importance-weighted bound is at least as tight as the ELBO (up to sampling noise)', () => {
    const h = result.headline;
    expect(h.testIwae).toBeGreaterThan(h.testElbo - 0.2);
    expect(h.testIwae).toBeLessThan(0);
  });

  it('draws the ELBO curve, samples, reconstructions and the 2-D manifold', () => {
    expect(names(result.files)).toEqual(['ch20-vae-elbo.svg', 'ch20-vae-samples.svg', 'ch20-vae-reconstructions.svg', 'ch20-vae-manifold.svg']);
    result.files.forEach(isSvg);
  });
});

describe('chapter 20: a generative adversarial network on eight Gaussians', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof runGan>>;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'book-ch20-gan-'));
    result = await runGan({ fast: true, out });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('every mode gets a share of the generated samples (no mode collapse)', () => {
    const { r1 } = result.headline;
    expect(r1.modeShares).toHaveLength(8);
    for (const share of r1.modeShares) expect(share).toBeGreaterThan(0.02);
    expect(r1.modesCovered).toBe(8);
  });

  it('most samples land near a mode', () => {
    expect(result.headline.r1.goodShare).toBeGreaterThan(0.35);
  });

  it('draws real against generated points, the coverage curve and the snapshots', () => {
    expect(names(result.files)).toEqual(['ch20-gan-samples.svg', 'ch20-gan-training.svg', 'ch20-gan-progress.svg']);
    result.files.forEach(isSvg);
  });
});
