/**
 * The one table of optimizer configurations every backend and instruction set is tested over
 * (PyTorch's optim_db, optax's _OPTIMIZERS_UNDER_TEST). Each entry builds an optimizer over
 * the given parameters; `groups` entries split them into two groups with different options.
 */
import { Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, ASGD, LAMB, LARS, Lion, NAdam, RAdam, RMSprop, Rprop, SGD, type Optimizer, type ParamLike } from '../../src/index.js';

export interface OptimCase {
  name: string;
  create(params: ParamLike[]): Optimizer<object>;
  /**
   * State entries whose values are not O(1), with their scale: native and JS differ by a few
   * float32 ulps of the values, so differences are measured against this instead of 1.
   */
  scale?: Record<string, number>;
  /**
   * The parameters' shapes, for optimizers that look at them (LARS's exclusions, Adafactor's
   * factoring): the shape of a parameter of n elements. Without it every parameter is a vector.
   */
  shape?: (n: number) => readonly number[];
}

/**
 * Sizes of the test tables as matrices and batches of matrices (rows and columns covering the
 * lane tails, single rows and columns, an empty matrix); the other sizes (primes among them)
 * stay vectors.
 */
const MATRICES: Record<number, readonly number[]> = {
  0: [0, 4],
  8: [8, 1],
  9: [3, 3],
  16: [1, 16],
  24: [2, 3, 4],
  33: [3, 11],
  64: [2, 32],
  100: [10, 10],
  1000: [40, 25],
};
export const matrixShape = (n: number): readonly number[] => MATRICES[n] ?? [n];

/**
 * RMSprop's momentum buffer sums normalized steps g / sqrt(v), each up to 1 / sqrt(1 - alpha)
 * (v >= (1 - alpha) g^2), geometrically: its scale is 1 / ((1 - momentum) sqrt(1 - alpha)).
 */
const rmspropBuffer = (alpha: number, momentum: number) => ({ momentum_buffer: 1 / ((1 - momentum) * Math.sqrt(1 - alpha)) });

const twoGroups = <T>(params: ParamLike[], second: T) => [
  { params: params.filter((_, i) => i % 2 === 0) },
  { params: params.filter((_, i) => i % 2 === 1), ...second },
];

export const optimDb: OptimCase[] = [
  { name: 'SGD', create: (p) => new SGD(p, { lr: 0.1 }) },
  { name: 'SGD momentum', create: (p) => new SGD(p, { lr: 0.05, momentum: 0.9 }) },
  { name: 'SGD momentum dampening', create: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.3 }) },
  { name: 'SGD nesterov weightDecay', create: (p) => new SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 }) },
  { name: 'SGD maximize weightDecay', create: (p) => new SGD(p, { lr: 0.05, momentum: 0.5, weightDecay: 0.1, maximize: true }) },
  { name: 'SGD groups', create: (p) => new SGD(twoGroups(p, { lr: 0.01, momentum: 0.9 }), { lr: 0.1 }) },
  { name: 'Adam', create: (p) => new Adam(p, { lr: 1e-2 }) },
  { name: 'Adam amsgrad', create: (p) => new Adam(p, { lr: 1e-2, amsgrad: true }) },
  { name: 'Adam weightDecay maximize', create: (p) => new Adam(p, { lr: 1e-2, weightDecay: 0.05, maximize: true }) },
  { name: 'Adam betas eps', create: (p) => new Adam(p, { lr: 3e-3, betas: [0.5, 0.9], eps: 1e-3 }) },
  { name: 'Adam groups', create: (p) => new Adam(twoGroups(p, { lr: 1e-3, amsgrad: true }), { lr: 1e-2 }) },
  { name: 'Adam decoupledWeightDecay', create: (p) => new Adam(twoGroups(p, { decoupledWeightDecay: false }), { lr: 1e-2, weightDecay: 0.1, decoupledWeightDecay: true }) },
  { name: 'AdamW', create: (p) => new AdamW(p, { lr: 1e-2 }) },
  { name: 'AdamW amsgrad maximize', create: (p) => new AdamW(p, { lr: 1e-2, weightDecay: 0.1, amsgrad: true, maximize: true }) },
  { name: 'RMSprop', create: (p) => new RMSprop(p, { lr: 1e-2 }) },
  { name: 'RMSprop momentum', create: (p) => new RMSprop(p, { lr: 1e-2, momentum: 0.9 }), scale: rmspropBuffer(0.99, 0.9) },
  { name: 'RMSprop centered alpha eps', create: (p) => new RMSprop(p, { lr: 1e-3, alpha: 0.9, eps: 1e-3, centered: true }) },
  { name: 'RMSprop centered momentum weightDecay maximize', create: (p) => new RMSprop(p, { lr: 1e-2, momentum: 0.5, centered: true, weightDecay: 0.1, maximize: true }), scale: rmspropBuffer(0.99, 0.5) },
  { name: 'RMSprop groups', create: (p) => new RMSprop(twoGroups(p, { lr: 1e-3, momentum: 0.9, centered: true }), { lr: 1e-2 }), scale: rmspropBuffer(0.99, 0.9) },
  { name: 'Adagrad', create: (p) => new Adagrad(p, { lr: 0.1 }) },
  { name: 'Adagrad lrDecay weightDecay', create: (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.05, weightDecay: 0.1 }) },
  { name: 'Adagrad initialAccumulatorValue eps maximize', create: (p) => new Adagrad(p, { lr: 0.05, initialAccumulatorValue: 0.5, eps: 1e-3, maximize: true }) },
  { name: 'Adagrad groups', create: (p) => new Adagrad(twoGroups(p, { lr: 0.01, lrDecay: 0.1, weightDecay: 0.05 }), { lr: 0.1, initialAccumulatorValue: 0.1 }) },
  { name: 'Adadelta', create: (p) => new Adadelta(p) },
  { name: 'Adadelta lr rho eps', create: (p) => new Adadelta(p, { lr: 0.5, rho: 0.5, eps: 1e-4 }) },
  { name: 'Adadelta weightDecay maximize', create: (p) => new Adadelta(p, { rho: 0.95, weightDecay: 0.1, maximize: true }) },
  { name: 'Adadelta groups', create: (p) => new Adadelta(twoGroups(p, { lr: 0.1, rho: 0.99, weightDecay: 0.05 }), { lr: 1 }) },
  { name: 'Adamax', create: (p) => new Adamax(p, { lr: 1e-2 }) },
  { name: 'Adamax betas eps', create: (p) => new Adamax(p, { lr: 1e-2, betas: [0.5, 0.9], eps: 1e-3 }) },
  { name: 'Adamax weightDecay maximize', create: (p) => new Adamax(p, { lr: 2e-2, weightDecay: 0.1, maximize: true }) },
  { name: 'Adamax groups', create: (p) => new Adamax(twoGroups(p, { lr: 1e-3, betas: [0.8, 0.99], weightDecay: 0.05 }), { lr: 1e-2 }) },
  { name: 'NAdam', create: (p) => new NAdam(p, { lr: 1e-2 }) },
  { name: 'NAdam momentumDecay betas eps', create: (p) => new NAdam(p, { lr: 1e-2, momentumDecay: 0.05, betas: [0.5, 0.9], eps: 1e-3 }) },
  { name: 'NAdam weightDecay maximize', create: (p) => new NAdam(p, { lr: 2e-2, weightDecay: 0.1, maximize: true }) },
  { name: 'NAdam decoupledWeightDecay', create: (p) => new NAdam(p, { lr: 2e-2, weightDecay: 0.1, decoupledWeightDecay: true }) },
  { name: 'RAdam', create: (p) => new RAdam(p, { lr: 1e-2 }) },
  // beta2 = 0.9: rectified from step 6 on, so both branches run within the 12 steps.
  { name: 'RAdam betas eps weightDecay maximize', create: (p) => new RAdam(p, { lr: 1e-2, betas: [0.8, 0.9], eps: 1e-3, weightDecay: 0.1, maximize: true }) },
  { name: 'RAdam decoupledWeightDecay', create: (p) => new RAdam(p, { lr: 2e-2, betas: [0.9, 0.9], weightDecay: 0.1, decoupledWeightDecay: true }) },
  { name: 'RAdam groups', create: (p) => new RAdam(twoGroups(p, { lr: 1e-3, betas: [0.9, 0.95], weightDecay: 0.05 }), { lr: 1e-2, betas: [0.9, 0.9] }) },
  { name: 'Rprop', create: (p) => new Rprop(p, { lr: 1e-2 }) },
  { name: 'Rprop etas stepSizes maximize', create: (p) => new Rprop(p, { lr: 0.05, etas: [0.3, 1.5], stepSizes: [1e-3, 0.1], maximize: true }) },
  { name: 'Rprop groups', create: (p) => new Rprop(twoGroups(p, { lr: 0.1, etas: [0.4, 1.1], stepSizes: [1e-4, 1] }), { lr: 1e-2 }) },
  { name: 'ASGD', create: (p) => new ASGD(p, { lr: 1e-2 }) },
  // Averaging from step 4 on (mu = 1 / (t - 3)), and a strong decay.
  { name: 'ASGD lambd alpha t0', create: (p) => new ASGD(p, { lr: 5e-2, lambd: 0.05, alpha: 0.5, t0: 3 }) },
  { name: 'ASGD weightDecay maximize', create: (p) => new ASGD(p, { lr: 2e-2, t0: 0, weightDecay: 0.1, maximize: true }) },
  { name: 'ASGD groups', create: (p) => new ASGD(twoGroups(p, { lr: 1e-2, lambd: 1e-2, t0: 5 }), { lr: 5e-2, t0: 1 }) },
  { name: 'NAdam groups', create: (p) => new NAdam(twoGroups(p, { lr: 1e-3, momentumDecay: 0.1, weightDecay: 0.05, decoupledWeightDecay: true }), { lr: 1e-2 }) },
  { name: 'Lion', create: (p) => new Lion(p, { lr: 1e-3 }) },
  { name: 'Lion betas weightDecay maximize', create: (p) => new Lion(p, { lr: 1e-3, betas: [0.5, 0.9], weightDecay: 0.5, maximize: true }) },
  { name: 'LAMB', create: (p) => new LAMB(p, { lr: 1e-2 }) },
  { name: 'LAMB weightDecay maximize', create: (p) => new LAMB(p, { lr: 1e-2, weightDecay: 0.1, maximize: true }) },
  { name: 'LAMB no bias correction, maxTrustRatio, betas eps', create: (p) => new LAMB(p, { lr: 1e-2, biasCorrection: false, maxTrustRatio: 1, betas: [0.5, 0.9], eps: 1e-3 }) },
  { name: 'LAMB groups', create: (p) => new LAMB(twoGroups(p, { lr: 1e-3, weightDecay: 0.01, maxTrustRatio: 10 }), { lr: 1e-2 }) },
  { name: 'LARS', create: (p) => new LARS(p, { lr: 1 }) },
  { name: 'LARS weightDecay nesterov, vectors excluded', create: (p) => new LARS(p, { lr: 0.05, trustCoefficient: 0.02, weightDecay: 1e-2, nesterov: true, excludeBiasAndNorm: true }), shape: matrixShape },
  { name: 'LARS no momentum, trustCoefficient eps maximize', create: (p) => new LARS(p, { lr: 0.5, momentum: 0, trustCoefficient: 0.01, eps: 1e-3, maximize: true }) },
  { name: 'LARS groups', create: (p) => new LARS(twoGroups(p, { lr: 0.01, momentum: 0.5, excludeBiasAndNorm: true }), { lr: 1, weightDecay: 1e-3 }), shape: matrixShape },
  { name: 'Adafactor', create: (p) => new Adafactor(p), shape: matrixShape },
  { name: 'Adafactor vectors only, lr', create: (p) => new Adafactor(p, { lr: 0.05 }) },
  { name: 'Adafactor eps d beta2Decay weightDecay maximize', create: (p) => new Adafactor(p, { eps: [1e-3, 1e-2], d: 2, beta2Decay: -0.5, weightDecay: 0.5, maximize: true }), shape: matrixShape },
  { name: 'Adafactor groups', create: (p) => new Adafactor(twoGroups(p, { lr: 1e-3, eps: [0.01, 1e-3] }), { weightDecay: 0.1 }), shape: matrixShape },
  { name: 'Lion groups', create: (p) => new Lion(twoGroups(p, { lr: 1e-4, weightDecay: 1 }), { lr: 1e-3 }) },
];
