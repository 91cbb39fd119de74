// A pool of worker threads on the shared WebAssembly memory. Each worker
// instantiates the same kernel module over the same memory, then sleeps on an
// Atomics barrier in a control block in that memory; the main thread writes one
// call per thread (an export and its integer arguments), wakes them, runs its own
// share, and waits for the count of running threads to reach zero. No message
// is posted per op: a round trip costs a few microseconds.
//
// Node: worker_threads. Browsers: Web Workers, only when the page is
// cross-origin isolated (SharedArrayBuffer); otherwise the backend stays on one
// thread. Atomics.wait is not allowed on a browser's main thread, which spins
// instead (the kernels it waits for are short).

import { BackendError } from '../../core/errors.js';

// Control block (i32 words): generation, pending, error flag, then per thread a
// slot of SLOT words: [export index (-1: nothing), argument count, arguments...].
const GEN = 0;
const PENDING = 1;
const ERROR = 2;
const HEADER = 8;
const SLOT = 32;
const MAX_ARGS = SLOT - 2;

/** Bytes of control block a pool of `threads` needs. */
export function controlBytes(threads: number): number {
  return (HEADER + SLOT * threads) * 4;
}

/** One call: an export of the kernel module and its integer arguments. */
export interface Call {
  fn: string;
  args: number[];
}

interface WorkerLike {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

/**
 * The code each worker runs, as a function whose source is shipped to the
 * worker (so no separate file has to be found or bundled). It must not close
 * over anything.
 */
function workerMain(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const isNode = typeof g.self === 'undefined';
  // The worker's code runs as a script (require) or, where the parent ran with
  // --input-type=module, as a module (process.getBuiltinModule, Node 20.16+).
  // Only evaluated in Node (a browser worker has neither).
  const load = (m: string) =>
    ((g.require as ((m: string) => unknown) | undefined) ?? (g.process as { getBuiltinModule: (m: string) => unknown }).getBuiltinModule)(m);
  // The worker's port differs between Node and browsers, hence `any`.
  const port: any = isNode ? (load('node:worker_threads') as { parentPort: unknown }).parentPort : g.self;
  const start = async (msg: any) => {
    const { module, memory, ctl, index, names, header, slot } = msg;
    const instance: WebAssembly.Instance = await WebAssembly.instantiate(module as WebAssembly.Module, {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm kernel aborted');
        },
      },
    });
    const k = instance.exports as Record<string, (...a: number[]) => unknown>;
    const c = new Int32Array(memory.buffer, ctl, header + slot * (index + 1));
    const fns = (names as string[]).map((n) => k[n]);
    // Read the generation before saying ready: a task posted right after would otherwise be missed.
    let gen = Atomics.load(c, 0);
    port.postMessage('ready');
    for (;;) {
      // A task is a new generation; any other wake-up (the main thread notifies
      // again while it waits) finds the same generation and sleeps again.
      const now = Atomics.load(c, 0);
      if (now === gen) {
        Atomics.wait(c, 0, gen);
        continue;
      }
      gen = now;
      const at = header + slot * index;
      const f = c[at];
      if (f === -2) break;
      if (f >= 0) {
        try {
          const args: number[] = [];
          for (let i = 0; i < c[at + 1]; i++) args.push(c[at + 2 + i]);
          fns[f](...args);
        } catch {
          Atomics.store(c, 2, 1);
        }
      }
      if (Atomics.sub(c, 1, 1) === 1) Atomics.notify(c, 1);
    }
  };
  if (isNode) port.once('message', start);
  else port.onmessage = (e: { data: unknown }) => start(e.data);
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether worker threads on a shared memory are possible here. */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) return true;
  return g.crossOriginIsolated === true && typeof Worker !== 'undefined';
}

let cores: number | null = null;

/** The number of cores, where the platform says (remembered for knownCores()). */
export async function coreCount(): Promise<number> {
  if (cores !== null) return cores;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return (cores = nav.hardwareConcurrency);
  try {
    const osName = 'node:os';
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    cores = os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    cores = 1;
  }
  return cores;
}

/** The core count once coreCount() has run (wg.init runs it), else what navigator says, else 1. */
export function knownCores(): number {
  return cores ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

export class ThreadPool {
  private ctlView: Int32Array;
  private readonly blocks = canBlock();
  private readonly index = new Map<string, number>();
  /** Why the pool cannot run any more (a worker died), or null. */
  private broken: string | null = null;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly ctl: number,
    readonly threads: number,
    private readonly workers: WorkerLike[],
    names: string[],
    private readonly main: Record<string, (...a: number[]) => unknown>,
  ) {
    this.ctlView = new Int32Array(memory.buffer, ctl, HEADER + SLOT * threads);
    names.forEach((n, i) => this.index.set(n, i));
  }

  /**
   * Starts threads - 1 workers (the calling thread is thread 0) on `memory`,
   * with the control block at byte offset `ctl` (controlBytes(threads) bytes).
   * `names` are the exports that can be run in parallel.
   */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctl: number,
    threads: number,
    names: string[],
    main: Record<string, (...a: number[]) => unknown>,
  ): Promise<ThreadPool> {
    new Int32Array(memory.buffer, ctl, HEADER + SLOT * threads).fill(0);
    const code = `(${workerMain.toString()})()`;
    const workers: WorkerLike[] = [];
    const ready: Promise<void>[] = [];
    const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    for (let i = 1; i < threads; i++) {
      const msg = { module, memory, ctl, index: i, names, header: HEADER, slot: SLOT };
      if (isNode) {
        const wtName = 'node:worker_threads';
        const { Worker: NodeWorker } = (await import(/* @vite-ignore */ wtName)) as typeof import('node:worker_threads');
        // No inherited Node options (--input-type=module would make the code a module).
        const w = new NodeWorker(code, { eval: true, execArgv: [] });
        // A sleeping worker must not keep the process alive.
        w.unref();
        ready.push(
          new Promise((res, rej) => {
            w.once('message', () => res());
            w.once('error', rej);
          }),
        );
        w.postMessage(msg);
        workers.push(w);
      } else {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        const w = new Worker(url);
        ready.push(
          new Promise((res, rej) => {
            w.onmessage = () => res();
            w.onerror = (e) => rej(e);
          }),
        );
        w.postMessage(msg);
        workers.push(w);
      }
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    const pool = new ThreadPool(memory, ctl, threads, workers, names, main);
    for (const w of workers) pool.watch(w);
    return pool;
  }

  /** False once a worker died: wg.init then starts a new pool. */
  get ok(): boolean {
    return this.broken === null;
  }

  /** A worker that dies makes the next run throw instead of waiting for it forever. */
  private watch(w: WorkerLike): void {
    const fail = (why: string) => {
      if (!this.closed) this.broken ??= why;
    };
    const nw = w as unknown as { on?: (ev: string, f: (x: unknown) => void) => void };
    if (typeof nw.on === 'function') {
      nw.on('error', (e) => fail(`a worker failed: ${(e as Error)?.message ?? e}`));
      nw.on('exit', (code) => fail(`a worker exited (code ${code})`));
    } else {
      (w as unknown as Worker).addEventListener('error', (e) => fail(`a worker failed: ${(e as ErrorEvent).message}`));
    }
  }

  /** Runs calls[0] here and calls[i] on worker i (missing calls: nothing), and returns when all are done. */
  run(calls: Call[]): void {
    if (calls.length > this.threads) throw new Error(`thread pool: ${calls.length} calls for ${this.threads} threads`);
    let c = this.ctlView;
    if (c.buffer !== this.memory.buffer) c = this.ctlView = new Int32Array(this.memory.buffer, this.ctl, HEADER + SLOT * this.threads);
    for (let t = 1; t < this.threads; t++) {
      const at = HEADER + SLOT * t;
      const call = calls[t];
      if (!call) {
        c[at] = -1;
        continue;
      }
      const f = this.index.get(call.fn);
      if (f === undefined || call.args.length > MAX_ARGS) throw new Error(`thread pool: cannot run ${call.fn} with ${call.args.length} arguments`);
      c[at] = f;
      c[at + 1] = call.args.length;
      for (let i = 0; i < call.args.length; i++) c[at + 2 + i] = call.args[i];
    }
    Atomics.store(c, ERROR, 0);
    Atomics.store(c, PENDING, this.threads - 1);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    if (calls[0]) this.main[calls[0].fn](...calls[0].args);
    // Spin briefly (the other threads usually finish about when this one does), then sleep.
    let p = Atomics.load(c, PENDING);
    for (let spin = 0; p !== 0 && spin < 20000; spin++) p = Atomics.load(c, PENDING);
    while (p !== 0) {
      if (this.broken) throw new BackendError(`wasm thread pool: ${this.broken}`);
      if (this.blocks) {
        // Waking the workers again costs nothing (a worker that has this
        // generation's task done goes back to sleep) and guards against a lost wake-up.
        if (Atomics.wait(c, PENDING, p, 50) === 'timed-out') Atomics.notify(c, GEN);
      }
      p = Atomics.load(c, PENDING);
    }
    if (Atomics.load(c, ERROR)) throw new BackendError('wasm thread pool: a kernel failed on a worker thread');
  }

  private closed = false;

  /** Stops the workers. */
  close(): void {
    this.closed = true;
    const c = new Int32Array(this.memory.buffer, this.ctl, HEADER + SLOT * this.threads);
    for (let t = 1; t < this.threads; t++) c[HEADER + SLOT * t] = -2;
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    for (const w of this.workers) w.terminate();
  }
}
