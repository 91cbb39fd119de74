// Reading the bundled data files. Node reads them from disk (node:fs, imported
// through specifiers built at run time so that bundlers leave them alone);
// browsers fetch them. gzip is undone by node:zlib in Node and by
// DecompressionStream('gzip') elsewhere.
import { prebundledAssetUrl } from '../core/assets.js';
import { ArgumentError, BackendError } from '../core/errors.js';

/** Raw file contents: text, or bytes (gzip-compressed or not). */
export type FileContents = string | ArrayBuffer | Uint8Array;

/** The URL of a file in the package's data/ folder (src/data/ and dist/data/ are both two levels below the root). */
export function dataUrl(name: string): URL {
  // In Vite's dev server a pre-bundled copy of this module is away from data/ (core/assets.ts).
  return prebundledAssetUrl(`data/${name}`) ?? new URL(`../../data/${name}`, import.meta.url);
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function readPath(path: string | URL): Promise<Uint8Array> {
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  return new Uint8Array(await fs.readFile(path));
}

/** An absolute URL, or null for a relative URL or a file path (a Windows drive letter is not a scheme). */
function absoluteUrl(s: string): URL | null {
  try {
    const u = new URL(s);
    return u.protocol.length > 2 ? u : null;
  } catch {
    return null;
  }
}

/**
 * The bytes at `url`: file: URLs (and, in Node, plain file paths, relative to
 * the working directory) are read from disk; anything else is fetched.
 */
export async function readUrl(url: URL | string): Promise<Uint8Array> {
  const u = typeof url === 'string' ? absoluteUrl(url) : url;
  if (u === null && isNode()) return readPath(url as string);
  if (u?.protocol === 'file:') return readPath(u);
  const res = await fetch(u ?? (url as string));
  if (!res.ok) throw new BackendError(`could not fetch ${String(url)}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip with the streams API (browsers, Deno, Node 18+). */
export async function gunzipWithStream(bytes: Uint8Array): Promise<Uint8Array> {
  const DS = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (typeof DS !== 'function') throw new BackendError('gunzip: this environment has neither node:zlib nor DecompressionStream');
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DS('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decompresses gzip bytes: node:zlib in Node, DecompressionStream elsewhere. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) throw new ArgumentError('gunzip: the bytes are not gzip data (no 1f 8b header)');
  if (isNode()) {
    const zlibName = 'node:zlib';
    const zlib = (await import(/* @vite-ignore */ zlibName)) as typeof import('node:zlib');
    return new Uint8Array(zlib.gunzipSync(bytes));
  }
  return gunzipWithStream(bytes);
}

/** Text from raw contents: strings pass through; bytes are gunzipped if gzip, then decoded as UTF-8. */
export async function toText(op: string, contents: FileContents): Promise<string> {
  if (typeof contents === 'string') return contents;
  let bytes: Uint8Array;
  if (contents instanceof Uint8Array) bytes = contents;
  else if (contents instanceof ArrayBuffer) bytes = new Uint8Array(contents);
  else throw new ArgumentError(`${op}: data must be a string, an ArrayBuffer or a Uint8Array, got ${contents === null ? 'null' : typeof contents}`);
  if (isGzip(bytes)) bytes = await gunzip(bytes);
  return new TextDecoder().decode(bytes);
}

export interface SourceOptions {
  /** Where to read the file: a URL (file: in Node, anything fetch accepts). Default: the copy in the package's data/ folder. */
  url?: URL | string;
  /** The file's contents, already read (for example fetched by a browser app): text, or bytes (gzip allowed). */
  data?: FileContents;
}

/** The text of a data file, from `data`, `url` or the package's copy. */
export async function sourceText(op: string, file: string, opts: SourceOptions): Promise<string> {
  if (opts.data !== undefined) return toText(op, opts.data);
  return toText(op, await readUrl(opts.url ?? dataUrl(file)));
}
