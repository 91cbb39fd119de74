// Helpers shared by the chapters of Part II (6 to 9): running a chapter as a
// script, writing its plots, the digits splits, and copying model parameters
// (so that several runs start from one initialisation, or early stopping can
// go back to the best epoch).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wg from 'wasmgrad';

/** True when the module at `url` is the script node was started with. */
export const isMain = (url) => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/** Writes `svg` to `${out}/${name}` (creating the folder) and records the path in `files`. */
export function writeSvg(out, name, svg, files) {
  mkdirSync(out, { recursive: true });
  const path = join(out, name);
  writeFileSync(path, svg);
  files.push(path);
  return path;
}

/**
 * The 8x8 digits scaled to [0, 1], as `[n, 64]` rows or `[n, 1, 8, 8]` images,
 * split stratified into train and test (scikit-learn's 80/20 unless `testSize`).
 */
export async function digitsSplit({ images = false, testSize = 0.2, seed = 0 } = {}) {
  const digits = await wg.data.loadDigits({ images });
  const x = digits.x.div(16);
  const split = wg.data.trainTestSplit(x, digits.y, { testSize, seed, stratify: digits.y });
  x.dispose();
  digits.x.dispose();
  digits.y.dispose();
  return split;
}

/** Copies of a module's parameters and buffers (kept alive past every tidy). */
export const snapshot = (model) => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, wg.keep(wg.noGrad(() => t.clone()))]));

/** Frees a snapshot. */
export const release = (snap) => wg.dispose(Object.values(snap));

/** One line per headline entry, numbers rounded for reading. */
export function printHeadline(headline, indent = '  ') {
  const show = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : JSON.stringify(v));
  for (const [k, v] of Object.entries(headline)) console.log(`${indent}${k}: ${show(v)}`);
}

export const pct = (v) => `${(100 * v).toFixed(2)}%`;
