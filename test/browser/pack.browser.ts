// The published package: `npm pack` holds everything (dist with types, both
// wasm builds, the data sets); installed from the tarball in a scratch project
// in /tmp it imports and trains in Node, and the same files work unchanged in
// Chromium as plain ES modules from a static server, bundled by esbuild, built
// by Vite, and on Vite's dev server (which pre-bundles dependencies). No
// browser path imports a Node built-in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Browser } from 'playwright-core';
import { createServer, build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, requireBuilt } from './build.js';
import { launchChromium, openPage } from './chromium.js';
import { serveStatic } from './server.js';

const APP_JS = `import * as wg from 'wasmgrad';

// What the page sets for bundlers that copy no assets (esbuild): where the
// wasm builds and the data set are. Vite and plain ES modules need nothing.
const cfg = globalThis.APP_CONFIG ?? {};
const result = {};
try {
  if (cfg.wasmPaths) wg.setWasmPaths(cfg.wasmPaths);
  const before = wg.env();
  result.info = await wg.init();
  const a = wg.tensor([[1, 2], [3, 4]]);
  result.matmul = Array.from(a.matmul(a).dataSync());
  const x = wg.tensor([0.5, -1, 2], { requiresGrad: true });
  x.mul(x).sum().backward();
  result.grad = Array.from(x.grad.dataSync());
  const digits = await wg.data.loadDigits(cfg.digitsUrl ? { url: cfg.digitsUrl } : {});
  result.digits = digits.x.shape;
  result.env = wg.env();
  result.envBefore = { backend: before.backend, simd: before.simd };
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
}
globalThis.APP_RESULT = result;
`;

const NODE_CHECK = `import * as wg from 'wasmgrad';
const info = await wg.init();
const digits = await wg.data.loadDigits({ images: true });
const model = new wg.nn.Sequential(new wg.nn.Flatten(), new wg.nn.Linear(64, 10));
const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
const x = digits.x.div(16);
let first, last;
for (let i = 0; i < 30; i++) {
  opt.zeroGrad();
  const loss = wg.crossEntropy(model.forward(x), digits.y);
  loss.backward();
  opt.step();
  last = loss.item();
  first ??= last;
}
console.log(JSON.stringify({ info, env: wg.env(), shape: digits.x.shape, first, last }));
`;

const html = (body: string) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">${body}</head><body></body></html>
`;

/**
 * The npm on PATH outside node_modules/.bin: npm scripts put node_modules/.bin
 * first, and a dev dependency (as-pect's) installs an old npm there.
 */
function npm(args: string[], cwd: string): string {
  const dir = (process.env.PATH ?? '').split(delimiter).find((d) => d && !d.includes('node_modules') && existsSync(join(d, 'npm')));
  if (!dir) throw new Error('npm not found on PATH');
  return execFileSync(join(dir, 'npm'), args, { cwd, encoding: 'utf8' });
}

let scratch: string;
let tarball: string;
let files: string[];
let browser: Browser;

/** Opens `url` and returns what the app put in APP_RESULT. */
async function runApp(url: string) {
  const { page, problems } = await openPage(browser, url);
  try {
    await page.waitForFunction(() => 'APP_RESULT' in globalThis, null, { timeout: 30_000 });
    const r = await page.evaluate(() => (globalThis as unknown as { APP_RESULT: Record<string, unknown> }).APP_RESULT);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    const wasm = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.endsWith('.wasm')),
    );
    return { r, problems, isolated, wasm };
  } finally {
    await page.close();
  }
}

function expectWorked({ r, problems }: { r: Record<string, unknown>; problems: string[] }, what: string) {
  expect(r.error, `${what}: ${r.error}\n${problems.join('\n')}`).toBeUndefined();
  expect(r.info).toMatchObject({ backend: 'wasm', variant: 'relaxed' });
  expect(r.matmul).toEqual([7, 10, 15, 22]);
  expect(r.grad).toEqual([1, -2, 4]);
  expect(r.digits).toEqual([1797, 64]);
  expect(r.env).toMatchObject({ runtime: 'browser', backend: 'wasm', simd: 'relaxed' });
  const env = r.env as { threads: number; maxThreads: number; crossOriginIsolated: boolean };
  expect(env.threads).toBe(env.crossOriginIsolated ? env.maxThreads : 1);
  expect(r.envBefore).toEqual({ backend: null, simd: null });
  expect(problems, what).toEqual([]);
}

beforeAll(async () => {
  requireBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'wasmgrad-pack-'));
  // The package as published (the build is already there: skip prepack's rebuild).
  const out = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], REPO);
  const info = JSON.parse(out)[0];
  tarball = join(scratch, info.filename);
  files = info.files.map((f: { path: string }) => f.path);
  const app = join(scratch, 'app');
  cpSync(join(REPO, 'test/browser/pages/empty'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2));
  npm(['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  writeFileSync(join(app, 'app.js'), APP_JS);
  writeFileSync(join(app, 'node-check.mjs'), NODE_CHECK);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const app = () => join(scratch, 'app');

describe('npm pack', () => {
  it('holds the compiled modules with their types, both wasm builds and the data sets', () => {
    for (const f of [
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/env.js',
      'dist/env.d.ts',
      'dist/backends/wasm/loader.js',
      'dist/data/files.js',
      'wasm/wasmgrad-simd.wasm',
      'wasm/wasmgrad-relaxed.wasm',
      'data/digits.csv.gz',
      'data/iris.csv',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('every relative import in dist/ names a file in the package; none of them statically imports a Node built-in', () => {
    const pkg = join(app(), 'node_modules/wasmgrad');
    const have = new Set(files);
    const missing: string[] = [];
    const builtins: string[] = [];
    for (const f of files.filter((p) => p.endsWith('.js'))) {
      // The code without its comments (a doc comment may show `import ... from 'wasmgrad'`).
      const text = readFileSync(join(pkg, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith('.')) {
          const target = new URL(spec, `file:///${f}`).pathname.slice(1);
          if (!have.has(target)) missing.push(`${f} -> ${spec}`);
        } else builtins.push(`${f} -> ${spec}`);
      }
      if (/\brequire\s*\(/.test(text)) builtins.push(`${f}: require()`);
    }
    expect(missing).toEqual([]);
    // No bare specifiers at all: no dependencies, and node: modules only through run-time-built dynamic imports.
    expect(builtins).toEqual([]);
  });
});

describe('installed from the tarball', () => {
  it('imports, loads the bundled data set and trains in Node', () => {
    const out = execFileSync(process.execPath, ['node-check.mjs'], { cwd: app(), encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r.info.backend).toBe('wasm');
    expect(['simd', 'relaxed']).toContain(r.info.variant);
    expect(r.env).toMatchObject({ runtime: 'node', sharedMemory: true });
    expect(r.env.threads).toBe(r.env.maxThreads);
    expect(r.shape).toEqual([1797, 1, 8, 8]);
    expect(r.last).toBeLessThan(r.first / 2);
  });

  it('runs in Chromium as plain ES modules from a static server, with no configuration', async () => {
    writeFileSync(
      join(app(), 'plain.html'),
      html(`<script type="importmap">{ "imports": { "wasmgrad": "/node_modules/wasmgrad/dist/index.js" } }</script>
<script type="module" src="/app.js"></script>`),
    );
    for (const isolated of [false, true]) {
      const server = await serveStatic(app(), { isolated });
      try {
        const res = await runApp(`${server.url}/plain.html`);
        expectWorked(res, `plain ES modules${isolated ? ', isolated' : ''}`);
        expect(res.isolated).toBe(isolated);
        expect(res.r.env).toMatchObject({ crossOriginIsolated: isolated, sharedMemory: isolated });
        // The package's own files were fetched where they lie (the threaded build when isolated).
        const file = isolated ? 'wasmgrad-relaxed-mt.wasm' : 'wasmgrad-relaxed.wasm';
        expect(server.log.filter((l) => l.path.endsWith('.wasm'))).toEqual([{ path: `/node_modules/wasmgrad/wasm/${file}`, status: 200 }]);
      } finally {
        await server.close();
      }
    }
  });

  it('bundles with esbuild for the browser (no Node built-ins) and runs with setWasmPaths', async () => {
    const outdir = join(app(), 'esbuild-out');
    const result = await esbuild({
      entryPoints: [join(app(), 'app.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: join(outdir, 'assets'),
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: app(),
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((i) => i.includes('node_modules/wasmgrad/dist/'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || /^(fs|path|url|zlib|os|module)(\/|$)/.test(i))).toEqual([]);
    // What an esbuild user does: copy the package's wasm/ (and a data file) next to the bundle and say where.
    cpSync(join(app(), 'node_modules/wasmgrad/wasm'), join(outdir, 'wasmgrad'), { recursive: true });
    cpSync(join(app(), 'node_modules/wasmgrad/data/digits.csv.gz'), join(outdir, 'digits.csv.gz'));
    writeFileSync(
      join(outdir, 'index.html'),
      html(`<script>window.APP_CONFIG = { wasmPaths: './wasmgrad/', digitsUrl: './digits.csv.gz' };</script>
<script type="module" src="./assets/app.js"></script>`),
    );
    writeFileSync(join(outdir, 'unconfigured.html'), html('<script type="module" src="./assets/app.js"></script>'));
    const server = await serveStatic(outdir, { isolated: true });
    try {
      const res = await runApp(`${server.url}/`);
      expectWorked(res, 'esbuild bundle');
      expect(res.isolated).toBe(true);
      // Served cross-origin isolated: the threaded build.
      expect(res.wasm).toEqual(['/wasmgrad/wasmgrad-relaxed-mt.wasm']);
      // Without setWasmPaths the error says what to do.
      const bare = await runApp(`${server.url}/unconfigured.html`);
      expect(String(bare.r.error)).toMatch(/no usable kernel module.*setWasmPaths/s);
    } finally {
      await server.close();
    }
  });

  it('builds with Vite (which emits the wasm and data files) and runs with no configuration', async () => {
    writeFileSync(join(app(), 'index.html'), html('<script type="module" src="/app.js"></script>'));
    const outDir = join(app(), 'vite-out');
    await viteBuild({ root: app(), configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const assets = readdirSync(join(outDir, 'assets'));
    // Exactly the four builds (the loader names them with literals, so nothing else is globbed in).
    expect(assets.filter((a) => a.endsWith('.wasm'))).toHaveLength(4);
    for (const build of ['relaxed', 'simd', 'relaxed-mt', 'simd-mt']) {
      expect(
        assets.some((a) => a.startsWith(`wasmgrad-${build}-`) && a.endsWith('.wasm') && (build.endsWith('-mt') || !a.includes('-mt'))),
        build,
      ).toBe(true);
    }
    expect(assets.some((a) => a.startsWith('digits'))).toBe(true);
    for (const isolated of [false, true]) {
      const server = await serveStatic(outDir, { isolated });
      try {
        const res = await runApp(`${server.url}/`);
        expectWorked(res, `Vite build${isolated ? ', isolated' : ''}`);
        expect(res.wasm).toEqual([expect.stringMatching(/^\/assets\/wasmgrad-relaxed-.*\.wasm$/)]);
        expect(res.isolated).toBe(isolated);
      } finally {
        await server.close();
      }
    }
  });

  it("runs on Vite's dev server, which pre-bundles the package, with no configuration", async () => {
    const server = await createServer({
      root: app(),
      configFile: false,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false },
    });
    await server.listen();
    try {
      const res = await runApp(server.resolvedUrls!.local[0]);
      expectWorked(res, 'Vite dev server');
      // The pre-bundled copy runs from node_modules/.vite/deps/; the package's own wasm/ was fetched.
      expect(res.wasm).toEqual(['/node_modules/wasmgrad/wasm/wasmgrad-relaxed.wasm']);
    } finally {
      await server.close();
    }
  });
});
