// The browser example (examples/browser, a Vite app) in Chromium: built with
// Vite and served by `vite preview` (COOP/COEP on, as its config says), it
// trains the digits CNN of examples/digits-cnn.mjs in a worker to the Node
// run's test accuracy while the page keeps drawing frames; a digit drawn with
// synthesized mouse strokes (0, 1, 4 and a crossed 7) gets a prediction with class probabilities; a
// screenshot of the trained page goes to out/browser/trained.png. Then the
// same build on a plain static server (no isolation: one thread, no error),
// and the Vite dev server (`npm run dev`).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, createServer, type PreviewServer, preview, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUT, REPO, requireBuilt } from './build.js';
import { launchChromium, openPage } from './chromium.js';
import { decodePng, imageStats } from './png.js';
import { serveStatic } from './server.js';

const APP = join(REPO, 'examples/browser');
const APP_DIST = join(OUT, 'example-dist');
// Vite's cache goes to out/ too, not to examples/browser/node_modules/.vite.
const CACHE = join(OUT, 'vite-cache');
const SCREENSHOT = join(OUT, 'trained.png');

interface DemoState {
  phase: string;
  env: Record<string, unknown> | null;
  epochs: { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number; seconds: number }[];
  final: { accuracy: number; seconds: number; test: number } | null;
  prediction: { digit: number; probs: number[]; pixels: number[] } | null;
  error: string | null;
}

const demo = (page: Page) => page.evaluate(() => (window as unknown as { wasmgradDemo: DemoState }).wasmgradDemo);

async function waitTrained(page: Page, problems: string[], timeout: number): Promise<DemoState> {
  await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { wasmgradDemo?: DemoState }).wasmgradDemo?.phase ?? ''), null, {
    timeout,
    polling: 250,
  });
  const s = await demo(page);
  if (s.phase !== 'done') throw new Error(`training failed: ${s.error}\n${problems.join('\n')}`);
  return s;
}

/** Draws strokes (lists of points in 0..1 of the pad) with the mouse. */
async function draw(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  for (const stroke of strokes) {
    const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
    await page.mouse.up();
  }
}

const circle = (cx: number, cy: number, rx: number, ry: number, n = 28): [number, number][] =>
  Array.from({ length: n + 1 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / n), cy - ry * Math.cos((2 * Math.PI * i) / n)]);

/** Clears the pad, draws, and waits for the prediction of exactly this drawing. */
async function predictDrawing(page: Page, strokes: [number, number][][]) {
  await page.click('#clear');
  await draw(page, strokes);
  await page.waitForFunction(() => (window as unknown as { wasmgradDemo: DemoState }).wasmgradDemo.prediction !== null, null, { timeout: 10_000 });
  // The last stroke's end asks again; let that answer arrive.
  await page.waitForTimeout(300);
  const s = await demo(page);
  const shown = await page.$$eval('#probs li', (lis) =>
    lis.map((li) => ({ digit: Number(li.dataset.digit), p: Number(li.dataset.p), best: li.classList.contains('best') })),
  );
  const big = await page.textContent('#predicted .digit');
  return { prediction: s.prediction!, shown, big };
}

let browser: Browser;

beforeAll(async () => {
  requireBuilt();
  // npm run build in examples/browser, into out/ (the example's own dist/ is left alone).
  await build({ root: APP, configFile: join(APP, 'vite.config.js'), cacheDir: CACHE, logLevel: 'warn', build: { outDir: APP_DIST, emptyOutDir: true } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the example page, built by Vite and served by vite preview (cross-origin isolated)', () => {
  let server: PreviewServer;
  let page: Page;
  let problems: string[];
  let trained: DemoState;
  let trainSeconds = 0;

  beforeAll(async () => {
    server = await preview({
      root: APP,
      configFile: join(APP, 'vite.config.js'),
      cacheDir: CACHE,
      logLevel: 'warn',
      build: { outDir: APP_DIST },
      preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    });
    const url = server.resolvedUrls!.local[0];
    ({ page, problems } = await openPage(browser, url, { width: 1280, height: 1000 }));
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it("trains the digits CNN to the Node run's test accuracy (>= 97%) without freezing the page", async () => {
    // Count animation frames on the page while the worker trains: the page must keep drawing.
    await page.evaluate(() => {
      const w = window as unknown as { frames_: { n: number; maxGap: number; last: number } };
      w.frames_ = { n: 0, maxGap: 0, last: performance.now() };
      const tick = (t: number) => {
        w.frames_.maxGap = Math.max(w.frames_.maxGap, t - w.frames_.last);
        w.frames_.last = t;
        w.frames_.n++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const t0 = performance.now();
    trained = await waitTrained(page, problems, 150_000);
    trainSeconds = (performance.now() - t0) / 1000;
    const frames = await page.evaluate(() => (window as unknown as { frames_: { n: number; maxGap: number } }).frames_);
    console.log(
      `example: ${trained.epochs.length} epochs in ${trained.final!.seconds.toFixed(1)} s (waited ${trainSeconds.toFixed(1)} s), ` +
        `test accuracy ${(100 * trained.final!.accuracy).toFixed(2)}%, ${frames.n} frames, longest frame gap ${frames.maxGap.toFixed(0)} ms`,
    );
    expect(trained.epochs.length).toBe(20);
    expect(trained.final!.test).toBe(360);
    expect(trained.final!.accuracy).toBeGreaterThanOrEqual(0.97);
    // The loss fell and the curves were drawn.
    expect(trained.epochs.at(-1)!.loss).toBeLessThan(trained.epochs[0].loss / 10);
    expect(await page.locator('#chart-loss svg path').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#chart-acc svg path').count()).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#status')).toMatch(/test accuracy 9\d\.\d\d%/);
    // Training ran in a worker: the page kept rendering.
    expect(frames.n).toBeGreaterThan(10 * trainSeconds);
    expect(frames.maxGap).toBeLessThan(1000);
  });

  it('shows the backend, SIMD build and threads: wasm, relaxed, one per core, isolated', async () => {
    expect(trained.env).toMatchObject({ runtime: 'worker', backend: 'wasm', simd: 'relaxed', crossOriginIsolated: true, sharedMemory: true });
    const env = trained.env as { threads: number; maxThreads: number };
    expect(env.threads).toBe(env.maxThreads);
    expect(env.threads).toBeGreaterThan(1);
    expect(await page.textContent('#env-backend')).toBe('wasm');
    expect(await page.textContent('#env-simd')).toMatch(/^relaxed/);
    expect(await page.textContent('#env-threads')).toBe(String(env.threads));
    expect(await page.textContent('#env-coi')).toBe('yes');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('predicts drawn digits and shows the class probabilities', async () => {
    const results: Record<string, number> = {};
    const shapes: Record<string, [number, number][][]> = {
      zero: [circle(0.5, 0.5, 0.22, 0.34)],
      one: [
        [
          [0.42, 0.22],
          [0.52, 0.13],
          [0.52, 0.5],
          [0.52, 0.87],
        ],
      ],
      four: [
        [
          [0.55, 0.13],
          [0.3, 0.6],
          [0.72, 0.6],
        ],
        [
          [0.6, 0.35],
          [0.6, 0.87],
        ],
      ],
      // The data set's writers crossed their sevens.
      seven: [
        [
          [0.25, 0.15],
          [0.72, 0.15],
          [0.6, 0.45],
          [0.45, 0.87],
        ],
        [
          [0.35, 0.52],
          [0.75, 0.52],
        ],
      ],
    };
    for (const [name, strokes] of Object.entries(shapes)) {
      const { prediction, shown, big } = await predictDrawing(page, strokes);
      results[name] = prediction.digit;
      // 64 pixels of 0..16 with ink, ten probabilities that sum to 1, shown as a list with the best one marked.
      expect(prediction.pixels).toHaveLength(64);
      expect(Math.max(...prediction.pixels)).toBeGreaterThan(8);
      expect(prediction.pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true);
      expect(prediction.probs).toHaveLength(10);
      expect(prediction.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(shown.map((s) => s.digit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(shown.filter((s) => s.best).map((s) => s.digit)).toEqual([prediction.digit]);
      expect(big).toBe(String(prediction.digit));
    }
    console.log(`example: drawn 0, 1, 4, 7 predicted as ${results.zero}, ${results.one}, ${results.four}, ${results.seven}`);
    expect(results).toEqual({ zero: 0, one: 1, four: 4, seven: 7 });
  });

  it('saves a screenshot of the trained page that is not blank', async () => {
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const img = decodePng(readFileSync(SCREENSHOT));
    const stats = imageStats(img);
    console.log(`example: ${SCREENSHOT} ${img.width}x${img.height}, luminance variance ${stats.variance.toFixed(0)}, ${stats.colors} colours`);
    expect(img.width).toBeGreaterThanOrEqual(1000);
    expect(stats.variance).toBeGreaterThan(200);
    expect(stats.colors).toBeGreaterThan(20);
    expect(stats.darkFraction).toBeGreaterThan(0.005);
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});

describe('the example page without COOP/COEP', () => {
  it('runs on one thread and says why, with no error', async () => {
    const server = await serveStatic(APP_DIST, { isolated: false });
    const { page, problems } = await openPage(browser, `${server.url}/?epochs=1`);
    try {
      const s = await waitTrained(page, problems, 60_000);
      expect(s.env).toMatchObject({ backend: 'wasm', simd: 'relaxed', threads: 1, crossOriginIsolated: false, sharedMemory: false });
      expect(await page.textContent('#env-coi')).toBe('no');
      expect(await page.textContent('#env-note')).toMatch(/not cross-origin isolated/);
      expect(s.epochs).toHaveLength(1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});

describe('the example on the Vite dev server (npm run dev)', () => {
  let server: ViteDevServer;
  afterAll(async () => {
    await server?.close();
  });

  it('serves the repository build and trains an epoch, isolated', async () => {
    server = await createServer({
      root: APP,
      configFile: join(APP, 'vite.config.js'),
      cacheDir: CACHE,
      logLevel: 'warn',
      server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    });
    await server.listen();
    const { page, problems } = await openPage(browser, `${server.resolvedUrls!.local[0]}?epochs=1`);
    try {
      const s = await waitTrained(page, problems, 90_000);
      expect(s.env).toMatchObject({ backend: 'wasm', simd: 'relaxed', crossOriginIsolated: true });
      expect((s.env as { threads: number }).threads).toBeGreaterThan(1);
      expect(s.final!.accuracy).toBeGreaterThan(0.5);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
