/** The optimizers and learning-rate schedules the digits trainer can use, with defaults tuned for it. */
import {
  Adam,
  AdamW,
  constantSchedule,
  OneCycleLR,
  ScheduleDriver,
  SGD,
  warmupCosineDecaySchedule,
  type Optimizer,
  type ParamLike,
  type Scheduler,
} from '../../src/index.js';

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

/**
 * The learning-rate schedule for a run of `totalSteps` optimizer steps peaking at `peakLr`;
 * call its `step()` after every optimizer step.
 *
 * - `warmup-cosine`: linear warmup from 0 over the first 5% of the steps, then cosine decay to 0
 *   (a pure schedule driving the optimizer through ScheduleDriver);
 * - `onecycle`: PyTorch's OneCycleLR (peak at 30%, momentum or Adam's beta1 cycled between 0.85 and 0.95);
 * - `constant`: `peakLr` throughout.
 */
export function makeSchedule(name: ScheduleName, optimizer: Optimizer<{ lr: number }>, peakLr: number, totalSteps: number): Scheduler {
  if (name === 'onecycle') return new OneCycleLR(optimizer, { maxLr: peakLr, totalSteps });
  if (name === 'constant') return new ScheduleDriver(optimizer, { schedule: constantSchedule(peakLr) });
  const warmupSteps = Math.floor(totalSteps / 20);
  return new ScheduleDriver(optimizer, {
    schedule: warmupCosineDecaySchedule({ initValue: 0, peakValue: peakLr, warmupSteps, decaySteps: Math.max(totalSteps, warmupSteps + 1) }),
  });
}
