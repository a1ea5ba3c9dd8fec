/**
 * The optimizers the benchmark times: ONE flat list, one line per optimizer (add yours at the
 * end). Each case builds the optimizer with the public classes and the hyperparameters named
 * here, says how many bytes one step moves per element, and, where TensorFlow.js has the same
 * optimizer, builds tfjs's with the same hyperparameters (`tf.train.*`).
 *
 * Bytes per element count reads + writes of float32 buffers per step (without write-allocate:
 * an optimizer writes only buffers it has just read, so that is its whole memory traffic).
 * For an optimizer whose traffic depends on the tensor's shape (a factored second moment),
 * give a function of the shape instead of a number.
 */
import type * as Tf from '@tensorflow/tfjs';

import {
  Adadelta,
  Adafactor,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  LAMB,
  LARS,
  Lion,
  NAdam,
  Parameter,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  type ParamLike,
} from '../src/index.js';

import { numel } from './lib/data.js';

/** Something with a `step()`: every optimizer. */
export interface Steppable {
  step(): unknown;
}

/** The `@tensorflow/tfjs` module. */
export type TfModule = typeof Tf;

/** One optimizer under test. */
export interface OptimizerCase {
  /** Its name on the command line (`--optimizers`) and in the report. */
  name: string;
  /** Bytes read + written per element per step, or a function of the tensor's shape. */
  bytesPerElement: number | ((shape: readonly number[]) => number);
  /** Builds it over the parameters; its state is allocated by its first step (in the warm-up). */
  create(params: ParamLike[]): Steppable;
  /** TensorFlow.js's optimizer with the same hyperparameters, where tfjs has one. */
  tfjs?: (tf: TfModule) => Tf.Optimizer;
}

export const OPTIMIZERS: readonly OptimizerCase[] = [
  // reads p, g, exp_avg, exp_avg_sq (16 B); writes p, exp_avg, exp_avg_sq (12 B)
  { name: 'Adam', bytesPerElement: 28, create: (p) => new Adam(p, { lr: 1e-3 }), tfjs: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8) },
  // as Adam (the decay is folded into the same pass); tfjs has no AdamW
  { name: 'AdamW', bytesPerElement: 28, create: (p) => new AdamW(p, { lr: 1e-3 }) },
  // with momentum 0.9: reads p, g, momentum_buffer (12 B); writes p, momentum_buffer (8 B)
  { name: 'SGD', bytesPerElement: 20, create: (p) => new SGD(p, { lr: 1e-3, momentum: 0.9 }), tfjs: (tf) => tf.train.momentum(1e-3, 0.9) },
  // without momentum: reads p, g (8 B); writes p (4 B)
  { name: 'SGD-plain', bytesPerElement: 12, create: (p) => new SGD(p, { lr: 1e-3 }), tfjs: (tf) => tf.train.sgd(1e-3) },
  // reads p, g, square_avg (12 B); writes p, square_avg (8 B)
  { name: 'RMSprop', bytesPerElement: 20, create: (p) => new RMSprop(p), tfjs: (tf) => tf.train.rmsprop(1e-2, 0.99, 0, 1e-8) },
  // reads p, g, sum (12 B); writes p, sum (8 B)
  { name: 'Adagrad', bytesPerElement: 20, create: (p) => new Adagrad(p), tfjs: (tf) => tf.train.adagrad(1e-2, 0) },
  // reads p, g, square_avg, acc_delta (16 B); writes p, square_avg, acc_delta (12 B)
  { name: 'Adadelta', bytesPerElement: 28, create: (p) => new Adadelta(p), tfjs: (tf) => tf.train.adadelta(1.0, 0.9, 1e-6) },
  // reads p, g, exp_avg, exp_inf (16 B); writes p, exp_avg, exp_inf (12 B)
  { name: 'Adamax', bytesPerElement: 28, create: (p) => new Adamax(p), tfjs: (tf) => tf.train.adamax(2e-3, 0.9, 0.999, 1e-8) },
  // reads p, g, exp_avg, exp_avg_sq (16 B); writes p, exp_avg, exp_avg_sq (12 B)
  { name: 'NAdam', bytesPerElement: 28, create: (p) => new NAdam(p) },
  // as Adam (while unrectified, the first steps, exp_avg_sq is still read and written)
  { name: 'RAdam', bytesPerElement: 28, create: (p) => new RAdam(p) },
  // reads p, g, prev, step_size (16 B); writes p, prev, step_size (12 B)
  { name: 'Rprop', bytesPerElement: 28, create: (p) => new Rprop(p) },
  // reads p, g (8 B); writes p, ax (8 B): ax is a copy, not read, until t0 (1e6 steps)
  { name: 'ASGD', bytesPerElement: 16, create: (p) => new ASGD(p) },
  // reads p, g, exp_avg (12 B); writes p, exp_avg (8 B)
  { name: 'Lion', bytesPerElement: 20, create: (p) => new Lion(p) },
  // pass 1 reads p, g, exp_avg, exp_avg_sq (16 B), writes exp_avg, exp_avg_sq (8 B);
  // pass 2 reads p, exp_avg, exp_avg_sq (12 B), writes p (4 B)
  { name: 'LAMB', bytesPerElement: 40, create: (p) => new LAMB(p) },
  // pass 1 reads p, g (8 B); pass 2 reads p, g, momentum_buffer (12 B), writes p, momentum_buffer (8 B)
  { name: 'LARS', bytesPerElement: 28, create: (p) => new LARS(p) },
  // A tensor whose length is a multiple of 1024 is given the shape [n / 1024, 1024] and factored:
  // pass 1 reads g (4 B); pass 2 reads p, g (8 B); pass 3 reads p, g (8 B), writes p (4 B); the
  // row and column factors are negligible. Otherwise a full second moment: pass 1 reads p, g,
  // variance and writes variance (16 B); pass 2 reads p, g, variance and writes p (16 B).
  {
    name: 'Adafactor',
    bytesPerElement: (shape) => (adafactorShape(numel(shape)).length === 2 ? 24 : 32),
    create: (p) => new Adafactor(p.map((q) => new Parameter(q.data, { grad: q.grad ?? false, shape: adafactorShape(q.data.length) }))),
  },
];

/** The shape Adafactor is benchmarked with: a matrix of 1024 columns where the length allows. */
function adafactorShape(n: number): number[] {
  return n % 1024 === 0 && n > 0 ? [n / 1024, 1024] : [n];
}

/** Bytes one step of `opt` moves over tensors of these shapes. */
export function bytesPerStep(opt: OptimizerCase, shapes: readonly (readonly number[])[]): number {
  const per = opt.bytesPerElement;
  return shapes.reduce((sum, shape) => sum + numel(shape) * (typeof per === 'number' ? per : per(shape)), 0);
}
