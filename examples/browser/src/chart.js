// A small live line chart (SVG), redrawn as the numbers come: fixed x range
// (the epochs planned), optional log y axis, a legend, dashed series.

const COLORS = ['#9ab7d3', '#1f77b4', '#ff7f0e', '#2ca02c'];

function ticks(lo, hi, n = 5) {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v) => String(Number(v.toPrecision(3)));

/**
 * series: [{ name, x: number[], y: number[], dashed?, color?, width? }]
 * xRange: [lo, hi]; yRange: [lo, hi] (positive for logY); legend: 'top' or 'bottom' (right-aligned).
 */
export function chartSvg({ title, xLabel, series, xRange, yRange, logY = false, legend = 'top', width = 390, height = 260 }) {
  const m = { l: 56, r: 14, t: 30, b: 40 };
  const W = width - m.l - m.r;
  const H = height - m.t - m.b;
  const ty = (v) => (logY ? Math.log10(v) : v);
  const [y0, y1] = [ty(yRange[0]), ty(yRange[1])];
  const sx = (v) => m.l + ((v - xRange[0]) / (xRange[1] - xRange[0] || 1)) * W;
  const sy = (v) => m.t + H - ((ty(Math.min(Math.max(v, yRange[0]), yRange[1])) - y0) / (y1 - y0 || 1)) * H;
  const parts = [`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="#fff" stroke="#8c959f"/>`];
  for (const v of ticks(xRange[0], xRange[1], 6).filter(Number.isInteger)) {
    parts.push(`<line x1="${sx(v)}" y1="${m.t}" x2="${sx(v)}" y2="${m.t + H}" stroke="#eef0f2"/>`);
    parts.push(`<text x="${sx(v)}" y="${m.t + H + 15}" font-size="11" text-anchor="middle">${v}</text>`);
  }
  const yt = logY
    ? ticks(y0, y1, 4)
        .filter(Number.isInteger)
        .map((e) => 10 ** e)
    : ticks(yRange[0], yRange[1], 5);
  for (const v of yt) {
    parts.push(`<line x1="${m.l}" y1="${sy(v)}" x2="${m.l + W}" y2="${sy(v)}" stroke="#eef0f2"/>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(v) + 4}" font-size="11" text-anchor="end">${fmt(v)}</text>`);
  }
  parts.push(`<text x="${m.l}" y="18" font-size="13" font-weight="600">${title}</text>`);
  parts.push(`<text x="${m.l + W / 2}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#57606a">${xLabel}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const pts = s.y.map((v, k) => [s.x[k], v]).filter(([, v]) => Number.isFinite(v) && (!logY || v > 0));
    if (pts.length > 0) {
      const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 2}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      if (pts.length < 40) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
    const lx = m.l + W - 100;
    const ly = legend === 'top' ? m.t + 14 + 16 * i : m.t + H - 10 - 16 * (series.length - 1 - i);
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(`<text x="${lx + 28}" y="${ly}" font-size="11">${s.name}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}
