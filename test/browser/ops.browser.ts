// The shared op suite in Chromium: every kernel family (elementwise with
// broadcasting and strided inputs, reductions and softmax, matmul, conv2d,
// pooling, gather and the other movement ops, losses, autodiff backward) on
// the wasm backend against the js reference in the same page, with the package
// loaded as plain ES modules from a static server, both without and with the
// cross-origin-isolation headers; then on the webgpu backend (Chromium's
// SwiftShader adapter).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOpsSuite, REPO, requireBuilt } from './build.js';
import { launchChromium, openPage } from './chromium.js';
import { type StaticServer, serveStatic } from './server.js';

/** The package as the page loaded it (window.opsSuite.wg). */
type WG = typeof import('../../src/index.js');

interface GroupResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const FAMILIES = ['elementwise', 'reductions', 'matmul', 'conv2d', 'pooling', 'shape and gather', 'losses', 'autodiff'];

let browser: Browser;

beforeAll(async () => {
  requireBuilt();
  await bundleOpsSuite();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function runFamily(page: Page, backend: 'wasm' | 'webgpu', family: string): Promise<GroupResult[]> {
  return page.evaluate(([b, f]) => (window as unknown as { opsSuite: { runFamily(b: string, f: string): Promise<GroupResult[]> } }).opsSuite.runFamily(b, f), [
    backend,
    family,
  ] as const);
}

function expectAllPass(results: GroupResult[], what: string): void {
  expect(results.length, `${what}: no case groups ran`).toBeGreaterThan(0);
  const failed = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
  expect(failed, `${what}: failing groups`).toEqual([]);
}

/** Opens the op-suite page on a fresh server (with or without COOP/COEP) and waits until it has loaded. */
function suitePage(isolated: boolean) {
  let server: StaticServer;
  let page: Page;
  let problems: string[];
  beforeAll(async () => {
    server = await serveStatic(REPO, { isolated });
    ({ page, problems } = await openPage(browser, `${server.url}/test/browser/pages/ops.html`));
    await page
      .waitForFunction(() => 'opsSuite' in window, null, { timeout: 30_000 })
      .catch((e) => {
        throw new Error(`the op-suite page did not load: ${e.message}\n${problems.join('\n')}`);
      });
  });
  afterAll(async () => {
    await page?.close();
    await server?.close();
  });
  return {
    get page() {
      return page;
    },
    get problems() {
      return problems;
    },
  };
}

for (const isolated of [false, true]) {
  describe(`wasm against js in Chromium, ${isolated ? 'with' : 'without'} COOP/COEP`, () => {
    const s = suitePage(isolated);

    it(`is ${isolated ? '' : 'not '}cross-origin isolated, runs the wasm build on ${isolated ? 'all cores (a worker pool)' : 'one thread'}, as plain ES modules`, async () => {
      const r = await s.page.evaluate(async () => {
        const w = window as unknown as { opsSuite: { wg: WG; sameModule: boolean }; crossOriginIsolated: boolean };
        await w.opsSuite.wg.init();
        return { page: w.crossOriginIsolated, env: w.opsSuite.wg.env(), sameModule: w.opsSuite.sameModule, sab: typeof SharedArrayBuffer };
      });
      expect(r.page).toBe(isolated);
      expect(r.sameModule).toBe(true);
      expect(r.env).toMatchObject({
        runtime: 'browser',
        backend: 'wasm',
        crossOriginIsolated: isolated,
        sharedMemory: isolated,
        wasmFeatures: { simd: true, relaxedSimd: true, threads: true },
      });
      // Chromium runs relaxed SIMD, so the loader picks that build.
      expect(r.env.simd).toBe('relaxed');
      expect(r.sab).toBe(isolated ? 'function' : 'undefined');
      // Isolated: workers on a shared memory, one per core; otherwise one thread, without an error.
      expect(r.env.threads).toBe(isolated ? r.env.maxThreads : 1);
      if (isolated) expect(r.env.maxThreads).toBeGreaterThan(1);
      expect(String(r.env.threadsReason)).toMatch(isolated ? /threads on a shared WebAssembly memory/ : /not cross-origin isolated/);
    });

    for (const family of FAMILIES) {
      it(`${family}`, async () => {
        expectAllPass(await runFamily(s.page, 'wasm', family), `wasm ${family}`);
      });
    }

    it('loaded without errors', () => {
      expect(s.problems).toEqual([]);
    });
  });
}

// The webgpu backend (src/backends/webgpu) on Chromium's software adapter.
const hasWebGpuBackend = existsSync(join(REPO, 'src/backends/webgpu/index.ts')) && existsSync(join(REPO, 'dist/backends/webgpu/index.js'));

describe.runIf(hasWebGpuBackend)('webgpu against js in Chromium (SwiftShader)', () => {
  const s = suitePage(true);

  it('starts the webgpu backend on navigator.gpu', async () => {
    const r = await s.page.evaluate(async () => {
      const wg = (window as unknown as { opsSuite: { wg: WG } }).opsSuite.wg;
      const info = await wg.init({ backend: 'webgpu' });
      const x = wg.tensor([1, 2, 3]).mul(2);
      return { info, env: wg.env(), data: Array.from(await x.data()), device: x.device };
    });
    console.log(`webgpu adapter in Chromium: ${r.info.adapter}`);
    expect(r.info.backend).toBe('webgpu');
    expect(r.info.adapter).toEqual(expect.any(String));
    expect(r.env).toMatchObject({ backend: 'webgpu', webgpu: true });
    expect(r.device).toBe('webgpu');
    expect(r.data).toEqual([2, 4, 6]);
  });

  for (const family of FAMILIES) {
    it(`${family}`, async () => {
      expectAllPass(await runFamily(s.page, 'webgpu', family), `webgpu ${family}`);
    });
  }
});
