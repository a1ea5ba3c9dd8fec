/** The optimizers and learning-rate schedules the digits trainer can use, with defaults tuned for it. */
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  constantSchedule,
  LAMB,
  LARS,
  Lion,
  NAdam,
  OneCycleLR,
  RAdam,
  RMSprop,
  ScheduleDriver,
  SGD,
  warmupCosineDecaySchedule,
  type Optimizer,
  type ParamGroupInput,
  type ParamLike,
  type Scheduler,
} from '../../src/index.js';

/** What the trainer uses of an optimizer (every fastoptim optimizer has it). */
export type TrainOptimizer = Pick<Optimizer<{ lr: number }>, 'step' | 'zeroGrad' | 'paramGroups' | 'defaults' | 'state' | 'stateDict' | 'loadStateDict'>;

type Groups = ParamGroupInput<{ weightDecay: number }>[];

interface Choice {
  /** Peak learning rate that trains this MLP well in the default 30 epochs. */
  lr: number;
  /** One line for --help. */
  what: string;
  make(groups: (weightDecay: number) => Groups, lr: number): TrainOptimizer;
}

/**
 * The optimizers on offer, with the settings used for the digits. Rprop and LBFGS are left out:
 * they are full-batch methods, and this trainer takes mini-batch steps.
 */
const CHOICES = {
  adamw: { lr: 3e-3, what: 'AdamW, weight decay 1e-2 on the weights', make: (g, lr) => new AdamW(g(1e-2), { lr }) },
  adam: { lr: 3e-3, what: 'Adam', make: (g, lr) => new Adam(g(0), { lr }) },
  sgd: { lr: 0.1, what: 'SGD, Nesterov momentum 0.9, weight decay 1e-4', make: (g, lr) => new SGD(g(1e-4), { lr, momentum: 0.9, nesterov: true }) },
  nadam: { lr: 3e-3, what: 'NAdam', make: (g, lr) => new NAdam(g(0), { lr }) },
  radam: { lr: 1e-2, what: 'RAdam', make: (g, lr) => new RAdam(g(0), { lr }) },
  adamax: { lr: 6e-3, what: 'Adamax', make: (g, lr) => new Adamax(g(0), { lr }) },
  rmsprop: { lr: 1e-3, what: 'RMSprop', make: (g, lr) => new RMSprop(g(0), { lr }) },
  adagrad: { lr: 0.05, what: 'Adagrad', make: (g, lr) => new Adagrad(g(0), { lr }) },
  adadelta: { lr: 1.0, what: 'Adadelta', make: (g, lr) => new Adadelta(g(0), { lr }) },
  asgd: { lr: 0.1, what: 'ASGD (averaging from step 1000)', make: (g, lr) => new ASGD(g(0), { lr, t0: 1000 }) },
  lion: { lr: 1e-3, what: 'Lion, weight decay 0.1 on the weights', make: (g, lr) => new Lion(g(0.1), { lr }) },
  lamb: { lr: 1e-2, what: 'LAMB, weight decay 1e-2 on the weights', make: (g, lr) => new LAMB(g(1e-2), { lr }) },
  lars: { lr: 5, what: 'LARS, momentum 0.9, biases excluded', make: (g, lr) => new LARS(g(1e-4), { lr, momentum: 0.9, excludeBiasAndNorm: true }) },
} satisfies Record<string, Choice>;

export type OptimizerName = keyof typeof CHOICES;
export const OPTIMIZERS = Object.keys(CHOICES) as OptimizerName[];

/** One line per optimizer, for --help. */
export function describeOptimizers(): string[] {
  return OPTIMIZERS.map((name) => `${name.padEnd(9)} ${CHOICES[name].what}, peak lr ${CHOICES[name].lr}`);
}

export const SCHEDULES = ['warmup-cosine', 'onecycle', 'constant'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/**
 * The optimizer `name` over `params`, in two groups: the weights (matrices) with the
 * optimizer's weight decay, the biases without (the usual practice). `lr` is the peak
 * learning rate, the optimizer's digits default when undefined.
 */
export function makeOptimizer(name: OptimizerName, params: ParamLike[], lr?: number): { optimizer: TrainOptimizer; peakLr: number } {
  const choice: Choice = CHOICES[name];
  const peakLr = lr ?? choice.lr;
  const groups = (weightDecay: number): Groups => [
    { params: params.filter((p) => (p.shape?.length ?? 1) > 1), weightDecay },
    { params: params.filter((p) => (p.shape?.length ?? 1) <= 1), weightDecay: 0 },
  ];
  return { optimizer: choice.make(groups, peakLr), peakLr };
}

/**
 * The learning-rate schedule for a run of `totalSteps` optimizer steps peaking at `peakLr`;
 * call its `step()` after every optimizer step.
 *
 * - `warmup-cosine`: linear warmup from 0 over the first 5% of the steps, then cosine decay to 0
 *   (a pure schedule driving the optimizer through ScheduleDriver);
 * - `onecycle`: PyTorch's OneCycleLR (peak at 30%; momentum, or beta1 in the Adam family and
 *   Lion, cycled between 0.85 and 0.95 where the optimizer has momentum);
 * - `constant`: `peakLr` throughout.
 */
export function makeSchedule(name: ScheduleName, optimizer: TrainOptimizer, peakLr: number, totalSteps: number): Scheduler {
  if (name === 'onecycle') {
    const d = optimizer.defaults as { betas?: unknown; momentum?: number };
    const cycleMomentum = d.betas !== undefined || (d.momentum ?? 0) > 0;
    return new OneCycleLR(optimizer, { maxLr: peakLr, totalSteps, cycleMomentum });
  }
  if (name === 'constant') return new ScheduleDriver(optimizer, { schedule: constantSchedule(peakLr) });
  const warmupSteps = Math.floor(totalSteps / 20);
  return new ScheduleDriver(optimizer, {
    schedule: warmupCosineDecaySchedule({ initValue: 0, peakValue: peakLr, warmupSteps, decaySteps: Math.max(totalSteps, warmupSteps + 1) }),
  });
}
