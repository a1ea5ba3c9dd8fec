/** PyTorch reference trajectories (see test/fixtures/torch/README.md) and how to replay them. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Adadelta, Adagrad, Adam, Adamax, AdamW, ASGD, NAdam, Parameter, RAdam, RMSprop, Rprop, SGD, type Optimizer, type StateDictInput } from '../../src/index.js';

export interface TorchCase {
  kind: string;
  label?: string;
  optimizer: string;
  options: Record<string, unknown>;
  torchOptions: Record<string, unknown>;
  groups: { params: number[]; options: Record<string, unknown> }[] | null;
  steps: number;
  checkpointStep: number;
  init: number[][];
  grads: (number[] | null)[][];
  trajectory: number[][][];
  stateDictAtCheckpoint: StateDictInput;
  paramsAtCheckpoint: number[][];
  final: StateDictInput;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'torch');

export function loadCases(file: string): TorchCase[] {
  const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { cases: TorchCase[] };
  return data.cases.filter((c) => c.kind === 'optimizer').map((c) => ({ ...c, label: c.label ?? `${c.optimizer}(${JSON.stringify(c.options)})` }));
}

/** Every optimizer case of every fixture file in test/fixtures/torch. */
export function loadOptimizerCases(): TorchCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => loadCases(f).filter((c) => c.kind === 'optimizer'));
}

/**
 * Group keys PyTorch added after 1.13 (the fixtures' version) that our state dicts write, as
 * PyTorch 2.x does: dropped from `ours` where the fixture's group lacks them (NAdam's and
 * RAdam's `maximize` and `decoupled_weight_decay`, Adam's `decoupled_weight_decay`).
 */
const NEWER_TORCH_GROUP_KEYS = ['decoupled_weight_decay', 'maximize'];

export function withoutNewerTorchKeys<T extends { param_groups: Record<string, unknown>[] }>(ours: T, fixture: StateDictInput): T {
  return {
    ...ours,
    param_groups: ours.param_groups.map((g, i) => {
      const out = { ...g };
      for (const key of NEWER_TORCH_GROUP_KEYS) if (!(key in (fixture.param_groups[i] ?? {}))) delete out[key];
      return out;
    }),
  };
}

const constructors: Record<string, new (params: never, options: never) => Optimizer<object>> = {
  SGD: SGD as never,
  Adam: Adam as never,
  AdamW: AdamW as never,
  RMSprop: RMSprop as never,
  Adagrad: Adagrad as never,
  Adadelta: Adadelta as never,
  Adamax: Adamax as never,
  NAdam: NAdam as never,
  RAdam: RAdam as never,
  Rprop: Rprop as never,
  ASGD: ASGD as never,
};

export function hasOptimizer(name: string): boolean {
  return name in constructors;
}

/**
 * Why a case is deliberately not reproduced step by step, or null. PyTorch 1.13's default
 * (single-tensor) NAdam computes mu_product * mu_t * mu_{t+1} where mu_product already holds
 * mu_t; PyTorch 2.0 fixed it (pytorch/pytorch#92699), 1.13's foreach path never had it, and we
 * follow the fix. The two rules differ only in a coefficient that vanishes with mu_product
 * (below 1e-4 after 12 steps), so such a case still checks the state dicts (which do not depend
 * on the parameters without weight decay) and the run resumed from PyTorch's checkpoint.
 */
export function deviation(c: TorchCase): string | null {
  if (c.optimizer === 'NAdam' && c.torchOptions.foreach !== true) {
    return "PyTorch 1.13's single-tensor NAdam counts mu_t twice in mu_product_next (fixed in PyTorch 2.0)";
  }
  return null;
}

/** Parameters (a fresh copy of `values`) and the case's optimizer over them, with its groups. */
export function build(c: TorchCase, values: number[][]): { params: Parameter[]; opt: Optimizer<object> } {
  const params = values.map((v) => Parameter.from(v));
  const Ctor = constructors[c.optimizer];
  const input = c.groups
    ? c.groups.map((g) => ({ ...g.options, params: g.params.map((i) => params[i]) }))
    : params;
  return { params, opt: new Ctor(input as never, c.options as never) };
}

/** Sets each parameter's gradient for step t (null where PyTorch's grad was None). */
export function setGrads(c: TorchCase, params: Parameter[], t: number): void {
  c.grads[t].forEach((g, j) => {
    params[j].grad = g === null ? null : Float32Array.from(g);
  });
}
