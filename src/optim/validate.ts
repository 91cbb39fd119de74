// Checks of hyper-parameters shared by the optimizers and schedulers. Each
// throws an ArgumentError naming the optimizer (or scheduler) and the value,
// like torch.optim's ValueErrors: `Adam: invalid beta parameter at index 1: 1`.
import { ArgumentError } from '../core/errors.js';

/** Hyper-parameter values: numbers, flags, betas pairs, modes. */
export type Hyper = Record<string, number | boolean | number[] | string | undefined>;

export function isPlainObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A short description of a bad value for an error message. */
export function show(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  if (typeof x === 'string') return `'${x}'`;
  return String(x);
}

/** A number >= min (NaN fails every comparison, so it is rejected too). */
export function checkMin(name: string, what: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !(v >= min)) throw new ArgumentError(`${name}: invalid ${what}: ${show(v)}`);
  return v;
}

/** A number in [lo, hi). */
export function checkRange(name: string, what: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !(v >= lo && v < hi)) throw new ArgumentError(`${name}: invalid ${what}: ${show(v)} (expected [${lo}, ${hi}))`);
  return v;
}

export function checkBool(name: string, what: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${name}: ${what} must be true or false, got ${show(v)}`);
  return v;
}

/** A finite number (a gamma, a minimum learning rate). */
export function checkFinite(name: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`${name}: invalid ${what}: ${show(v)}`);
  return v;
}

/** An integer >= min (step sizes, periods, patience). */
export function checkInteger(name: string, what: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${name}: invalid ${what}: ${show(v)} (expected an integer >= ${min})`);
  return v;
}

/** The learning rate, weight decay and eps every optimizer has. */
export function checkCommon(name: string, g: { lr?: unknown; weightDecay?: unknown; eps?: unknown; maximize?: unknown }): void {
  checkMin(name, 'learning rate', g.lr);
  checkMin(name, 'weightDecay value', g.weightDecay);
  if ('eps' in g) checkMin(name, 'epsilon value', g.eps);
  checkBool(name, 'maximize', g.maximize);
}

/** Adam's (beta1, beta2), each in [0, 1). */
export function checkBetas(name: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ArgumentError(`${name}: betas must be a pair [beta1, beta2], got ${show(betas)}`);
  betas.forEach((b, i) => {
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw new ArgumentError(`${name}: invalid beta parameter at index ${i}: ${show(b)}`);
  });
}
