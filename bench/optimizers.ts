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
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  RMSprop,
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
];

/** Bytes one step of `opt` moves over tensors of these shapes. */
export function bytesPerStep(opt: OptimizerCase, shapes: readonly (readonly number[])[]): number {
  const per = opt.bytesPerElement;
  return shapes.reduce((sum, shape) => sum + numel(shape) * (typeof per === 'number' ? per : per(shape)), 0);
}
