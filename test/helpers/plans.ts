/** What the tests of the step plans read of an optimizer's private plans (src/optim/plan.ts). */
import type { Optimizer } from '../../src/index.js';

/** The plan a group stepped with last (private to the optimizer). */
export const planOf = (opt: Optimizer<object>, group = 0): unknown =>
  (opt as unknown as { plans: WeakMap<object, unknown[]> }).plans.get(opt.paramGroups[group])?.[0];

/** Whether that plan holds its states' numbers: it counted its last step once, not in each state. */
export const holding = (opt: Optimizer<object>, group = 0): boolean => (planOf(opt, group) as { holding?: boolean } | undefined)?.holding === true;
