// Printing tensors the way PyTorch does:
//   tensor([[1.0000, 2.0000],
//           [3.0000, 4.0000]])
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

const EDGE = 3; // elements shown at each end of a summarised dim
const THRESHOLD = 1000; // summarise above this many elements

export function formatTensor(shape: Shape, dtype: DType, data: TypedArray, suffix: string[] = []): string {
  const n = data.length;
  const summarise = n > THRESHOLD;
  const fmtNum = numberFormatter(dtype, data);
  const body = formatDim(shape, 0, 0, data, fmtNum, summarise, 'tensor('.length);
  const extras = [...(dtype !== 'float32' ? [`dtype=${dtype}`] : []), ...suffix];
  const shapeNote = n === 0 && shape.length > 1 ? [`size=[${shape.join(', ')}]`] : [];
  return `tensor(${[body, ...shapeNote, ...extras].join(', ')})`;
}

function formatDim(shape: Shape, dim: number, offset: number, data: TypedArray, f: (v: number) => string, summarise: boolean, indent: number): string {
  if (shape.length === 0) return f(data[0]);
  const n = shape[dim];
  let inner = 1;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  const idx: (number | null)[] = [];
  if (summarise && n > 2 * EDGE) {
    for (let i = 0; i < EDGE; i++) idx.push(i);
    idx.push(null);
    for (let i = n - EDGE; i < n; i++) idx.push(i);
  } else {
    for (let i = 0; i < n; i++) idx.push(i);
  }
  if (dim === shape.length - 1) {
    return `[${idx.map((i) => (i === null ? '...' : f(data[offset + i]))).join(', ')}]`;
  }
  const pad = ' '.repeat(indent + 1);
  const sep = ',' + '\n'.repeat(shape.length - dim - 1) + pad;
  const parts = idx.map((i) => (i === null ? '...' : formatDim(shape, dim + 1, offset + i * inner, data, f, summarise, indent + 1)));
  return `[${parts.join(sep)}]`;
}

function numberFormatter(dtype: DType, data: TypedArray): (v: number) => string {
  if (dtype === 'int32') {
    let w = 1;
    for (const v of data) w = Math.max(w, String(v).length);
    return (v) => String(v).padStart(w);
  }
  let maxAbs = 0;
  let minAbs = Infinity;
  let allInt = true;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a !== 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(v)) allInt = false;
  }
  const sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || (minAbs !== Infinity && maxAbs / minAbs > 1000 && !allInt);
  let raw: (v: number) => string;
  if (sci) raw = (v) => (Number.isFinite(v) ? v.toExponential(4) : special(v));
  else if (allInt) raw = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  else raw = (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
  let w = 1;
  for (const v of data) w = Math.max(w, raw(v).length);
  return (v) => raw(v).padStart(w);
}

function special(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}
