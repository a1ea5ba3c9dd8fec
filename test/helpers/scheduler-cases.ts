/**
 * PyTorch's learning-rate sequences (test/fixtures/torch/lr-schedulers.json, written by
 * test/fixtures/generate_torch_schedulers.py) and how to rebuild each case here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as fo from '../../src/index.js';
import type { Optimizer, Scheduler, SchedulerOptimizer } from '../../src/index.js';

export interface SchedulerSpec {
  type: string;
  options: Record<string, unknown>;
  schedulers?: SchedulerSpec[];
}

export interface SchedulerCase {
  kind: 'scheduler';
  label: string;
  optimizer: string;
  optimizerOptions: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  scheduler: SchedulerSpec;
  steps: number;
  metrics: number[] | null;
  stepArgs: (number | null)[] | null;
  lrs: number[][];
  lastLrs: number[][];
  cycled: 'momentum' | 'betas' | null;
  momentum: number[][] | null;
  groupKeys: string[];
  source: string;
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'torch', 'lr-schedulers.json');

export function loadSchedulerCases(): SchedulerCase[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: SchedulerCase[] }).cases;
}

/** The user functions the fixtures name, defined as in the generator. */
export const FUNCTIONS: Record<string, (x: number) => number> = {
  pow095: (e) => 0.95 ** e,
  warmup10: (e) => Math.min(1, (e + 1) / 10),
  inverseSqrt: (e) => 1 / Math.sqrt(1 + e),
  halveEvery30: (e) => 0.5 ** Math.floor(e / 30),
  const095: () => 0.95,
  const099: () => 0.99,
  alternating: (e) => (e % 2 ? 0.9 : 1.05),
  invCycle: (x) => 1 / x,
  decayIter: (x) => 1 / (1 + 0.02 * x),
};

const OPTIMIZERS: Record<string, new (params: never, options: never) => Optimizer<object>> = {
  SGD: fo.SGD as never,
  Adam: fo.Adam as never,
  AdamW: fo.AdamW as never,
  RMSprop: fo.RMSprop as never,
};

/** A fresh optimizer for the case: one 2-element parameter per group, zero gradients. */
export type LrOptimizer = Optimizer<{ lr: number }>;

export function buildOptimizer(c: SchedulerCase): LrOptimizer {
  const Ctor = OPTIMIZERS[c.optimizer];
  const input = c.groups ? c.groups.map((g) => ({ ...g, params: [new fo.Parameter(2)] })) : [new fo.Parameter(2)];
  return new Ctor(input as never, c.optimizerOptions as never) as unknown as LrOptimizer;
}

function resolveFunctions(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  for (const key of ['lrLambda', 'scaleFn']) {
    const v = out[key];
    if (typeof v === 'string') out[key] = FUNCTIONS[v];
    else if (Array.isArray(v)) out[key] = v.map((name) => FUNCTIONS[name as string]);
  }
  return out;
}

export type AnyScheduler = Scheduler | fo.ReduceLROnPlateau;

/** Builds the case's scheduler (children first, as PyTorch does). */
export function buildScheduler(optimizer: SchedulerOptimizer, spec: SchedulerSpec): AnyScheduler {
  if (spec.type === 'SequentialLR') {
    const schedulers = spec.schedulers!.map((s) => buildScheduler(optimizer, s) as Scheduler);
    return new fo.SequentialLR(optimizer, { schedulers, milestones: spec.options.milestones as number[] });
  }
  if (spec.type === 'ChainedScheduler') {
    return new fo.ChainedScheduler(spec.schedulers!.map((s) => buildScheduler(optimizer, s) as Scheduler));
  }
  const Ctor = (fo as unknown as Record<string, new (o: SchedulerOptimizer, options: unknown) => AnyScheduler>)[spec.type];
  return new Ctor(optimizer, resolveFunctions(spec.options));
}

/** One step of the case at index t: PyTorch's order, optimizer.step() then scheduler.step(...). */
export function stepCase(c: SchedulerCase, optimizer: LrOptimizer, scheduler: AnyScheduler, t: number): void {
  optimizer.step();
  if (scheduler instanceof fo.ReduceLROnPlateau) scheduler.step(c.metrics![t]);
  else if (scheduler instanceof fo.CosineAnnealingWarmRestarts && c.stepArgs && c.stepArgs[t] !== null) scheduler.step(c.stepArgs[t]!);
  else scheduler.step();
}

/** The cycled momentum (or Adam's beta1) of each group. */
export function cycledMomentum(c: SchedulerCase, optimizer: LrOptimizer): number[] {
  return optimizer.paramGroups.map((g) => (c.cycled === 'betas' ? (g.betas as number[])[0] : (g.momentum as number)));
}

export function groupLrs(optimizer: LrOptimizer): number[] {
  return optimizer.paramGroups.map((g) => g.lr as number);
}
