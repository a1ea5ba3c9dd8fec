/**
 * Momentum cycling (CyclicLR, OneCycleLR): where the momentum lives in an optimizer's groups,
 * decided as PyTorch decides it from the optimizer's defaults: the first of `betas` for the
 * Adam family, `momentum` otherwise (SGD, RMSprop).
 */
import type { SchedulerOptimizer } from './scheduler.js';

export type MomentumKey = 'momentum' | 'betas';

export function momentumKey(optimizer: SchedulerOptimizer, name: string): MomentumKey {
  if ('betas' in optimizer.defaults) return 'betas';
  if ('momentum' in optimizer.defaults) return 'momentum';
  throw new TypeError(`${name}: cycleMomentum needs an optimizer with momentum or betas; pass cycleMomentum: false`);
}

/** Writes one momentum per group: `momentum`, or `betas[0]` (a new pair, the second beta kept). */
export function writeMomentum(optimizer: SchedulerOptimizer, key: MomentumKey, values: readonly number[]): void {
  optimizer.paramGroups.forEach((g, i) => {
    if (i >= values.length) return;
    if (key === 'betas') {
      const betas = g.betas as number[];
      g.betas = [values[i], ...betas.slice(1)];
    } else {
      g.momentum = values[i];
    }
  });
}

/** The groups' current momentum (or first beta). */
export function readMomentum(optimizer: SchedulerOptimizer, key: MomentumKey): number[] {
  return optimizer.paramGroups.map((g) => (key === 'betas' ? (g.betas as number[])[0] : (g.momentum as number)));
}

/**
 * The momentum half of a cycling scheduler: its bounds per group, where it writes, and what
 * it wrote last (saved, so a resumed run gets the momentum back with the learning rate).
 */
export class MomentumCycle {
  last: number[] = [];

  constructor(
    readonly optimizer: SchedulerOptimizer,
    readonly key: MomentumKey,
    public base: number[],
    public max: number[],
  ) {}

  write(values: readonly number[]): void {
    writeMomentum(this.optimizer, this.key, values);
    this.last = readMomentum(this.optimizer, this.key);
  }

  /** PyTorch's keys (`cycle_momentum`, `use_beta1`, `base_momentums`, `max_momentums`) and `_last_momentum`. */
  static stateOf(cycle: MomentumCycle | null): Record<string, boolean | number[]> {
    if (!cycle) return { cycle_momentum: false };
    return {
      cycle_momentum: true,
      use_beta1: cycle.key === 'betas',
      base_momentums: [...cycle.base],
      max_momentums: [...cycle.max],
      _last_momentum: [...cycle.last],
    };
  }

  /** Reads `stateOf`'s entries back; returns the cycle (null without momentum cycling) and its commit. */
  static read(
    r: { boolean(key: string): boolean; numbers(key: string, length?: number): number[] },
    optimizer: SchedulerOptimizer,
    name: string,
  ): { cycle: MomentumCycle | null; commit: () => void } {
    if (!r.boolean('cycle_momentum')) return { cycle: null, commit: () => {} };
    const n = optimizer.paramGroups.length;
    r.boolean('use_beta1');
    const cycle = new MomentumCycle(optimizer, momentumKey(optimizer, name), r.numbers('base_momentums', n), r.numbers('max_momentums', n));
    const last = r.numbers('_last_momentum', n);
    return { cycle, commit: () => cycle.write(last) };
  }
}
