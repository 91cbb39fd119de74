// Helpers shared by the chapters of the book examples (2 to 9, 13 and 14; Part
// II through deep-networks.mjs): running a chapter as a script, writing its
// plots, printing its headline, and reading tensors into plain arrays.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** One line per headline entry, numbers rounded for reading. */
export function printHeadline(headline, indent = '  ') {
  const show = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : JSON.stringify(v));
  for (const [k, v] of Object.entries(headline)) console.log(`${indent}${k}: ${show(v)}`);
}

/** Runs a chapter's `run` as a script: the full configuration, its log, its headline and timing. */
export async function main(run) {
  const t0 = performance.now();
  const { headline, files } = await run({ log: console.log });
  console.log('\nheadline:');
  printHeadline(headline);
  console.log(`wrote ${files.join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Largest absolute difference between two equally long arrays. */
export const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Rows of a 2-D tensor as arrays of numbers. */
export const rows = (t) => t.toArray();

/** Points [x, y] of the ellipse { mu + L u : |u| = radius } for a 2x2 lower factor L (Sigma = L L^T). */
export function ellipse(mu, L, radius = 1, n = 96) {
  return Array.from({ length: n + 1 }, (_, k) => {
    const [c, s] = [radius * Math.cos((2 * Math.PI * k) / n), radius * Math.sin((2 * Math.PI * k) / n)];
    return [mu[0] + L[0][0] * c, mu[1] + L[1][0] * c + L[1][1] * s];
  });
}
