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

// colors[i] and dashed[i], when given, override series i's palette colour and line style.
function legend(parts, names, m, W, marker = 'line', colors = [], dashed = []) {
  names.forEach((name, i) => {
    const y = m.t + 10 + i * 18;
    const x = m.l + W + 12;
    const c = colors[i] ?? color(i);
    parts.push(
      marker === 'line'
        ? `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${c}" stroke-width="2.5"${dashed[i] ? ' stroke-dasharray="5 3"' : ''}/>`
        : `<circle cx="${x + 9}" cy="${y}" r="4" fill="${c}"/>`,
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

let clipIds = 0;

/**
 * Line chart. series: [{ name, y: number[], x?: number[], dashed?, color? }]
 * (color overrides the palette, so a train/validation pair can share one). Options:
 * title, xLabel, yLabel, logY, yRange, width, height; clip: cut the lines at
 * the plotting area (for a yRange that leaves part of a curve out).
 */
export function lineChart({ series, title = '', xLabel = '', yLabel = '', logY = false, yRange, width = 720, height = 420, clip = false }) {
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
  let clipAttr = '';
  if (clip) {
    const id = `clip${++clipIds}`;
    f.parts.push(`<clipPath id="${id}"><rect x="${f.m.l}" y="${f.m.t}" width="${f.W}" height="${f.H}"/></clipPath>`);
    clipAttr = ` clip-path="url(#${id})"`;
  }
  series.forEach((s, i) => {
    const pts = s.y.map((v, k) => [s.x ? s.x[k] : k + 1, v]).filter(([, v]) => Number.isFinite(v) && (!logY || v > 0));
    const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`).join('');
    f.parts.push(`<path d="${d}" fill="none" stroke="${s.color ?? color(i)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}${clipAttr}/>`);
  });
  legend(
    f.parts,
    series.map((s) => s.name),
    f.m,
    f.W,
    'line',
    series.map((s) => s.color),
    // Only series with an explicit colour show their dash in the legend (output for older callers is unchanged).
    series.map((s) => s.color !== undefined && s.dashed),
  );
  return svg(width, height, f.parts);
}

/**
 * Scatter plot. points: [{ x, y, group }]; groups are coloured and named by groupNames.
 * lines: [{ points: [[x, y], ...], color?, dashed? }]. xRange / yRange fix the
 * axes (default: the points' range); clip cuts lines at the plotting area.
 */
export function scatter({
  points,
  groupNames = [],
  title = '',
  xLabel = '',
  yLabel = '',
  width = 720,
  height = 480,
  radius = 3,
  lines = [],
  xRange,
  yRange,
  clip = false,
}) {
  const f = frame({ width, height, title, xLabel, yLabel, xRange: xRange ?? range(points.map((p) => p.x)), yRange: yRange ?? range(points.map((p) => p.y)) });
  let clipAttr = '';
  if (clip) {
    const id = `clip${++clipIds}`;
    f.parts.push(`<clipPath id="${id}"><rect x="${f.m.l}" y="${f.m.t}" width="${f.W}" height="${f.H}"/></clipPath>`);
    clipAttr = ` clip-path="url(#${id})"`;
  }
  for (const p of points)
    f.parts.push(`<circle cx="${f.sx(p.x).toFixed(1)}" cy="${f.sy(p.y).toFixed(1)}" r="${radius}" fill="${color(p.group ?? 0)}" fill-opacity="0.75"/>`);
  lines.forEach((l, i) => {
    const d = l.points.map(([x, y], k) => `${k ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`).join('');
    f.parts.push(`<path d="${d}" fill="none" stroke="${l.color ?? '#000'}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}${clipAttr}/>`);
    if (l.name) groupNames = [...groupNames.slice(0, i), ...groupNames.slice(i)];
  });
  if (groupNames.length) legend(f.parts, groupNames, f.m, f.W, 'dot');
  return svg(width, height, f.parts);
}

/**
 * A grid of grey-scale images. images: arrays of h*w values (scaled per image
 * to black..white unless `range` is given, or `ranges[k]` for image k), with
 * optional captions.
 */
export function imageGrid({ images, h, w, cols = 10, cell = 4, captions = [], title = '', range: fixed, ranges = [] }) {
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
    const [lo, hi] = ranges[k] ?? fixed ?? [Math.min(...img), Math.max(...img)];
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

/** Places whole SVG charts (strings from the functions above) side by side in one SVG. */
export function row(charts, { gap = 8 } = {}) {
  const size = (s, k) => Number(new RegExp(`<svg[^>]*?\\s${k}="([\\d.]+)"`).exec(s)?.[1] ?? 0);
  let x = 0;
  const parts = charts.map((s) => {
    const nested = s.trim().replace('<svg ', `<svg x="${x}" y="0" `);
    x += size(s, 'width') + gap;
    return nested;
  });
  return svg(Math.max(0, x - gap), Math.max(...charts.map((s) => size(s, 'height'))), parts);
}

/**
 * A directed acyclic graph drawn left to right, such as a computational graph.
 * nodes: [{ id, lines: string[], fill? }]; edges: [{ from, to, label? }].
 * An op node sits one column right of its deepest input, and a leaf (a node
 * without inputs) just left of its first consumer, so that inputs are drawn
 * next to where they are used; within a column, nodes are ordered by the mean
 * height of their neighbours (a few sweeps of the barycentre heuristic) to
 * keep edges short and crossings few.
 */
export function graphDiagram({ nodes, edges, title = '', boxW = 120, lineH = 14, colGap = 56, rowGap = 16 }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ins = new Map(nodes.map((n) => [n.id, []]));
  const outs = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) throw new Error(`graphDiagram: edge ${e.from} -> ${e.to} names an unknown node`);
    ins.get(e.to).push(e.from);
    outs.get(e.from).push(e.to);
  }
  const col = new Map();
  const depth = (id) => {
    if (!col.has(id)) col.set(id, ins.get(id).length ? 1 + Math.max(...ins.get(id).map(depth)) : 0);
    return col.get(id);
  };
  nodes.forEach((n) => depth(n.id));
  for (const n of nodes) if (!ins.get(n.id).length && outs.get(n.id).length) col.set(n.id, Math.min(...outs.get(n.id).map((c) => col.get(c))) - 1);
  const ncols = Math.max(...col.values()) + 1;
  const columns = Array.from({ length: ncols }, () => []);
  nodes.forEach((n) => columns[col.get(n.id)].push(n.id));
  const boxH = Math.max(...nodes.map((n) => n.lines.length)) * lineH + 10;
  const step = boxH + rowGap;
  const tallest = Math.max(...columns.map((c) => c.length));
  const top = title ? 40 : 12;
  const y = new Map();
  const place = (c) => c.forEach((id, k) => y.set(id, top + ((tallest - c.length) / 2 + k) * step));
  columns.forEach(place);
  for (let sweep = 0; sweep < 6; sweep++) {
    for (const c of sweep % 2 ? [...columns].reverse() : columns) {
      const key = new Map(c.map((id) => [id, [...ins.get(id), ...outs.get(id)].map((o) => y.get(o))]));
      c.sort((a, b) => mean(key.get(a), y.get(a)) - mean(key.get(b), y.get(b)));
      place(c);
    }
  }
  const x = (id) => 12 + col.get(id) * (boxW + colGap);
  const width = 24 + ncols * boxW + (ncols - 1) * colGap;
  const height = top + tallest * step + 4;
  const parts = [
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
  ];
  if (title) parts.push(`<text x="${width / 2}" y="24" font-size="15" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  const labels = [];
  for (const e of edges) {
    const [x1, y1] = [x(e.from) + boxW, y.get(e.from) + boxH / 2];
    const [x2, y2] = [x(e.to), y.get(e.to) + boxH / 2];
    const mx = (x1 + x2) / 2;
    parts.push(`<path d="M${x1},${y1}C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="#888" stroke-width="1.3" marker-end="url(#arrow)"/>`);
    // The label sits near the consumer's end, where edges into one node fan apart.
    if (e.label !== undefined) labels.push(edgeLabel(x2 - 22, y1 + 0.85 * (y2 - y1), e.label));
  }
  for (const n of nodes) {
    const [nx, ny] = [x(n.id), y.get(n.id)];
    parts.push(`<rect x="${nx}" y="${ny}" width="${boxW}" height="${boxH}" rx="6" fill="${n.fill ?? '#eef4fb'}" stroke="#456"/>`);
    n.lines.forEach((t, k) => {
      const weight = k === 0 ? ' font-weight="bold"' : '';
      parts.push(`<text x="${nx + boxW / 2}" y="${ny + 15 + k * lineH}" font-size="11" text-anchor="middle"${weight}>${esc(t)}</text>`);
    });
  }
  return svg(width, height, [...parts, ...labels]);
}

const mean = (vs, dflt) => (vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : dflt);

function edgeLabel(cx, cy, text) {
  const w = 6 * String(text).length + 6;
  return (
    `<rect x="${cx - w / 2}" y="${cy - 8}" width="${w}" height="13" rx="3" fill="#fff" fill-opacity="0.85"/>` +
    `<text x="${cx}" y="${cy + 2}" font-size="10" text-anchor="middle" fill="#a33">${esc(text)}</text>`
  );
}

// ---- Histograms, bar charts and contour plots (the book's Part I chapters) ----

/** A legend of mixed entries: items [{ name, color, kind: 'line' | 'box' | 'dot', dashed? }]. */
function legendItems(parts, items, m, W) {
  items.forEach(({ name, color: c, kind = 'line', dashed = false }, i) => {
    const y = m.t + 10 + i * 18;
    const x = m.l + W + 12;
    if (kind === 'box') parts.push(`<rect x="${x + 3}" y="${y - 6}" width="12" height="12" fill="${c}" fill-opacity="0.45" stroke="${c}"/>`);
    else if (kind === 'dot') parts.push(`<circle cx="${x + 9}" cy="${y}" r="4" fill="${c}"/>`);
    else parts.push(`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${c}" stroke-width="2.5"${dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${x + 24}" y="${y + 4}" font-size="12">${esc(name)}</text>`);
  });
}

const pathD = (pts, f) => pts.map(([x, y], k) => `${k ? 'L' : 'M'}${f.sx(x).toFixed(1)},${f.sy(y).toFixed(1)}`).join('');

/**
 * Histogram with curves on top (a sample's histogram against its density).
 * bars: [{ name, edges: number[] (k + 1 bin edges), heights: number[] (k), color? }],
 * drawn translucent so that two can overlap; curves: [{ name, x, y, dashed?, color? }].
 */
export function histogram({ bars = [], curves = [], title = '', xLabel = '', yLabel = '', width = 720, height = 420 }) {
  const xs = [...bars.flatMap((b) => b.edges), ...curves.flatMap((c) => c.x)];
  const ys = [0, ...bars.flatMap((b) => b.heights), ...curves.flatMap((c) => c.y)];
  const f = frame({ width, height, title, xLabel, yLabel, xRange: range(xs, 0), yRange: [0, range(ys)[1]] });
  const items = [];
  bars.forEach((b, i) => {
    const c = b.color ?? color(i);
    b.heights.forEach((h, k) => {
      const [x0, x1] = [f.sx(b.edges[k]), f.sx(b.edges[k + 1])];
      const [y0, y1] = [f.sy(h), f.sy(0)];
      f.parts.push(
        `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="${c}" fill-opacity="0.4" stroke="${c}" stroke-width="0.5"/>`,
      );
    });
    if (b.name) items.push({ name: b.name, color: c, kind: 'box' });
  });
  curves.forEach((s, i) => {
    const c = s.color ?? color(bars.length + i);
    const d = pathD(
      s.x.map((x, k) => [x, s.y[k]]),
      f,
    );
    f.parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (s.name) items.push({ name: s.name, color: c, dashed: s.dashed });
  });
  legendItems(f.parts, items, f.m, f.W);
  return svg(width, height, f.parts);
}

/**
 * Grouped bars over the outcomes 0..k-1 (a discrete distribution's
 * probabilities next to a sample's frequencies). series: [{ name, values: number[] (k), color? }];
 * labels: the outcomes' names (default 0..k-1).
 */
export function barChart({ series, labels, title = '', xLabel = '', yLabel = '', width = 720, height = 420 }) {
  const k = Math.max(...series.map((s) => s.values.length));
  const f = frame({ width, height, title, xLabel, yLabel, xRange: [-0.5, k - 0.5], yRange: [0, range([0, ...series.flatMap((s) => s.values)])[1]] });
  // The frame's numeric x ticks (vertical grid lines and their labels) give way to one label per outcome.
  const tickY = `y="${f.m.t + f.H + 16}"`;
  f.parts = f.parts.filter((p) => !(p.startsWith('<text') && p.includes(tickY)) && !/^<line x1="([\d.]+)" y1="[\d.]+" x2="\1"/.test(p));
  for (let j = 0; j < k; j++) f.parts.push(`<text x="${f.sx(j)}" y="${f.m.t + f.H + 16}" font-size="11" text-anchor="middle">${esc(labels?.[j] ?? j)}</text>`);
  const bw = 0.8 / series.length;
  series.forEach((s, i) => {
    const c = s.color ?? color(i);
    s.values.forEach((v, j) => {
      const x0 = f.sx(j - 0.4 + i * bw);
      const x1 = f.sx(j - 0.4 + (i + 1) * bw);
      f.parts.push(
        `<rect x="${x0.toFixed(1)}" y="${f.sy(v).toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(f.sy(0) - f.sy(v)).toFixed(1)}" fill="${c}" fill-opacity="0.8"/>`,
      );
    });
  });
  legendItems(
    f.parts,
    series.map((s, i) => ({ name: s.name, color: s.color ?? color(i), kind: 'box' })),
    f.m,
    f.W,
  );
  return svg(width, height, f.parts);
}

/** The segments where the grid z (z[i][j] at (xs[j], ys[i])) crosses `level` (marching squares, linear interpolation). */
export function contourSegments(xs, ys, z, level) {
  const segs = [];
  const at = (i, j, i2, j2) => {
    const t = (level - z[i][j]) / (z[i2][j2] - z[i][j]);
    return [xs[j] + t * (xs[j2] - xs[j]), ys[i] + t * (ys[i2] - ys[i])];
  };
  for (let i = 0; i + 1 < ys.length; i++) {
    for (let j = 0; j + 1 < xs.length; j++) {
      // Crossings on the cell's four edges; two make a segment, four (a saddle) make two.
      const cross = [];
      const edge = (a, b, c, d) => {
        if (z[a][b] < level !== z[c][d] < level) cross.push(at(a, b, c, d));
      };
      edge(i, j, i, j + 1);
      edge(i, j + 1, i + 1, j + 1);
      edge(i + 1, j + 1, i + 1, j);
      edge(i + 1, j, i, j);
      for (let k = 0; k + 1 < cross.length; k += 2) segs.push([cross[k], cross[k + 1]]);
    }
  }
  return segs;
}

/**
 * Contour lines of a function sampled on a grid, with paths drawn over them
 * (optimisation iterates, for instance). xs [nx], ys [ny], z[i][j] = f(xs[j], ys[i]);
 * levels: the values to draw; paths: [{ name, points: [[x, y], ...], color?, dashed?, markers? }]
 * (markers: a dot at each point); marks: [{ x, y, color?, r?, name? }]; curves: [{ points, color?, dashed? }]
 * (a constraint's boundary, say). Everything is clipped to the plotting area.
 */
export function contourPlot({ xs, ys, z, levels, paths = [], marks = [], curves = [], title = '', xLabel = '', yLabel = '', width = 720, height = 520 }) {
  const f = frame({ width, height, title, xLabel, yLabel, xRange: [xs[0], xs.at(-1)], yRange: [ys[0], ys.at(-1)] });
  const id = `clip${++clipIds}`;
  f.parts.push(`<clipPath id="${id}"><rect x="${f.m.l}" y="${f.m.t}" width="${f.W}" height="${f.H}"/></clipPath>`);
  const clip = ` clip-path="url(#${id})"`;
  levels.forEach((level, k) => {
    const d = contourSegments(xs, ys, z, level)
      .map(([[x0, y0], [x1, y1]]) => `M${f.sx(x0).toFixed(1)},${f.sy(y0).toFixed(1)}L${f.sx(x1).toFixed(1)},${f.sy(y1).toFixed(1)}`)
      .join('');
    // Lower levels darker, so the valley floor stands out.
    const g = Math.round(110 + (120 * k) / Math.max(1, levels.length - 1));
    if (d) f.parts.push(`<path d="${d}" fill="none" stroke="rgb(${g},${g},${g})" stroke-width="0.8"${clip}/>`);
  });
  for (const c of curves)
    f.parts.push(
      `<path d="${pathD(c.points, f)}" fill="none" stroke="${c.color ?? '#000'}" stroke-width="1.5"${c.dashed ? ' stroke-dasharray="5 3"' : ''}${clip}/>`,
    );
  const items = [];
  paths.forEach((p, i) => {
    const c = p.color ?? color(i);
    f.parts.push(`<path d="${pathD(p.points, f)}" fill="none" stroke="${c}" stroke-width="1.8"${p.dashed ? ' stroke-dasharray="6 4"' : ''}${clip}/>`);
    if (p.markers) for (const [x, y] of p.points) f.parts.push(`<circle cx="${f.sx(x).toFixed(1)}" cy="${f.sy(y).toFixed(1)}" r="2.5" fill="${c}"${clip}/>`);
    if (p.name) items.push({ name: p.name, color: c, dashed: p.dashed });
  });
  for (const mk of marks) {
    f.parts.push(`<circle cx="${f.sx(mk.x).toFixed(1)}" cy="${f.sy(mk.y).toFixed(1)}" r="${mk.r ?? 5}" fill="${mk.color ?? '#000'}"${clip}/>`);
    if (mk.name) items.push({ name: mk.name, color: mk.color ?? '#000', kind: 'dot' });
  }
  legendItems(f.parts, items, f.m, f.W);
  return svg(width, height, f.parts);
}

/**
 * Rows of grey-scale images, each row named on its left (originals above
 * their reconstructions, for instance). rows: [{ label, images: arrays of h*w values }];
 * the grey scale spans `range` (default: each image's own min..max).
 */
export function imageRows({ rows, h, w, cell = 4, title = '', range: fixed, labelWidth = 110 }) {
  const pad = 6;
  const top = title ? 28 : 4;
  const cols = Math.max(...rows.map((r) => r.images.length));
  const width = labelWidth + cols * (w * cell + pad) + pad;
  const height = top + rows.length * (h * cell + pad) + pad;
  const parts = title ? [`<text x="${width / 2}" y="18" font-size="14" text-anchor="middle" font-weight="bold">${esc(title)}</text>`] : [];
  rows.forEach(({ label, images }, r) => {
    const oy = top + r * (h * cell + pad);
    parts.push(`<text x="${labelWidth - 6}" y="${oy + (h * cell) / 2 + 4}" font-size="11" text-anchor="end">${esc(label)}</text>`);
    images.forEach((img, c) => {
      const ox = labelWidth + c * (w * cell + pad);
      const [lo, hi] = fixed ?? [Math.min(...img), Math.max(...img)];
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const g = Math.round(255 * Math.min(1, Math.max(0, (img[i * w + j] - lo) / (hi - lo || 1))));
          parts.push(`<rect x="${ox + j * cell}" y="${oy + i * cell}" width="${cell}" height="${cell}" fill="rgb(${g},${g},${g})"/>`);
        }
      }
    });
  });
  return svg(width, height, parts);
}
