/** The optimizers and learning-rate schedules the digits trainer can use, with defaults tuned for it. */
import { Adam, AdamW, SGD, type Optimizer, type ParamLike } from '../../src/index.js';

export const OPTIMIZERS = ['adamw', 'adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const SCHEDULES = ['warmup-cosine', 'onecycle', 'constant'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** Peak learning rates that train this MLP well in 30 epochs. */
const DEFAULT_LR: Record<OptimizerName, number> = { adamw: 3e-3, adam: 3e-3, sgd: 0.1 };

export function makeOptimizer(name: OptimizerName, params: ParamLike[], lr = DEFAULT_LR[name]): { optimizer: Optimizer<{ lr: number }>; peakLr: number } {
  // Biases are not decayed (the usual practice); the weights are.
  const groups = (wd: number) => [
    { params: params.filter((p) => (p.shape?.length ?? 1) > 1), weightDecay: wd },
    { params: params.filter((p) => (p.shape?.length ?? 1) <= 1), weightDecay: 0 },
  ];
  const optimizer =
    name === 'adamw' ? new AdamW(groups(1e-2), { lr }) : name === 'adam' ? new Adam(groups(0), { lr }) : new SGD(groups(1e-4), { lr, momentum: 0.9, nesterov: true });
  return { optimizer: optimizer as unknown as Optimizer<{ lr: number }>, peakLr: lr };
}
