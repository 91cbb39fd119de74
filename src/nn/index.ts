// wg.nn: modules, layers, losses and initialisers.

export { MultiheadAttention, type MultiheadAttentionForwardOptions, type MultiheadAttentionOptions } from './attention.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export * as init from './init.js';
export {
  AvgPool2d,
  Dropout,
  ELU,
  Flatten,
  GELU,
  Identity,
  LeakyReLU,
  LogSoftmax,
  MaxPool2d,
  ModuleList,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from './layers.js';
export { Conv2d, type Conv2dLayerOptions, Linear, type LinearOptions } from './linear.js';
export { BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss } from './loss.js';
export { buffer, isParameter, type LoadOptions, Module, parameter } from './module.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions, LayerNorm, type LayerNormOptions } from './norm.js';
export { GRU, type GRUOptions, LSTM, type LSTMOptions, RNN, type RNNBaseOptions, type RNNOptions } from './rnn.js';
export * as utils from './utils.js';
