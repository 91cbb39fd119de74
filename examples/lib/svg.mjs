// Small SVG charts for the examples: line charts, scatter plots and image
// grids, written as plain SVG strings (no DOM, works in Node and browsers).

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const color = (i) => PALETTE[i % PALETTE.length];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** About `n` round tick values covering [lo, hi]. */
export function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmtTick = (v) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/** Axes, grid, labels and title around a plotting area; returns the frame and the two scales. */
function frame({ width, height, title, xLabel, yLabel, xRange, yRange, logY = false }) {
  const m = { l: 64, r: 150, t: 36, b: 48 };
  const W = width - m.l - m.r;
  const H = height - m.t - m.b;
  const ty = (v) => (logY ? Math.log10(Math.max(v, 1e-300)) : v);
  const [y0, y1] = logY ? [ty(yRange[0]), ty(yRange[1])] : yRange;
  const sx = (v) => m.l + ((v - xRange[0]) / (xRange[1] - xRange[0] || 1)) * W;
  const sy = (v) => m.t + H - ((ty(v) - y0) / (y1 - y0 || 1)) * H;
  const parts = [`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="#fff" stroke="#444"/>`];
  for (const v of ticks(xRange[0], xRange[1])) {
    parts.push(`<line x1="${sx(v)}" y1="${m.t}" x2="${sx(v)}" y2="${m.t + H}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(v)}" y="${m.t + H + 16}" font-size="11" text-anchor="middle">${fmtTick(v)}</text>`);
  }
  const yt = logY
    ? ticks(y0, y1)
        .filter(Number.isInteger)
        .map((e) => 10 ** e)
    : ticks(yRange[0], yRange[1]);
  for (const v of yt) {
    parts.push(`<line x1="${m.l}" y1="${sy(v)}" x2="${m.l + W}" y2="${sy(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(v) + 4}" font-size="11" text-anchor="end">${fmtTick(v)}</text>`);
  }
  if (title) parts.push(`<text x="${m.l + W / 2}" y="22" font-size="15" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  if (xLabel) parts.push(`<text x="${m.l + W / 2}" y="${height - 10}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>`);
  if (yLabel) parts.push(`<text x="16" y="${m.t + H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${m.t + H / 2})">${esc(yLabel)}</text>`);
  return { parts, sx, sy, m, W, H };
}

function legend(parts, names, m, W, marker = 'line') {
  names.forEach((name, i) => {
    const y = m.t + 10 + i * 18;
    const x = m.l + W + 12;
    parts.push(
      marker === 'line'
        ? `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${color(i)}" stroke-width="2.5"/>`
        : `<circle cx="${x + 9}" cy="${y}" r="4" fill="${color(i)}"/>`,
    );
    parts.push(`<text x="${x + 24}" y="${y + 4}" font-size="12">${esc(name)}</text>`);
  });
}

const svg = (width, height, parts) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;

const range = (vs, pad = 0.05) => {
  const f = vs.filter(Number.isFinite);
  let lo = Math.min(...f);
  let hi = Math.max(...f);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
};

/**
 * Line chart. series: [{ name, y: number[], x?: number[], dashed? }]. Options:
 * title, xLabel, yLabel, logY, yRange, width, height.
 */
export function lineChart({ series, title = '', xLabel = '', yLabel = '', logY = false, yRange, width = 720, height = 420 }) {
  const xs = series.flatMap((s) => s.x ?? s.y.map((_, i) => i + 1));
  const ys = series.flatMap((s) => s.y);
  const f = frame({
    width,
    height,
    title,
    xLabel,
    yLabel,
    xRange: range(xs, 0),
    yRange: yRange ?? (logY ? [Math.min(...ys.filter((v) => v > 0)), Math.max(...ys)] : range(ys)),
    logY,
  });
  series.forEach((s, i) => {
    const pts = s.y.map((v, k) => [s.x ? s.x[k] : k + 1, v]).filter(([, v]) => Number.isFinite(v) && (!logY || v > 0));
    const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`).join('');
    f.parts.push(`<path d="${d}" fill="none" stroke="${color(i)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  });
  legend(
    f.parts,
    series.map((s) => s.name),
    f.m,
    f.W,
  );
  return svg(width, height, f.parts);
}

/** Scatter plot. points: [{ x, y, group }]; groups are coloured and named by groupNames. */
export function scatter({ points, groupNames = [], title = '', xLabel = '', yLabel = '', width = 720, height = 480, radius = 3, lines = [] }) {
  const f = frame({ width, height, title, xLabel, yLabel, xRange: range(points.map((p) => p.x)), yRange: range(points.map((p) => p.y)) });
  for (const p of points)
    f.parts.push(`<circle cx="${f.sx(p.x).toFixed(1)}" cy="${f.sy(p.y).toFixed(1)}" r="${radius}" fill="${color(p.group ?? 0)}" fill-opacity="0.75"/>`);
  lines.forEach((l, i) => {
    const d = l.points.map(([x, y], k) => `${k ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`).join('');
    f.parts.push(`<path d="${d}" fill="none" stroke="${l.color ?? '#000'}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (l.name) groupNames = [...groupNames.slice(0, i), ...groupNames.slice(i)];
  });
  if (groupNames.length) legend(f.parts, groupNames, f.m, f.W, 'dot');
  return svg(width, height, f.parts);
}

/**
 * A grid of grey-scale images. images: arrays of h*w values (scaled per image
 * to black..white unless `range` is given), with optional captions.
 */
export function imageGrid({ images, h, w, cols = 10, cell = 4, captions = [], title = '', range: fixed }) {
  const pad = 6;
  const capH = captions.length ? 14 : 0;
  const rows = Math.ceil(images.length / cols);
  const tw = w * cell + pad;
  const th = h * cell + pad + capH;
  const top = title ? 28 : 4;
  const width = cols * tw + pad;
  const height = top + rows * th + pad;
  const parts = title ? [`<text x="${width / 2}" y="18" font-size="14" text-anchor="middle" font-weight="bold">${esc(title)}</text>`] : [];
  images.forEach((img, k) => {
    const ox = pad + (k % cols) * tw;
    const oy = top + Math.floor(k / cols) * th;
    const [lo, hi] = fixed ?? [Math.min(...img), Math.max(...img)];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const g = Math.round(255 * Math.min(1, Math.max(0, (img[i * w + j] - lo) / (hi - lo || 1))));
        parts.push(`<rect x="${ox + j * cell}" y="${oy + i * cell}" width="${cell}" height="${cell}" fill="rgb(${g},${g},${g})"/>`);
      }
    }
    if (captions[k] !== undefined)
      parts.push(`<text x="${ox + (w * cell) / 2}" y="${oy + h * cell + 12}" font-size="10" text-anchor="middle">${esc(captions[k])}</text>`);
  });
  return svg(width, height, parts);
}
