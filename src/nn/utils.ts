// torch.nn.utils equivalents.
export { clipGradNorm } from '../optim/clip.js';
