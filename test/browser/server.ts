// A small static file server (node:http) for the browser tests, with or
// without the cross-origin-isolation headers that give a page
// SharedArrayBuffer (and so WebAssembly threads):
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** The origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Paths requested so far, with their status codes. */
  log: { path: string; status: number }[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Send COOP same-origin and COEP require-corp on every response. */
  isolated?: boolean;
}

/** Serves `root` on 127.0.0.1 (a free port); a folder's index.html answers for the folder. */
export async function serveStatic(root: string, opts: ServeOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const log: StaticServer['log'] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(opts.isolated ? ISOLATION_HEADERS : {}) };
    const reply = (status: number, body: string) => {
      log.push({ path, status });
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return reply(403, 'forbidden');
    try {
      let s = await stat(file);
      if (s.isDirectory()) {
        file = join(file, 'index.html');
        s = await stat(file);
      }
      log.push({ path, status: 200 });
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(s.size) });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      reply(404, `not found: ${path}`);
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
