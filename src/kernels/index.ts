// The JS kernels, one per native kernel of native/kernels.def (same names, same arguments).
export { adadelta } from './adadelta.js';
export { adafactor } from './adafactor.js';
export { adagrad } from './adagrad.js';
export { adam } from './adam.js';
export { adamax } from './adamax.js';
export { asgd } from './asgd.js';
export { nadam } from './nadam.js';
export { radam } from './radam.js';
export { rprop } from './rprop.js';
export { lamb } from './lamb.js';
export { lars } from './lars.js';
export { lion } from './lion.js';
export { rmsprop } from './rmsprop.js';
export { sgd } from './sgd.js';
export { axpby, clamp, dot, norms, scale } from './ops.js';
