// The shared op suite as data: groups of cases, each comparing an op on some
// backend with the js reference through a `Compare` callback, so that one case
// table runs on sync backends (compareWithReference) and async ones
// (compareWithReferenceAsync, webgpu) alike.
import type { BackendName } from '../../src/engine/backend.js';
import { compareWithReference, type Input, type Tol, type wg } from './index.js';

export type Run = (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[];

export interface CaseOptions {
  /** The case needs float64 (a backend without it must throw a DTypeError instead). */
  float64?: boolean;
}

export type Compare = (inputs: Input[], run: Run, tol: Tol, what: string, opts?: CaseOptions) => void | Promise<void>;

/** One `it` of the suite: a title and the comparisons it makes. */
export interface CaseGroup {
  name: string;
  run: (cmp: Compare) => Promise<void>;
}

export const group = (name: string, run: (cmp: Compare) => Promise<void>): CaseGroup => ({ name, run });

/** The Compare of a backend read synchronously. */
export function compareOn(backend: BackendName): Compare {
  return (inputs, run, tol, what) => compareWithReference(backend, inputs, run, tol, what);
}
