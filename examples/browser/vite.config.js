// The example uses the repository's built package: 'wasmgrad' is an alias of
// the repository root, resolved through its package.json like an installed
// copy (run `npm run build` at the root first). In an app of your own,
// `npm install wasmgrad` and drop the alias and fs.allow.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which
// WebAssembly threads need; without it wasmgrad runs on one thread.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  resolve: { alias: [{ find: /^wasmgrad$/, replacement: repo }] },
  server: { headers: isolation, fs: { allow: [repo] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
});
