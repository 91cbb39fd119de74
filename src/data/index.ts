// wg.data: datasets, batching, splits, standardisation and the bundled real data sets.
//   const { x, y } = await wg.data.loadIris();
//   const { train, test } = wg.data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: y });
//   for (const [xb, yb] of new wg.data.DataLoader(train, { batchSize: 16, shuffle: true, seed: 0 })) ...
export { checkDataset, type Dataset, Subset, TensorDataset } from './dataset.js';
export {
  BREAST_CANCER_FEATURES,
  DIGITS_FEATURES,
  type DigitsOptions,
  IRIS_FEATURES,
  type LoadedData,
  loadBreastCancer,
  loadDigits,
  loadIris,
  loadWine,
  parseBreastCancerCsv,
  parseDigitsCsv,
  parseIrisCsv,
  parseLabeledCsv,
  parseWineCsv,
  WINE_FEATURES,
} from './datasets.js';
export { dataUrl, type FileContents, gunzip, readUrl, type SourceOptions } from './files.js';
export { DataLoader, type DataLoaderOptions } from './loader.js';
export { StandardScaler, standardize } from './scaler.js';
export { randomSplit, type SplitOptions, type TrainTest, type TrainTestSplitOptions, trainTestSplit } from './split.js';
