// Shared setup of the browser tests: the repository root, the built package
// (npm run build), and the esbuild bundle of the op-suite page.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = join(REPO, 'out', 'browser');

/** Fails early, with what to do, when the package was not built. */
export function requireBuilt(): void {
  for (const f of ['dist/index.js', 'dist/env.js', 'wasm/wasmgrad-simd.wasm', 'wasm/wasmgrad-relaxed.wasm']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is missing: run npm run build first (npm test does)`);
  }
}

/**
 * Bundles test/browser/pages/ops-suite.ts into out/browser/ops-suite.js. Imports
 * of src/ stay external and point at the built modules under /dist/, so the
 * page runs the package as published, as plain ES modules.
 */
export async function bundleOpsSuite(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const src = join(REPO, 'src') + sep;
  const outfile = join(OUT, 'ops-suite.js');
  await build({
    entryPoints: [join(REPO, 'test/browser/pages/ops-suite.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    plugins: [
      {
        name: 'wasmgrad-dist',
        setup(b) {
          b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(REPO, 'test/browser/pages/expect-shim.ts') }));
          b.onResolve({ filter: /^webgpu$/ }, () => ({ path: 'webgpu', external: true }));
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const abs = resolve(args.resolveDir, args.path);
            if (!abs.startsWith(src)) return undefined;
            return { path: `/dist/${relative(src, abs).split(sep).join('/').replace(/\.ts$/, '.js')}`, external: true };
          });
        },
      },
    ],
  });
  return outfile;
}
