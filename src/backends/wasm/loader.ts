// Finds, validates and instantiates the kernel module. Two builds exist
// (assembly/README.md): 'relaxed' (relaxed SIMD, FMA) and 'simd', each also
// built for threads on a shared memory ('relaxed-mt', 'simd-mt'). The best one
// that this engine's WebAssembly.validate accepts is used.
//
// Where the .wasm files come from, in order:
//   1. what setWasmPaths() gave (a folder, per-variant URLs, or the bytes);
//   2. the package's wasm/ folder, found with `new URL('<literal>', import.meta.url)`:
//      Node reads it from disk; browsers fetch it; Vite, webpack, Parcel and
//      Rollup's URL plugins see the literal and emit the files with the bundle;
//   3. in Vite's dev server, a dependency it pre-bundled runs from
//      node_modules/.vite/deps/, away from its files: there the package's own
//      copy (node_modules/wasmgrad/wasm/) is fetched instead.
// Bundlers that copy no assets (esbuild) need setWasmPaths (see the README).
import { prebundledAssetUrl } from '../../core/assets.js';

export type Variant = 'relaxed' | 'simd';
export const VARIANTS: readonly Variant[] = ['relaxed', 'simd'];
/** A file: a variant, built for one thread or for threads on a shared memory ('-mt'). */
export type Build = Variant | `${Variant}-mt`;
export const BUILDS: readonly Build[] = ['relaxed', 'simd', 'relaxed-mt', 'simd-mt'];

/** The exports of the kernel module (see assembly/README.md for the ABI). */
export type KernelExports = Record<string, (...args: number[]) => number | undefined> & {
  heapBase(): number;
};

type Bytes = ArrayBuffer | Uint8Array;
/** Where to get one variant's module: a URL (absolute, or relative to the page), or its bytes. */
export type WasmSource = string | URL | Bytes;
/**
 * What setWasmPaths takes: a folder (URL or path ending in '/', relative to
 * the page) that holds the wasmgrad-<build>.wasm files, or a source per build
 * (a build left out is not used).
 */
export type WasmPaths = string | URL | Partial<Record<Build, WasmSource>>;

let overrides: Partial<Record<Build, WasmSource>> | null = null;
const cache = new Map<Build, Promise<Uint8Array<ArrayBuffer>>>();

/** The file name of a build's module. */
export function wasmFileName(build: Build): string {
  return `wasmgrad-${build}.wasm`;
}

/** Where the package's own copy of a build is (the literals let bundlers find and emit the files). */
export function wasmUrl(build: Build): URL {
  const vite = prebundledAssetUrl(`wasm/${wasmFileName(build)}`);
  if (vite) return vite;
  // src/backends/wasm/loader.ts and dist/backends/wasm/loader.js both sit three
  // levels below the package root, where wasm/ is.
  switch (build) {
    case 'relaxed':
      return new URL('../../../wasm/wasmgrad-relaxed.wasm', import.meta.url);
    case 'simd':
      return new URL('../../../wasm/wasmgrad-simd.wasm', import.meta.url);
    case 'relaxed-mt':
      return new URL('../../../wasm/wasmgrad-relaxed-mt.wasm', import.meta.url);
    case 'simd-mt':
      return new URL('../../../wasm/wasmgrad-simd-mt.wasm', import.meta.url);
  }
}

function isFolder(p: unknown): p is string | URL {
  return typeof p === 'string' || p instanceof URL;
}

/**
 * Tells the wasm backend where its .wasm files are, for bundlers that do not
 * copy them (esbuild), a CDN, or bytes you loaded yourself. Call it before
 * `init()`; `setWasmPaths(null)` goes back to the package's own copy.
 *
 *   wg.setWasmPaths('/assets/wasmgrad/');              // a folder holding both files
 *   wg.setWasmPaths({ simd: 'https://cdn.example/wasmgrad-simd.wasm' });
 */
export function setWasmPaths(paths: WasmPaths | null): void {
  cache.clear();
  if (paths === null) {
    overrides = null;
  } else if (isFolder(paths)) {
    const base = String(paths);
    const dir = base.endsWith('/') ? base : `${base}/`;
    overrides = Object.fromEntries(BUILDS.map((b) => [b, dir + wasmFileName(b)]));
  } else if (typeof paths === 'object' && !(paths instanceof ArrayBuffer) && !ArrayBuffer.isView(paths)) {
    overrides = { ...paths };
  } else {
    throw new TypeError("setWasmPaths: expected a folder URL, { relaxed?, simd?, 'relaxed-mt'?, 'simd-mt'? } or null");
  }
}

/** The variants setWasmPaths allows (all of them when it was not called), for one thread or for threads. */
export function configuredVariants(threaded = false): Variant[] {
  return VARIANTS.filter((v) => overrides === null || overrides[buildOf(v, threaded)] !== undefined);
}

export function buildOf(variant: Variant, threaded: boolean): Build {
  return threaded ? `${variant}-mt` : variant;
}

function isNodeFile(url: URL): boolean {
  return url.protocol === 'file:';
}

/** A URL or path relative to the document (or the worker) that runs us; Node: relative to the working directory. */
function resolveUrl(s: string | URL): URL {
  if (s instanceof URL) return s;
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return base ? new URL(s, base) : new URL(s);
  } catch {
    return new URL(s, 'file:///');
  }
}

async function readFile(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  // Node: read from disk. The specifiers are built at run time so bundlers leave them alone.
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const urlName = 'node:url';
  const { fileURLToPath } = (await import(/* @vite-ignore */ urlName)) as typeof import('node:url');
  return new Uint8Array(await fs.readFile(fileURLToPath(url)));
}

/** The bytes, if they start like a WebAssembly module; `what` is the subject of the error ("<url> is"). */
function checkMagic(bytes: Uint8Array<ArrayBuffer>, what: string): Uint8Array<ArrayBuffer> {
  if (!(bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)) {
    // A dev server's fallback page, for instance: the file is not where the URL points.
    throw new Error(`${what} not a WebAssembly module (it starts with ${JSON.stringify(new TextDecoder().decode(bytes.slice(0, 16)))})`);
  }
  return bytes;
}

async function readBytes(src: WasmSource): Promise<Uint8Array<ArrayBuffer>> {
  if (src instanceof ArrayBuffer) return checkMagic(new Uint8Array(src.slice(0)), 'the bytes given to setWasmPaths are');
  if (ArrayBuffer.isView(src)) {
    const copy = new Uint8Array(src.byteLength);
    copy.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return checkMagic(copy, 'the bytes given to setWasmPaths are');
  }
  const url = resolveUrl(src);
  if (isNodeFile(url)) return checkMagic(await readFile(url), `${url.href} is`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch ${url.href}: ${res.status} ${res.statusText}`);
  return checkMagic(new Uint8Array(await res.arrayBuffer()), `${url.href} is`);
}

/** The bytes of a build's module (read once). */
export function variantBytes(build: Build): Promise<Uint8Array<ArrayBuffer>> {
  let p = cache.get(build);
  if (!p) {
    p = (async () => {
      const src = overrides ? overrides[build] : wasmUrl(build);
      if (src === undefined) throw new Error('left out by setWasmPaths');
      return readBytes(src);
    })();
    // A failed read is not cached: the next init tries again (after setWasmPaths, say).
    p.catch(() => cache.delete(build));
    cache.set(build, p);
  }
  return p;
}

// Minimal modules that use one feature each (the same probes as wasm-feature-detect).
const PROBES: Record<Variant, number[]> = {
  // i32.const 0; i8x16.splat; i8x16.popcnt
  simd: [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11],
  // i8x16.relaxed_swizzle of two splats
  relaxed: [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11],
};

/** Whether this engine validates each build's instruction set, tested on tiny modules (nothing is downloaded). */
export function simdSupport(): Record<Variant, boolean> {
  const ok = (bytes: number[]) => {
    try {
      return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
    } catch {
      return false;
    }
  };
  return { relaxed: ok(PROBES.relaxed), simd: ok(PROBES.simd) };
}

/** The best variant this engine validates (or the one asked for), compiled, for one thread or for threads. */
export async function compileKernels(prefer?: Variant, threaded = false): Promise<{ module: WebAssembly.Module; variant: Variant }> {
  const support = simdSupport();
  const order = prefer ? [prefer] : configuredVariants(threaded);
  const errors: string[] = [];
  for (const v of order) {
    // Skip the download of a build this engine cannot run (unless it was asked for by name).
    if (!prefer && !support[v]) {
      errors.push(`${v}: not supported by this WebAssembly engine`);
      continue;
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await variantBytes(buildOf(v, threaded));
    } catch (e) {
      errors.push(`${v}: ${(e as Error).message}`);
      continue;
    }
    if (!WebAssembly.validate(bytes)) {
      errors.push(`${v}: not supported by this WebAssembly engine`);
      continue;
    }
    return { module: await WebAssembly.compile(bytes), variant: v };
  }
  const hint =
    overrides === null
      ? "was the package built (npm run build)? With a bundler that does not copy the package's wasm/ folder (esbuild), copy it next to your bundle and call wg.setWasmPaths('<its URL>/') before init"
      : 'check the paths given to wg.setWasmPaths';
  throw new Error(`wasm backend: no usable kernel module (${errors.join('; ')}); ${hint}`);
}
