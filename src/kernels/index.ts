// The JS kernels, one per native kernel of native/kernels.def (same names, same arguments).
export { adam } from './adam.js';
export { sgd } from './sgd.js';
export { axpby, clamp, dot, norms, scale } from './ops.js';
