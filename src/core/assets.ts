// Finding the package's own files (wasm/, data/) from inside a bundle.

/** The package's name, the folder it is installed in under node_modules/. */
export const PACKAGE_NAME = 'wasmgrad';

/**
 * Vite's dev server runs the dependencies it pre-bundled from
 * node_modules/.vite/deps/ and does not copy the files they reference with
 * `new URL(..., import.meta.url)` (vitejs/vite#8427); the package's own copy
 * is served at node_modules/wasmgrad/ beside it. Returns the URL of `path`
 * (relative to the package root) there when this module runs pre-bundled, else null.
 */
export function prebundledAssetUrl(path: string, here: string = import.meta.url): URL | null {
  if (typeof here !== 'string') return null;
  const m = /^(.*\/)node_modules\/\.vite\/deps[^/]*\/[^/?#]*(?:[?#].*)?$/.exec(here);
  return m ? new URL(`${m[1]}node_modules/${PACKAGE_NAME}/${path}`) : null;
}
