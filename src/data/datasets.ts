// The bundled real data sets (data/README.md: provenance and licences):
// loaders that read the package's copy (Node) or fetch it (browsers), and
// parsers of the raw file contents for apps that fetch the files themselves.
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { tensor } from '../ops/creation.js';
import { type SourceOptions, sourceText } from './files.js';
import { checkOptions } from './loader.js';

/** A loaded data set: features, integer labels, and the names of both. */
export interface LoadedData {
  /** float32 features `[n, features]` (`[n, 1, 8, 8]` for digits as images). */
  x: Tensor;
  /** int32 class labels `[n]`, in 0..classNames.length-1. */
  y: Tensor;
  /** The feature names (scikit-learn's). */
  featureNames: string[];
  /** The class names, indexed by label. */
  classNames: string[];
}

export interface DigitsOptions {
  /** Shape x as images `[n, 1, 8, 8]` (NCHW, for conv2d) instead of `[n, 64]` (default false). */
  images?: boolean;
}

export const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];

export const WINE_FEATURES = [
  'alcohol',
  'malic_acid',
  'ash',
  'alcalinity_of_ash',
  'magnesium',
  'total_phenols',
  'flavanoids',
  'nonflavanoid_phenols',
  'proanthocyanins',
  'color_intensity',
  'hue',
  'od280/od315_of_diluted_wines',
  'proline',
];

const CANCER_BASE = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension'];
export const BREAST_CANCER_FEATURES = [
  ...CANCER_BASE.map((b) => `mean ${b}`),
  ...CANCER_BASE.map((b) => `${b} error`),
  ...CANCER_BASE.map((b) => `worst ${b}`),
];

export const DIGITS_FEATURES = Array.from({ length: 64 }, (_, k) => `pixel_${Math.floor(k / 8)}_${k % 8}`);
const DIGITS_CLASSES = Array.from({ length: 10 }, (_, k) => String(k));

function lines(text: string): string[] {
  const out = text.split(/\r?\n/);
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();
  return out;
}

function num(op: string, s: string, line: number, col: number): number {
  const v = s.trim() === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(v)) throw new ArgumentError(`${op}: line ${line}, column ${col + 1}: '${s}' is not a number`);
  return v;
}

/** Rows of `features` numbers and an integer label in [0, classes), parsed into typed arrays. */
function parseRows(op: string, rows: string[], firstLine: number, features: number, classes: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(rows.length * features);
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const line = firstLine + i;
    const cells = row.split(',');
    if (cells.length !== features + 1) throw new ArgumentError(`${op}: line ${line} has ${cells.length} values, expected ${features + 1}`);
    for (let j = 0; j < features; j++) x[i * features + j] = num(op, cells[j], line, j);
    const label = num(op, cells[features], line, features);
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ArgumentError(`${op}: line ${line}: label ${cells[features]} is not a class index in 0..${classes - 1}`);
    }
    y[i] = label;
  });
  return { x, y };
}

/**
 * Parses scikit-learn's CSV layout: a header `n_samples,n_features,class names...`,
 * then one row per sample, the features and then the integer label.
 */
export function parseLabeledCsv(text: string, featureNames: string[], op = 'parseLabeledCsv'): LoadedData {
  if (typeof text !== 'string') throw new ArgumentError(`${op}: expected the file's text, got ${text === null ? 'null' : typeof text}`);
  const [header, ...rows] = lines(text);
  const head = (header ?? '').split(',');
  const n = Number(head[0]);
  const f = Number(head[1]);
  if (head.length < 3 || !Number.isInteger(n) || !Number.isInteger(f) || f !== featureNames.length) {
    throw new ArgumentError(`${op}: bad header '${header ?? ''}' (expected n_samples,${featureNames.length},class names...)`);
  }
  if (rows.length !== n) throw new ArgumentError(`${op}: the header announces ${n} rows, the file has ${rows.length}`);
  const classNames = head.slice(2).map((s) => s.trim());
  const { x, y } = parseRows(op, rows, 2, f, classNames.length);
  return { x: tensor(x, { shape: [n, f] }), y: tensor(y, { shape: [n] }), featureNames: [...featureNames], classNames };
}

/** Parses iris.csv: 150 x 4 features, classes setosa, versicolor, virginica. */
export function parseIrisCsv(text: string): LoadedData {
  return parseLabeledCsv(text, IRIS_FEATURES, 'parseIrisCsv');
}

/** Parses wine_data.csv: 178 x 13 features, classes class_0, class_1, class_2. */
export function parseWineCsv(text: string): LoadedData {
  return parseLabeledCsv(text, WINE_FEATURES, 'parseWineCsv');
}

/** Parses breast_cancer.csv: 569 x 30 features, classes malignant (0) and benign (1). */
export function parseBreastCancerCsv(text: string): LoadedData {
  return parseLabeledCsv(text, BREAST_CANCER_FEATURES, 'parseBreastCancerCsv');
}

/**
 * Parses the (decompressed) text of digits.csv.gz: no header, 64 pixels (row
 * by row, 0..16) and then the label (0..9) per line.
 */
export function parseDigitsCsv(text: string, opts: DigitsOptions = {}, op = 'parseDigitsCsv'): LoadedData {
  if (typeof text !== 'string') throw new ArgumentError(`${op}: expected the file's text, got ${text === null ? 'null' : typeof text}`);
  checkOptions(op, opts, new Set(['images']));
  const rows = lines(text);
  const n = rows.length;
  if (n === 0) throw new ArgumentError(`${op}: the file has no rows`);
  const { x, y } = parseRows(op, rows, 1, 64, 10);
  const shape = opts.images ? [n, 1, 8, 8] : [n, 64];
  return { x: tensor(x, { shape }), y: tensor(y, { shape: [n] }), featureNames: [...DIGITS_FEATURES], classNames: [...DIGITS_CLASSES] };
}

const SOURCE_KEYS = new Set(['url', 'data']);

/**
 * The UCI handwritten digits (scikit-learn's load_digits): 1797 images of 8x8
 * pixels with values 0..16 (integers, stored as float32), 10 classes. x is
 * `[1797, 64]`, or `[1797, 1, 8, 8]` with `{ images: true }`. Scale the pixels
 * to [0, 1] with `x.div(16)`, or standardise them (StandardScaler).
 * `{ data }` takes the file's bytes (gzip) or its decompressed text; `{ url }` reads elsewhere.
 */
export async function loadDigits(opts: DigitsOptions & SourceOptions = {}): Promise<LoadedData> {
  checkOptions('loadDigits', opts, new Set([...SOURCE_KEYS, 'images']));
  const text = await sourceText('loadDigits', 'digits.csv.gz', opts);
  return parseDigitsCsv(text, { images: opts.images ?? false }, 'loadDigits');
}

/** Fisher's iris (scikit-learn's load_iris): 150 x 4 features in cm, 3 classes. */
export async function loadIris(opts: SourceOptions = {}): Promise<LoadedData> {
  checkOptions('loadIris', opts, SOURCE_KEYS);
  return parseLabeledCsv(await sourceText('loadIris', 'iris.csv', opts), IRIS_FEATURES, 'loadIris');
}

/** The UCI wine recognition data (scikit-learn's load_wine): 178 x 13 features, 3 classes. */
export async function loadWine(opts: SourceOptions = {}): Promise<LoadedData> {
  checkOptions('loadWine', opts, SOURCE_KEYS);
  return parseLabeledCsv(await sourceText('loadWine', 'wine_data.csv', opts), WINE_FEATURES, 'loadWine');
}

/** Breast Cancer Wisconsin (Diagnostic) (scikit-learn's load_breast_cancer): 569 x 30 features; 0 = malignant, 1 = benign. */
export async function loadBreastCancer(opts: SourceOptions = {}): Promise<LoadedData> {
  checkOptions('loadBreastCancer', opts, SOURCE_KEYS);
  return parseLabeledCsv(await sourceText('loadBreastCancer', 'breast_cancer.csv', opts), BREAST_CANCER_FEATURES, 'loadBreastCancer');
}
