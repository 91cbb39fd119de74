// Helpers shared by the chapters of Part II (6 to 9): the digits splits and
// copying model parameters (so that several runs start from one
// initialisation, or early stopping can go back to the best epoch). Running a
// chapter as a script and writing its plots are foundations.mjs's, re-exported.
import * as wg from 'wasmgrad';

export { isMain, main, writeSvg } from './foundations.mjs';

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

export const pct = (v) => `${(100 * v).toFixed(2)}%`;
