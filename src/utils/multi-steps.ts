/**
 * Gradient accumulation over k micro-batches (optax's `MultiSteps`): the wrapped optimizer
 * steps once every k calls, with the mean of the k gradients.
 */
import { kernels } from '../backend.js';
import type { Closure, Optimizer, StateDict, StateDictInput } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';

/** `MultiSteps.stateDict()`: the mini-step count, the accumulators by parameter position, and the inner optimizer's state dict. */
export interface MultiStepsStateDict {
  /** Micro-steps accumulated since the last optimizer step. */
  mini_step: number;
  /** The running gradient sums (copies), keyed by the parameter's position across the groups. */
  accumulators: Record<number, Float32Array>;
  /** The wrapped optimizer's state dict. */
  optimizer: StateDict;
}

/** What `MultiSteps.loadStateDict` accepts: `MultiStepsStateDict`, buffers possibly as number arrays (JSON). */
export interface MultiStepsStateDictInput {
  /** Micro-steps accumulated since the last optimizer step. */
  mini_step: number;
  /** The running gradient sums by parameter position (number or numeric string keys). */
  accumulators: Record<number | string, Float32Array | number[]>;
  /** The wrapped optimizer's state dict. */
  optimizer: StateDictInput;
}

/**
 * Accumulates gradients over `everyK` calls of `step()` and steps the wrapped optimizer on the
 * k-th with their mean, `(g_1 + ... + g_k) / k` (a parameter without a gradient on a
 * micro-step contributes zero to it). In between, parameters and optimizer state do not change.
 * The accumulation is one native call per micro-step; the mean is formed in the last one, and
 * handed to the optimizer in place of the gradient buffers without a copy.
 *
 * @example
 * ```ts
 * const w = new Parameter(3);
 * const opt = new MultiSteps(new SGD([w], { lr: 0.1 }), { everyK: 4 });
 * const stepped: boolean[] = [];
 * for (let micro = 0; micro < 8; micro++) {
 *   w.grad!.fill(micro);          // backward on a micro-batch writes w.grad
 *   stepped.push(opt.step());     // steps SGD on every 4th call, with the mean gradient
 * }
 * console.log(stepped.map(Number).join('')); // 00010001
 * console.log(w.data[0].toFixed(4));         // -0.7000: -0.1 * (mean(0..3) + mean(4..7)) = -0.1 * (1.5 + 5.5)
 * ```
 */
export class MultiSteps<O extends object = object> {
  /** Micro-steps per optimizer step. */
  readonly everyK: number;
  /** Micro-steps accumulated since the last optimizer step (0 to everyK - 1). */
  miniStep = 0;
  /** The running sums, one per parameter that has had a gradient in this cycle. */
  readonly accumulators = new Map<ParamLike, Float32Array>();

  constructor(
    /** The wrapped optimizer. */
    readonly optimizer: Optimizer<O>,
    options: { everyK: number },
  ) {
    this.everyK = check.number('everyK', options?.everyK, { min: 1 });
    if (!Number.isInteger(this.everyK)) throw check.invalidParameterError('everyK', 'an integer >= 1', this.everyK);
  }

  private params(): ParamLike[] {
    return this.optimizer.paramGroups.flatMap((g) => g.params);
  }

  /** Accumulates this micro-step's gradients; steps the optimizer on every k-th call and returns whether it did. */
  step(closure?: Closure): boolean {
    const last = this.miniStep + 1 === this.everyK;
    const scale = last ? 1 / this.everyK : 1;
    // Parameters seen before in this cycle add to their sum; new ones start it (a = 0).
    const add = { y: [] as Float32Array[], x: [] as Float32Array[] };
    const start = { y: [] as Float32Array[], x: [] as Float32Array[] };
    const fresh: [ParamLike, Float32Array][] = [];
    for (const p of this.params()) {
      if (!(p.grad instanceof Float32Array)) continue;
      if (p.grad.length !== p.data.length) {
        throw new RangeError(`MultiSteps.step: a grad has ${p.grad.length} elements but its data has ${p.data.length}`);
      }
      let acc = this.accumulators.get(p);
      const target = acc ? add : start;
      if (!acc) {
        acc = new Float32Array(p.data.length);
        fresh.push([p, acc]);
      }
      target.y.push(acc);
      target.x.push(p.grad);
    }
    // Accumulators of parameters without a gradient now still need the 1/k on the last step.
    const idle = last ? [...this.accumulators].filter(([p]) => !(p.grad instanceof Float32Array)).map(([, a]) => a) : [];
    const k = kernels();
    if (add.y.length > 0) k.axpby({ ...add, a: scale, b: scale });
    if (start.y.length > 0) k.axpby({ ...start, a: 0, b: scale });
    if (idle.length > 0) k.scale({ tensors: idle, scalar: scale });
    for (const [p, acc] of fresh) this.accumulators.set(p, acc);
    if (!last) {
      this.miniStep++;
      return false;
    }
    // Step with the means in place of the gradients, then give the gradients back.
    const saved = new Map<ParamLike, Float32Array | null>();
    for (const p of this.params()) {
      saved.set(p, p.grad);
      p.grad = this.accumulators.get(p) ?? null;
    }
    try {
      this.optimizer.step(closure);
    } finally {
      for (const [p, g] of saved) p.grad = g;
    }
    this.accumulators.clear();
    this.miniStep = 0;
    return true;
  }

  /** The accumulation state and the inner optimizer's state dict. */
  stateDict(): MultiStepsStateDict {
    const index = new Map(this.params().map((p, i) => [p, i]));
    const accumulators: Record<number, Float32Array> = {};
    for (const [p, acc] of this.accumulators) accumulators[index.get(p)!] = acc.slice();
    return { mini_step: this.miniStep, accumulators, optimizer: this.optimizer.stateDict() };
  }

  /** Restores `stateDict()`'s result; checks everything before changing anything. */
  loadStateDict(sd: MultiStepsStateDictInput): void {
    const params = this.params();
    const mini = check.number('mini_step', sd?.mini_step, { min: 0, max: this.everyK - 1 });
    if (!Number.isInteger(mini)) throw check.invalidParameterError('mini_step', `an integer in [0, ${this.everyK - 1}]`, mini);
    const accs = new Map<ParamLike, Float32Array>();
    for (const [id, values] of Object.entries(sd.accumulators ?? {})) {
      const p = params[Number(id)];
      if (!p) throw new RangeError(`loadStateDict: accumulators[${id}] does not belong to any parameter`);
      if (values.length !== p.data.length) {
        throw new RangeError(`loadStateDict: accumulators[${id}] has ${values.length} elements but its parameter has ${p.data.length}`);
      }
      accs.set(p, Float32Array.from(values));
    }
    this.optimizer.loadStateDict(sd.optimizer); // checks and commits its own part atomically
    this.miniStep = mini;
    this.accumulators.clear();
    for (const [p, a] of accs) this.accumulators.set(p, a);
  }
}
