/**
 * The base of every optimizer, after PyTorch's `torch.optim.Optimizer`: parameter groups with
 * per-group hyperparameters, per-parameter state, `zeroGrad()`, `addParamGroup()` and a state
 * dict in PyTorch's layout and key names. Subclasses (one file per optimizer) describe their
 * options, state and kernel, and implement `stepGroup`: compute the per-step scalars in double
 * and make one kernel call for the whole group, through the group's step plan
 * (src/optim/plan.ts), which gathers the tensors whose grad is set, their state and the
 * kernel's lists once and reuses them while they do not change.
 */
import { deferKernels } from './backend.js';
import { GroupPlan, plansReused, stateKeys, type GroupStep, type KernelSpec, type Lists, type PerTensor, type StateKeys } from './optim/plan.js';
import { adoptStateBuffer, freshState, StateMap } from './optim/state.js';
import type { ParamLike } from './parameter.js';

/** A value in a parameter's state: a number (`step`), a buffer, null (PyTorch's None), or a list (LBFGS's history). */
export type StateValue = number | Float32Array | null | Float32Array[] | (number | null)[];

/** One parameter's state, keyed with PyTorch's names (`step`, `exp_avg`, `momentum_buffer`, ...). */
export type ParamState = Record<string, StateValue>;

/** A live parameter group: its parameters plus its hyperparameters (a scheduler may write `lr`). */
export type ParamGroup<O> = O & {
  /** The group's parameters, in order. */
  params: ParamLike[];
  [key: string]: unknown;
};

/** What the constructor and `addParamGroup` accept: parameters plus optional overrides of the defaults. */
export type ParamGroupInput<O> = Partial<O> & {
  /** The group's parameters. */
  params: Iterable<ParamLike>;
  [key: string]: unknown;
};

/** The parameters an optimizer is built from: a list of parameters or a list of groups. */
export type Params<O> = Iterable<ParamLike> | Iterable<ParamGroupInput<O>>;

/** `stateDict()`'s result: PyTorch's layout, parameters numbered in group order. */
export interface StateDict {
  /** Per-parameter state (copies), keyed by the parameter's position across all groups; only parameters that have state. */
  state: Record<number, Record<string, StateValue>>;
  /** Each group's hyperparameters with PyTorch's names (`weight_decay`), and its parameters' positions. */
  param_groups: (Record<string, unknown> & {
    /** The positions of the group's parameters, numbered across groups in order. */
    params: number[];
  })[];
}

/** What `loadStateDict()` accepts: a `StateDict`, or the same with number arrays (JSON). */
export interface StateDictInput {
  /** Per-parameter state keyed by position (number or numeric string, as JSON gives), buffers as Float32Array or number arrays. */
  state: Record<number | string, Record<string, number | ArrayLike<number> | null | ArrayLike<number>[] | (number | null)[]>>;
  /** One entry per param group, in order, as `StateDict.param_groups`. */
  param_groups: (Record<string, unknown> & {
    /** The positions of the group's parameters. */
    params: number[];
  })[];
}

/**
 * How one state entry is stored and checked on load: `number` a finite number >= 0 (a count
 * such as `step`), `real` any finite number, `tensor` a buffer, `tensorOrNull` a buffer or null,
 * `tensorList` a list of buffers, `numberList` a list of finite numbers or nulls.
 */
export interface StateEntrySpec {
  key: string;
  kind: 'number' | 'real' | 'tensor' | 'tensorOrNull' | 'tensorList' | 'numberList';
  /** When true the entry may be absent (for example `max_exp_avg_sq` without amsgrad). */
  optional?: boolean;
  /**
   * Buffer length: the parameter's (default), all parameters' together (LBFGS's flat vectors),
   * or a function of the parameter (Adafactor's row and column factors) that returns null where
   * the entry does not apply to that parameter (it must then be absent).
   */
  length?: 'param' | 'all' | ((p: ParamLike) => number | null);
}

/** A closure that re-evaluates the model and returns the loss (needed by LBFGS; optional elsewhere). */
export type Closure = () => number;

/** How many step plans a param group keeps (see `Optimizer.plans`). */
const PLANS_PER_GROUP = 2;

/** Group keys PyTorch stores that describe its implementation, not the math: written, ignored on load. */
const TORCH_IMPLEMENTATION_KEYS = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function isParamLike(x: unknown): x is ParamLike {
  return typeof x === 'object' && x !== null && (x as ParamLike).data instanceof Float32Array;
}

function copyValue(v: StateValue): StateValue {
  if (v instanceof Float32Array) return v.slice();
  if (Array.isArray(v)) return v.map((x) => (x instanceof Float32Array ? x.slice() : x)) as StateValue;
  return v;
}

function copyTensor(value: unknown, length: number, where: string): Float32Array {
  const ok =
    value instanceof Float32Array ||
    (Array.isArray(value) && value.every((x) => typeof x === 'number')) ||
    (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!ok) throw new TypeError(`loadStateDict: ${where} must be a Float32Array or an array of numbers`);
  const arr = value as ArrayLike<number>;
  if (arr.length !== length) {
    throw new RangeError(`loadStateDict: ${where} has ${arr.length} elements but its parameter has ${length}`);
  }
  return Float32Array.from(arr);
}

/** What a subclass tells the base class about itself. */
export interface OptimizerSpec {
  /** PyTorch's class name (`'Adam'`), used in messages. */
  name: string;
  /** The state entries of one parameter, in PyTorch's order. */
  state: readonly StateEntrySpec[];
  /** Keys PyTorch writes in each param group that describe its implementation (`foreach: null`, ...). */
  torchGroupKeys: Readonly<Record<string, unknown>>;
  /** The kernel `stepGroup` calls, once per group (LBFGS, which overrides `step`, has none). */
  kernel?: KernelSpec;
}

/**
 * The base of every optimizer, after PyTorch's `torch.optim.Optimizer`. An optimizer holds
 * parameter groups, each with its own hyperparameters (`paramGroups[i].lr`, ...), and a state per
 * parameter (moments, step count) created at the parameter's first step. `step()` updates every
 * parameter that has a gradient, each group in one kernel call; the update rule is the subclass's
 * (see each class: {@link SGD}, {@link Adam}, ...).
 *
 * Options are PyTorch's in camelCase with PyTorch's defaults; `stateDict()` has PyTorch's layout
 * and key names (`exp_avg`, `weight_decay`), so state can move between the two.
 *
 * @typeParam O - The optimizer's options (hyperparameters of a group).
 *
 * @example
 * ```ts
 * // Two groups: the weights with weight decay, the bias without.
 * const w = new Parameter(4, { shape: [2, 2] });
 * const b = new Parameter(2);
 * const opt = new SGD([{ params: [w], weightDecay: 1e-4 }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
 *
 * for (let step = 0; step < 3; step++) {
 *   opt.zeroGrad();                                  // fills the grads with zeros
 *   w.grad!.fill(1);                                 // your backward pass writes the grads
 *   b.grad!.fill(-1);
 *   opt.step();                                      // one kernel call per group
 * }
 * opt.paramGroups[1].lr = 0.01;                      // per-group hyperparameters are live
 * console.log(opt.state.get(w)!.momentum_buffer);    // PyTorch's state names
 *
 * const saved = opt.stateDict();                     // PyTorch's layout
 * const again = new SGD([{ params: [w], weightDecay: 1e-4 }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
 * again.loadStateDict(saved);                        // continues exactly where opt is
 * ```
 */
export abstract class Optimizer<O extends object> {
  /** The defaults every group starts from (constructor options merged over the optimizer's defaults). */
  readonly defaults: Readonly<O>;
  /** The live parameter groups, in order. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /**
   * Per-parameter state, created at a parameter's first step. Read it at any time through the
   * Map's own methods (`get`, iteration, `forEach`, ...), and write into its buffers in place.
   * Changes the next step takes into account: `set`, `delete` and `clear` on the Map, and, in a
   * state object, a buffer or number replaced, added or deleted (`state.get(p)!.step = 0`). Not
   * while a `stepAsync()` runs.
   *
   * While no state of a group has been handed out by the Map, a step counts the group's steps
   * once (the states' counts are equal) and writes them into the states when the Map is next
   * read, so a step over thousands of tensors does not visit each state (src/optim/state.ts).
   * The Map's methods, `console.log` and `stateDict()` always show them up to date; a
   * `structuredClone(opt.state)` or `Map.prototype` methods called on it directly may not.
   */
  readonly state: Map<ParamLike, ParamState> = new StateMap();

  /** @internal What the subclass told the base class about itself (name, state entries, PyTorch's group keys). */
  protected readonly spec: OptimizerSpec;

  /** True while a `stepAsync()` runs (from its first kernel call until it settles). */
  private inFlight = false;

  /**
   * Each param group's step plans (src/optim/plan.ts), by the group object, the last used
   * first: two, so that a group whose parameters take turns without a gradient (every other
   * step, say) finds a plan for both turns.
   */
  private readonly plans = new WeakMap<object, GroupPlan[]>();
  /** The state entries as the plans read them. */
  private readonly stateKeys: StateKeys;

  /**
   * @internal
   * Merges `defaults` (already the optimizer's defaults with the user's options over them),
   * checks them, and adds `params` as one group (a list of parameters) or several (a list of
   * groups).
   */
  protected constructor(params: Params<O>, defaults: O, spec: OptimizerSpec) {
    this.spec = spec;
    this.stateKeys = stateKeys(spec.state);
    this.validate(defaults, '');
    this.defaults = Object.freeze({ ...defaults });
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new RangeError('Expected a non-empty list of parameters but received an empty list');
    const groups = isParamLike(list[0]) ? [{ params: list as ParamLike[] }] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<O>);
  }

  /** Checks one set of hyperparameters; `prefix` is '' for the defaults or `paramGroups[i].` for a group. */
  protected abstract validate(options: O, prefix: string): void;

  /**
   * Performs one optimization step over every group: re-validates the group's hyperparameters
   * (a scheduler may have written them), gathers the parameters that have a gradient, and
   * hands them to `stepGroup`. Returns the closure's loss, if one was given.
   */
  step(closure?: Closure): number | undefined {
    this.assertIdle('step');
    const loss = closure?.();
    this.paramGroups.forEach((group, gi) => this.stepOneGroup(group, gi));
    return loss;
  }

  /**
   * `step()` with the native kernels run off the main thread: the event loop keeps running while
   * a large group is stepped. The closure (if any) runs first, synchronously, as in `step()`.
   * Then, group by group, the arguments are gathered and checked on the main thread (bad input
   * rejects before anything runs, as `step()` throws), the group's kernel runs on a worker
   * thread, and the next group starts when it is done. Results are bit-identical to `step()`.
   *
   * While it runs, this optimizer refuses `step`, `stepAsync`, `zeroGrad`, `loadStateDict`,
   * `stateDict` and `addParamGroup` (they throw an Error). The buffers are referenced, so they
   * cannot be collected; but do not write to the parameters, gradients or state from JS, and do
   * not transfer (detach) their ArrayBuffers, until the Promise settles (a detached buffer makes
   * it reject, its results undefined; see README, Threads and async). On the JS backend the
   * step runs synchronously and the Promise resolves at once.
   *
   * @returns The closure's loss, if a closure was given.
   * @example
   * ```ts
   * const w = new Parameter(new Float32Array([1, 2, 3]));
   * const opt = new Adam([w], { lr: 0.1 });
   * for (let step = 0; step < 3; step++) {
   *   w.grad!.set(w.data);            // the gradient of sum(w^2) / 2
   *   await opt.stepAsync();          // timers and I/O run meanwhile
   * }
   * console.log(w.data[0] < 1, opt.state.get(w)!.step); // true 3
   * ```
   */
  async stepAsync(closure?: Closure): Promise<number | undefined> {
    this.assertIdle('stepAsync');
    const loss = closure?.();
    this.inFlight = true;
    try {
      for (let gi = 0; gi < this.paramGroups.length; gi++) {
        const group = this.paramGroups[gi];
        const pending = deferKernels(() => this.stepOneGroup(group, gi));
        if (pending) await pending;
      }
    } finally {
      this.inFlight = false;
    }
    return loss;
  }

  /** @internal `state` as the library reads and writes it (without handing its states out: see `StateMap`). */
  protected get stateMap(): StateMap {
    return this.state as StateMap;
  }

  /** Whether a `stepAsync()` of this optimizer is running. */
  get stepInFlight(): boolean {
    return this.inFlight;
  }

  /** Throws when a `stepAsync()` is running: `what` would race with its kernel. */
  protected assertIdle(what: string): void {
    if (this.inFlight) {
      throw new Error(`${this.spec.name}.${what}: a stepAsync() of this optimizer is still running; await it before calling ${what}()`);
    }
  }

  /**
   * One group of `step()`: re-validate (a scheduler may have written it), then step with the
   * group's plan if its checks pass, else with a plan built anew (which gathers and checks the
   * gradients). A step with a reused plan that throws before its kernel ran is redone with a
   * new plan, whose errors are those of a step without one.
   */
  private stepOneGroup(group: ParamGroup<O>, gi: number): void {
    this.validate(group, `paramGroups[${gi}].`);
    const lists = this.lists(group);
    const states = this.stateMap;
    const kept = (plansReused() && this.plans.get(group)) || [];
    for (let k = 0; k < kept.length; k++) {
      const reused = kept[k];
      const mode = reused.check(group, lists, states);
      if (mode === 0) continue;
      try {
        this.stepPlanned(group, reused, mode);
        if (k > 0) kept.unshift(...kept.splice(k, 1)); // the last one used first
        return;
      } catch (err) {
        if (reused.ran) throw err;
        kept.splice(k, 1);
        break;
      }
    }
    const plan = new GroupPlan(
      {
        name: this.spec.name,
        groupIndex: gi,
        kernel: this.spec.kernel!,
        state: states,
        keys: this.stateKeys,
        lists,
        initialState: (p) => this.initialState(group, p, lists),
        tensorInfo: (params) => this.tensorInfo(params),
        shared: this.sharesParams(group),
      },
      group,
    );
    this.stepPlanned(group, plan, plan.uniformity);
    if (!plan.reusable || !plansReused()) return;
    const live = kept.filter((p) => !p.stale).slice(0, PLANS_PER_GROUP - 1);
    this.plans.set(group, [plan, ...live]);
  }

  /** Whether a parameter of `group` is also in another group (which `addParamGroup` refuses, but a hand-edited list may do). */
  private sharesParams(group: ParamGroup<O>): boolean {
    if (this.paramGroups.length < 2) return false;
    const mine = new Set(group.params);
    return this.paramGroups.some((g) => g !== group && g.params.some((p) => mine.has(p)));
  }

  private stepPlanned(group: ParamGroup<O>, plan: GroupPlan, mode: 1 | 2): void {
    if (plan.count === 0) return;
    plan.begin(mode);
    this.stepGroup(group, plan);
  }

  /**
   * @internal
   * The kernel's state buffer lists for `group`'s options, by state entry (see `ListUse` in
   * src/optim/plan.ts): `{ exp_avg: true, exp_avg_sq: true, max_exp_avg_sq: group.amsgrad }`.
   * A group's plan is rebuilt when this changes.
   */
  protected abstract lists(group: ParamGroup<O>): Lists;

  /**
   * @internal
   * A parameter's state before its first step (the lists it lacks are then added). Default:
   * `step` 0 and a zero buffer for each `true` list of `lists` (`freshState`).
   */
  protected initialState(_group: ParamGroup<O>, p: ParamLike, lists: Lists): ParamState {
    return freshState(p, ...Object.keys(lists).filter((key) => lists[key] === true));
  }

  /**
   * @internal
   * Per-tensor kernel arrays that depend on the parameters alone (their shapes: LARS's
   * vectors, Adafactor's factors), worked out when a plan is built. Default: none.
   */
  protected tensorInfo(_params: readonly ParamLike[]): Record<string, PerTensor> {
    return {};
  }

  /**
   * @internal
   * Steps one group's parameters that have a gradient: compute the per-step scalars in double
   * from `step.states` and make the one kernel call with `step.run`, which commits the step
   * once the kernel has succeeded (so a refused call changes nothing).
   */
  protected abstract stepGroup(group: ParamGroup<O>, step: GroupStep): void;

  /**
   * Adds a group of parameters with optional overrides of the defaults (PyTorch's
   * `add_param_group`). A parameter may belong to one group only.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    this.assertIdle('addParamGroup');
    if (typeof group !== 'object' || group === null || group.params == null) {
      throw new TypeError(`Expected a param group object with a params list but received ${String(group)}`);
    }
    const params = [...group.params];
    const index = this.paramGroups.length;
    const seen = new Set<ParamLike>();
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!isParamLike(p)) {
        throw new TypeError(`Expected a parameter with a Float32Array data for paramGroups[${index}].params[${i}]`);
      }
      if (seen.has(p)) throw new RangeError(`paramGroups[${index}].params[${i}] appears twice in the group`);
      if (existing.has(p)) throw new RangeError(`paramGroups[${index}].params[${i}] already belongs to another param group`);
      seen.add(p);
    });
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(merged, `paramGroups[${index}].`);
    this.paramGroups.push(merged);
  }

  /**
   * Resets the gradients: fills them with zeros (the default, so training loops can keep
   * writing into the same buffers) or, with `setToNone`, sets them to null so the next
   * `step()` skips the parameter unless a new gradient is assigned.
   */
  zeroGrad({ setToNone = false }: { setToNone?: boolean } = {}): void {
    this.assertIdle('zeroGrad');
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) p.grad = null;
        else p.grad?.fill(0);
      }
    }
  }

  /**
   * The optimizer's state in PyTorch's layout and key names: `state` keyed by the parameter's
   * position across groups (only parameters that have state; state of a parameter that no
   * group holds any more is left out), buffers as Float32Array copies, counters as numbers;
   * `param_groups` with PyTorch's hyperparameter names and `params` as positions.
   */
  stateDict(): StateDict {
    this.assertIdle('stateDict');
    const index = new Map<ParamLike, number>();
    const param_groups = this.paramGroups.map((group) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key === 'params') continue;
        out[toSnake(key)] = Array.isArray(value) ? [...value] : value;
      }
      Object.assign(out, this.spec.torchGroupKeys);
      const params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...out, params };
    });
    const state: StateDict['state'] = {};
    for (const [p, s] of this.stateMap.peekEntries()) {
      // State of a parameter no group holds any more (removed from its group's list by hand) has
      // no position to be saved under: it is left out.
      if (!index.has(p)) continue;
      const entry: Record<string, StateValue> = {};
      for (const { key } of this.spec.state) {
        if (!(key in s)) continue;
        entry[key] = copyValue(s[key]);
      }
      state[index.get(p)!] = entry;
    }
    return { state, param_groups };
  }

  /**
   * Loads a state dict from `stateDict()` (or PyTorch's, with tensors as number arrays). Checks
   * the group count, each group's parameter count, every state entry and every length first,
   * and changes nothing unless all of it is valid; then replaces the hyperparameters and state.
   */
  loadStateDict(stateDict: StateDictInput): void {
    this.assertIdle('loadStateDict');
    if (typeof stateDict !== 'object' || stateDict === null || !Array.isArray(stateDict.param_groups) ||
        typeof stateDict.state !== 'object' || stateDict.state === null) {
      throw new TypeError('loadStateDict: expected an object with state and param_groups');
    }
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(`loadStateDict: the state dict has ${saved.length} param groups but the optimizer has ${this.paramGroups.length}`);
    }
    // Saved parameter ids map, in order, to the current parameters.
    const byId = new Map<string, ParamLike>();
    const newGroups = saved.map((g, gi) => {
      const group = this.paramGroups[gi];
      if (!Array.isArray(g.params) || g.params.length !== group.params.length) {
        throw new RangeError(`loadStateDict: param_groups[${gi}] has ${Array.isArray(g.params) ? g.params.length : 'no'} params but paramGroups[${gi}] has ${group.params.length}`);
      }
      g.params.forEach((id, i) => byId.set(String(id), group.params[i]));
      const next: Record<string, unknown> = { ...group };
      for (const [key, value] of Object.entries(g)) {
        if (key === 'params' || TORCH_IMPLEMENTATION_KEYS.has(key)) continue;
        next[toCamel(key)] = Array.isArray(value) ? [...value] : value;
      }
      this.validate(next as O, `param_groups[${gi}].`);
      return next as ParamGroup<O>;
    });
    const newState = new Map<ParamLike, ParamState>();
    const totalLength = this.paramGroups.reduce((n, g) => g.params.reduce((m, p) => m + p.data.length, n), 0);
    for (const [id, entry] of Object.entries(stateDict.state)) {
      const p = byId.get(id);
      if (!p) throw new RangeError(`loadStateDict: state[${id}] does not belong to any param group`);
      if (typeof entry !== 'object' || entry === null) throw new TypeError(`loadStateDict: state[${id}] must be an object`);
      const s: ParamState = {};
      for (const { key, kind, optional, length } of this.spec.state) {
        const where = `state[${id}].${key}`;
        const v = (entry as Record<string, unknown>)[key];
        const n = length === 'all' ? totalLength : typeof length === 'function' ? length(p) : p.data.length;
        if (n === null) {
          if (v !== undefined) throw new RangeError(`loadStateDict: ${where} does not apply to this parameter`);
          continue;
        }
        if (v === undefined) {
          if (optional) continue;
          throw new RangeError(`loadStateDict: ${where} is missing`);
        }
        if (kind === 'number' || kind === 'real') {
          if (typeof v !== 'number' || !Number.isFinite(v) || (kind === 'number' && v < 0)) {
            throw new TypeError(`loadStateDict: ${where} must be a finite number${kind === 'number' ? ' >= 0' : ''}`);
          }
          s[key] = v;
        } else if (kind === 'numberList') {
          if (!Array.isArray(v) || !v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)))) {
            throw new TypeError(`loadStateDict: ${where} must be a list of finite numbers or nulls`);
          }
          s[key] = [...v];
        } else if (kind === 'tensorList') {
          if (!Array.isArray(v)) throw new TypeError(`loadStateDict: ${where} must be a list of buffers`);
          s[key] = v.map((t, i) => copyTensor(t, n, `${where}[${i}]`));
        } else if (v === null && kind === 'tensorOrNull') {
          s[key] = null;
        } else {
          s[key] = copyTensor(v, n, where);
        }
      }
      newState.set(p, s);
    }
    // Everything checked: commit.
    newGroups.forEach((g, i) => {
      const group = this.paramGroups[i] as Record<string, unknown>;
      Object.assign(group, g);
    });
    for (const [p, s] of newState) {
      // Buffers of arena parameters go back into the arena (in place where they were): those of
      // the parameter's own length (Adafactor's row and column factors have no room there).
      const current = this.stateMap.peek(p);
      for (const { key, kind, length } of this.spec.state) {
        const v = s[key];
        const perElement = length !== 'all' && v instanceof Float32Array && v.length === p.data.length;
        if ((kind === 'tensor' || kind === 'tensorOrNull') && perElement) s[key] = adoptStateBuffer(p, key, v, current?.[key]);
      }
    }
    this.state.clear();
    for (const [p, s] of newState) this.stateMap.store(p, s);
  }
}
