// wg.distributions: probability distributions after torch.distributions, with
// sampling seeded by wg.seed, and logProb, entropy and KL divergences written
// in wasmgrad ops (so they are differentiable in the parameters).

export { Bernoulli, type ProbsOrLogits } from './bernoulli.js';
export { Categorical, type CategoricalParams } from './categorical.js';
export { Distribution, type DistributionOptions, getDefaultValidateArgs, type Param, setDefaultValidateArgs } from './distribution.js';
export { klDivergence, registerKl } from './kl.js';
export { MultivariateNormal, type MvnScale } from './multivariate-normal.js';
export { Normal } from './normal.js';
export { Uniform } from './uniform.js';
