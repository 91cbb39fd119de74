// The drawing pad and the 8x8 input the network sees. The digits data set was
// made (UCI optdigits) from 32x32 bitmaps of size-normalized digits by
// counting the ink in each 4x4 block, so pixels are 0..16. The same is done
// here: the strokes are scaled to fill a 32x32 box (keeping their aspect
// ratio), drawn with a fixed pen width, thresholded, and counted in 4x4 blocks.

const BOX = 32;
const FILL = 26; // the longer side of the digit, in the 32x32 box
const PEN = 3.4; // pen width in the 32x32 box

/** A pad on `canvas`; calls onChange(strokes) as the user draws. */
export function drawingPad(canvas, onChange) {
  const ctx = canvas.getContext('2d');
  let strokes = [];
  let current = null;

  function paint() {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#111';
    ctx.lineWidth = canvas.width / 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of strokes) {
      ctx.beginPath();
      s.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      if (s.length === 1) ctx.lineTo(s[0].x + 0.1, s[0].y);
      ctx.stroke();
    }
  }

  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * canvas.width, y: ((e.clientY - r.top) / r.height) * canvas.height };
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    current = [point(e)];
    strokes.push(current);
    paint();
    onChange(strokes, false);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!current) return;
    current.push(point(e));
    paint();
    onChange(strokes, false);
  });
  const end = () => {
    if (!current) return;
    current = null;
    onChange(strokes, true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  paint();
  return {
    clear() {
      strokes = [];
      current = null;
      paint();
      onChange(strokes, true);
    },
  };
}

/** The strokes as 64 intensities 0..16 (row-major 8x8), like the data set; null when nothing is drawn. */
export function toDigitPixels(strokes) {
  const pts = strokes.flat();
  if (pts.length === 0) return null;
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const s = FILL / Math.max(x1 - x0, y1 - y0, 1);
  const ox = (BOX - (x1 - x0) * s) / 2;
  const oy = (BOX - (y1 - y0) * s) / 2;
  const c = new OffscreenCanvas(BOX, BOX);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.strokeStyle = '#000';
  ctx.lineWidth = PEN;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const st of strokes) {
    ctx.beginPath();
    st.forEach((p, i) => {
      const x = ox + (p.x - x0) * s;
      const y = oy + (p.y - y0) * s;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    if (st.length === 1) ctx.lineTo(ox + (st[0].x - x0) * s + 0.1, oy + (st[0].y - y0) * s);
    ctx.stroke();
  }
  const alpha = ctx.getImageData(0, 0, BOX, BOX).data;
  const out = new Array(64).fill(0);
  for (let y = 0; y < BOX; y++) {
    for (let x = 0; x < BOX; x++) {
      if (alpha[(y * BOX + x) * 4 + 3] >= 128) out[(y >> 2) * 8 + (x >> 2)] += 1;
    }
  }
  return out;
}

/** Shows 8x8 intensities 0..16 on a small canvas, dark on light like the pad. */
export function showPixels(canvas, pixels) {
  const ctx = canvas.getContext('2d');
  const cell = canvas.width / 8;
  for (let i = 0; i < 64; i++) {
    const v = 255 - Math.round(((pixels?.[i] ?? 0) / 16) * 255);
    ctx.fillStyle = `rgb(${v},${v},${v})`;
    ctx.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
  }
}
