/**
 * Step plans: what a step over a parameter group does that stays the same from step to step,
 * worked out once and reused while nothing it depends on changes. One mechanism for every
 * optimizer, driven by the base class (`Optimizer.step`, src/optimizer.ts); an optimizer
 * declares its kernel, its state buffer lists (`lists(group)`) and computes its per-step scalars.
 *
 * Built, as a step without a plan would do it, when a group is stepped first and whenever a
 * check fails: the parameters that have a gradient (checked: a Float32Array of the parameter's
 * length), their states (the existing ones; a state or entry the step needs is created, on a
 * copy, and stored only after the kernel succeeded), the kernel's buffer lists, per-tensor
 * arrays that depend on the parameters alone (`tensorInfo`), and which tensors are contiguous
 * in every list, merged once into ranges (src/coalesce.ts): for an elementwise kernel, one
 * tensor per range (where the per-tensor scalars agree too); for a kernel that reduces over
 * each tensor (LAMB, LARS, Adafactor), runs that the binding cuts back into the tensors
 * (`run_tensors`, native/binding/reader.h), so it reads a few views, not one per tensor.
 *
 * Checked at each step, before anything runs:
 * - the optimizer's `state` Map was not changed through set, delete or clear (`StateMap`);
 * - `lists(group)` (what the options make the kernel take: amsgrad, momentum, centered) is the same;
 * - `group.params` holds the same parameters, each with the same `data`, and a gradient where
 *   it had one (null where it had none). When every member is a `Parameter`, whose `data` and
 *   `grad` are accessors that count assignments (`parameterWrites`), and none was assigned
 *   since the plan last looked, the same members suffice: no parameter's fields are read. A
 *   gradient replaced by another (a backward pass that allocates new ones) makes the plan take
 *   the new ones, checked as at the build, and merge the lists again (which reads each
 *   gradient's offset: about 20 ns per parameter);
 * - the ArrayBuffers behind merged ranges kept their length (none was detached or resized);
 * - the states: unless the plan holds them (below), every state still holds the buffers the
 *   step uses (none replaced or deleted by hand), and its numbers (`step`, NAdam's
 *   `mu_product`, ...) are read: when they are equal across the group, the per-tensor scalars
 *   are computed once, from one state, and the merged ranges are passed with that one tensor's
 *   scalars; otherwise per tensor, as before.
 *
 * Holding the states' numbers. Touching every parameter and state object at every step costs
 * tens of microseconds for a few thousand tensors whose objects the kernel has pushed out of the
 * caches, more than the rest of the step's bookkeeping together. So when the states' numbers are
 * equal, the plan is kept, and the Map never handed out any of its states (`StateMap`: no one
 * but the optimizer can have changed them), the plan counts the step in one object of its own
 * (its shadow) instead of in each state, and registers with the Map, which has it write the
 * numbers back into the states (`release`) before anything reads or changes a state through
 * the Map. While it holds them, its check reads no state. Before a plan that does not hold reads
 * its states, the plans of its group write theirs back (`sync(group)`); a group that shares a
 * parameter with another (a list edited by hand) never holds and has every holder write back.
 *
 * A group keeps its last two plans (parameters that take turns without a gradient find one
 * for each turn); when neither applies, a new one is built. A step made with a reused plan that
 * throws before its kernel ran is redone from scratch, so errors are those of a step without a
 * plan. Not checked: a parameter's `shape` (readonly; read when the plan is built, by LARS and
 * Adafactor); a Parameter's `data` or `grad` redefined on the object itself after the plan was
 * built (`Object.defineProperty`); and `Map.prototype` methods or `structuredClone` applied to
 * the state Map directly, which bypass the StateMap and may see numbers not yet written back.
 */
import { kernels, type Kernels } from '../backend.js';
import { callMerged, contiguity, joinsInto, mergeCached, mergeRuns, pickRuns, runStarts, type RunCache } from '../coalesce.js';
import type { ParamGroup, ParamState, StateEntrySpec } from '../optimizer.js';
import { Parameter, parameterWrites, type ParamLike } from '../parameter.js';
import { anyExposed, commitState, exposureCount, stateBuffer, type Holder, type StateMap } from './state.js';

/**
 * How one of the kernel's buffer lists comes from the parameters' states (an optimizer's
 * `lists(group)` gives one per state list of its kernel, keyed by the state entry, which is also
 * the kernel argument's name):
 * - `true`: each parameter's buffer; a state without one gets a new one (`stateBuffer`) for this
 *   step, and `GroupStep.created` tells which;
 * - `false`: the list is passed as null (the kernel does not use it); the entry stays as it is;
 * - `'optional'`: each parameter's buffer, or an empty Float32Array where its state has none
 *   (Adafactor: a matrix has row and column factors, a vector a full variance);
 * - `'clear'`: passed as null, and the entry set to null in each stepped state (SGD and LARS
 *   without momentum).
 */
export type ListUse = boolean | 'optional' | 'clear';

/** The kernel's state buffer lists for one group's options: entry (and argument) name to its use. */
export type Lists = Readonly<Record<string, ListUse>>;

/** A per-tensor array of a kernel call: scalars in double or flags. */
export type PerTensor = Float64Array | Uint8Array;

/** The kernel an optimizer calls, once per group. */
export interface KernelSpec {
  /** Its name in `kernels()`. */
  name: keyof Kernels;
  /**
   * Whether it is elementwise, so that contiguous tensors may be merged into one: false for the
   * kernels that reduce over a tensor (LAMB, LARS, Adafactor), which get them as runs instead.
   * The native addon lists its elementwise kernels (`binding.elementwise`); a test checks the
   * two agree.
   */
  elementwise: boolean;
}

/**
 * Compares every stepped state with what the plan saw (`seen[k][i]`: buffer entry k of state i)
 * and their numbers with the first state's: 0 when a buffer entry changed (the plan is stale), 1
 * when every state has the first one's numbers, 2 when they differ.
 */
type StateCheck = (states: readonly ParamState[], seen: readonly (readonly unknown[])[]) => 0 | 1 | 2;

/** An optimizer's state entries as the plans read them, worked out once from its spec. */
export interface StateKeys {
  /** The number entries (`number` and `real` kinds): the per-tensor scalars depend on these. */
  numbers: readonly string[];
  /** Whether the states count steps (have a `step` entry), which the plan then increments. */
  counts: boolean;
}

/** The number keys of an optimizer's state spec. */
export function stateKeys(entries: readonly StateEntrySpec[]): StateKeys {
  const numbers = entries.filter((e) => e.kind === 'number' || e.kind === 'real').map((e) => e.key);
  return { numbers, counts: numbers.includes('step') };
}

/** Functions compiled from generated code, by what they were generated from (see `stateCheck`). */
const compiled = new Map<string, unknown>();

/** `[key]` with the key as a string literal, for generated code. */
const at = (key: string) => `[${JSON.stringify(key)}]`;

/**
 * The function of `params` whose body is `body()`, compiled once per `id`; where code
 * generation is disabled (`--disallow-code-generation-from-strings`), `fallback`, the same loop
 * with keyed reads.
 */
function compileOnce<F>(id: string, params: readonly string[], body: () => string[], fallback: F): F {
  let fn = compiled.get(id) as F | undefined;
  if (!fn) {
    try {
      fn = new Function(...params, body().join('\n')) as F;
    } catch {
      fn = fallback;
    }
    compiled.set(id, fn);
  }
  return fn;
}

/**
 * The state check for these keys, compiled once per set of keys. A property read whose key
 * varies (`s[key]` in a loop over keys) takes 7-15 ns in V8 (a megamorphic keyed load), ten
 * times a read of a fixed name, which is what the generated loop does: a few ns per state in
 * all. Keys are the optimizers' own entry names, written into the code as string literals.
 */
function stateCheck(buffers: readonly string[], numbers: readonly string[]): StateCheck {
  const body = () => [
    'const n = states.length;',
    'if (n === 0) return 1;',
    ...buffers.map((_, k) => `const b${k} = seen[${k}];`),
    ...numbers.map((key, k) => `const n${k} = states[0]${at(key)};`),
    'let result = 1;',
    'for (let i = 0; i < n; i++) {',
    '  const s = states[i];',
    buffers.length > 0 ? `  if (${buffers.map((key, k) => `s${at(key)} !== b${k}[i]`).join(' || ')}) return 0;` : '',
    numbers.length > 0 ? `  if (${numbers.map((key, k) => `!Object.is(s${at(key)}, n${k})`).join(' || ')}) result = 2;` : '',
    '}',
    'return result;',
  ];
  const fallback: StateCheck = (states, seen) => {
    let result: 0 | 1 | 2 = 1;
    for (let i = 0; i < states.length; i++) {
      const s = states[i];
      if (buffers.some((key, k) => s[key] !== seen[k][i])) return 0;
      if (numbers.some((key) => !Object.is(s[key], states[0][key]))) result = 2;
    }
    return result;
  };
  return compileOnce(`check ${JSON.stringify([buffers, numbers])}`, ['states', 'seen'], body, fallback);
}

/** Writes `from`'s number entries into every state (a holding plan's `release`). */
type NumbersCopy = (states: readonly ParamState[], from: ParamState) => void;

/** The numbers copy for these keys, compiled once per set of keys, as `stateCheck`. */
function numbersCopy(numbers: readonly string[]): NumbersCopy {
  const body = () => [
    ...numbers.map((key, k) => `const n${k} = from${at(key)};`),
    'for (let i = 0; i < states.length; i++) {',
    '  const s = states[i];',
    ...numbers.map((key, k) => `  s${at(key)} = n${k};`),
    '}',
  ];
  const fallback: NumbersCopy = (states, from) => {
    for (const s of states) for (const key of numbers) s[key] = from[key];
  };
  return compileOnce(`copy ${JSON.stringify(numbers)}`, ['states', 'from'], body, fallback);
}

/**
 * Whether assigning `p.data` or `p.grad` is counted (`parameterWrites`): a Parameter whose two
 * fields are its class's accessors.
 */
function watched(p: ParamLike): boolean {
  return p instanceof Parameter && !Object.hasOwn(p, 'data') && !Object.hasOwn(p, 'grad');
}

/** What a plan takes from its optimizer, for one group. */
export interface PlanSource {
  /** The optimizer's name (`Adam`), for messages. */
  name: string;
  /** The group's index, for messages. */
  groupIndex: number;
  kernel: KernelSpec;
  state: StateMap;
  keys: StateKeys;
  /** `lists(group)` at this step. */
  lists: Lists;
  /** A stepped parameter's state before its first step. */
  initialState(p: ParamLike): ParamState;
  /** Per-tensor arrays that depend on the stepped parameters alone (their shapes). */
  tensorInfo(params: readonly ParamLike[]): Record<string, PerTensor>;
  /** Whether a parameter of the group is also in another group (put there by hand). */
  shared: boolean;
}

/** What an optimizer's `stepGroup` gets: the group's states and its one kernel call. */
export interface GroupStep {
  /**
   * The states to compute the per-tensor scalars from, in order: one state standing for every
   * stepped parameter when all of them have the same numbers (step counts, NAdam's
   * `mu_product`, ...), so that the scalars are computed once; otherwise every stepped
   * parameter's state.
   */
  readonly states: readonly ParamState[];
  /** `tensorInfo`'s arrays, one entry per stepped parameter. */
  readonly info: Readonly<Record<string, PerTensor>>;
  /**
   * For a `true` list: 1 where this step created the parameter's buffer, 0 where the state had
   * one (a single entry standing for all when they are all equal).
   */
  created(key: string): Uint8Array;
  /**
   * The group's one kernel call. `args` holds the group's scalars and its per-tensor arrays,
   * each with one entry per `states` entry (or per stepped parameter, as `info`'s); the plan
   * adds params, grads and the lists, and merges contiguous tensors. Once the kernel has
   * succeeded, each stepped state counts the step (`step` + 1, where states have one) and gets
   * `update(s, i)` (`i`: the index in `states` whose scalars it had), then new states are stored.
   */
  run(args: Record<string, unknown>, update?: (s: ParamState, i: number) => void): void;
}

/** Plans are reused unless a test says otherwise (`reusePlans`). */
let reuse = true;

/**
 * @internal
 * Whether plans are reused from step to step (the default), or rebuilt at every step: a test
 * compares the bytes of both.
 */
export function reusePlans(on: boolean): void {
  reuse = on;
}

/** @internal Whether a plan that could be kept should be. */
export function plansReused(): boolean {
  return reuse;
}

const isPerTensor = (v: unknown): v is PerTensor => v instanceof Float64Array || v instanceof Uint8Array;

/** One group's step plan (see the file's comment). */
export class GroupPlan implements GroupStep, Holder {
  states: readonly ParamState[] = [];
  readonly info: Record<string, PerTensor>;
  /** The stepped parameters' count. */
  readonly count: number;
  /** True once this step's kernel call returned: a failure after it must not be redone. */
  ran = false;
  /** False when the step creates states or entries: the next step builds again. */
  readonly reusable: boolean;
  /** 1 when the states' numbers are equal, 2 when not (as `check`), at build. */
  readonly uniformity: 1 | 2;

  readonly scope: object;
  private readonly lists: Lists;
  private readonly version: number;
  /** Every member is a Parameter (`watched`): unless `parameterWrites()` moved, none has another data or grad. */
  private readonly watchedParams: boolean;
  /** `parameterWrites()` when the members' fields were last read. */
  private paramWrites: number;
  /**
   * The states' numbers while this plan holds them (`holding`): equal across the states, one
   * copy standing for all, counted here instead of in each state until `release`.
   */
  private shadow: ParamState;
  private readonly shadowStates: ParamState[];
  /** True while the numbers of the states are the shadow's, not their own (registered with the StateMap). */
  private holding = false;
  /** Whether this step counts in the shadow (set by `check` and the build). */
  private counting = false;
  /** Whether a state of the plan was ever handed out, as of `exposureCount()` = `scannedAt`. */
  private exposed = false;
  private scannedAt = -1;
  private readonly copyNumbers: NumbersCopy;
  private readonly members: ParamLike[] = [];
  private readonly gradOf: unknown[] = [];
  private readonly dataOf: unknown[] = [];
  private readonly stepped: ParamLike[] = [];
  /** Each stepped parameter's index in the group. */
  private readonly memberOf: number[] = [];
  private readonly all: ParamState[];
  private readonly one: ParamState[];
  /** Indices of stepped parameters whose state object is new (stored after the kernel). */
  private readonly fresh: number[] = [];
  private readonly seen: unknown[][];
  private readonly stateCheck: StateCheck;
  private readonly createdFlags: Record<string, Uint8Array> = {};
  /** params, grads and the lists, tensor by tensor (null for a list passed as null). */
  private readonly unmerged: Record<string, Float32Array[] | null>;
  /** The same lists, in order, without the null ones. */
  private readonly views: Float32Array[][];
  /**
   * A kernel that reduces over each tensor (not elementwise): its contiguous tensors are passed
   * as runs, the merged views plus `run_tensors` (this plan's `runTensors`) and `tensor_numel`,
   * which the binding cuts back into the tensors (native/binding/reader.h), per-tensor arrays
   * at one entry per tensor; an elementwise kernel gets merged tensors instead.
   */
  private readonly byRuns: boolean;
  private readonly tensorNumel: Float64Array | null;
  private runTensors = new Float64Array(0);
  /** Over well-formed lists: which tensors join the one before, in all lists but grads. */
  private others: Uint8Array | null = null;
  /** The same in every list: null when nothing may merge. */
  private contiguous: Uint8Array | null = null;
  /** The lists merged wherever tensors are contiguous, and their count of tensors. */
  private merged: Record<string, Float32Array[] | null> = {};
  private runs = 0;
  /** The ArrayBuffers behind merged ranges, with their byte lengths. */
  private buffers: ArrayBufferLike[] = [];
  private byteLengths: number[] = [];
  /** Per-tensor arrays of the merged length, reused from step to step (see `broadcast`). */
  private readonly broadcasts = new Map<string, PerTensor>();
  private runCache: RunCache = { runStart: [], merged: [], joined: [] };

  constructor(private readonly source: PlanSource, group: ParamGroup<object>) {
    const { name, groupIndex, state, lists } = source;
    this.scope = group;
    this.lists = lists;
    this.version = state.version;
    this.paramWrites = parameterWrites();
    const grads: Float32Array[] = [];
    const list = group.params;
    this.watchedParams = list.every(watched);
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      const g = p.grad;
      this.members.push(p);
      this.gradOf.push(g);
      this.dataOf.push(p.data);
      if (g === null || g === undefined) continue;
      if (!(g instanceof Float32Array)) {
        throw new TypeError(`${name}.step: paramGroups[${groupIndex}].params[${i}].grad must be a Float32Array or null`);
      }
      if (g.length !== p.data.length) {
        throw new RangeError(`${name}.step: paramGroups[${groupIndex}].params[${i}].grad has ${g.length} elements but its data has ${p.data.length}`);
      }
      this.stepped.push(p);
      this.memberOf.push(i);
      grads.push(g);
    }
    const n = (this.count = this.stepped.length);
    this.info = source.tensorInfo(this.stepped);
    // (`peek` has every holder of the Map write its numbers back first.)
    const existing = this.stepped.map((p) => state.peek(p));
    const all = (this.all = existing.map((s, i) => s ?? source.initialState(this.stepped[i])));
    // One pass per list over the states: complete them (on a copy of a stored state: a refused
    // step must leave it as it was), and take what the step reads and what the kernel gets.
    const empty = new Float32Array(0);
    this.unmerged = { params: this.stepped.map((p) => p.data), grads };
    const read: string[] = [];
    this.seen = [];
    for (const [key, use] of Object.entries(lists)) {
      const created = use === true ? new Uint8Array(n) : null;
      const seen: unknown[] = new Array(n);
      const passed = use === true || use === 'optional' ? new Array<Float32Array>(n) : null;
      for (let i = 0; i < n; i++) {
        let s = all[i];
        let v = s[key];
        if (use === true ? !(v instanceof Float32Array) : use === 'clear' && v !== null) {
          if (s === existing[i]) all[i] = s = { ...s };
          v = s[key] = use === true ? stateBuffer(this.stepped[i], key) : null;
          if (created) created[i] = 1;
        }
        seen[i] = v;
        if (passed) passed[i] = v instanceof Float32Array ? v : empty;
      }
      this.unmerged[key] = passed;
      // The entries the step reads or writes: a list passed as null (false) is neither.
      if (use !== false) {
        read.push(key);
        this.seen.push(use === true ? passed! : seen);
      }
      // One entry standing for all where every parameter's is the same.
      if (created) this.createdFlags[key] = created.every((f) => f === created[0]) ? created.slice(0, 1) : created;
    }
    all.forEach((s, i) => s !== existing[i] && this.fresh.push(i));
    this.one = all.slice(0, 1);
    this.reusable = this.fresh.length === 0;
    this.stateCheck = stateCheck(read, source.keys.numbers);
    this.uniformity = this.stateCheck(all, this.seen) === 2 ? 2 : 1;
    this.copyNumbers = numbersCopy(source.keys.numbers);
    this.shadow = { ...all[0] };
    this.shadowStates = [this.shadow];
    this.counting = this.mayHold(this.uniformity);

    this.views = Object.values(this.unmerged).filter((l): l is Float32Array[] => l !== null);
    // Which tensors join in every list but grads, which change more often than the others
    // (a backward pass that allocates new ones): `takeGrads` then merges again from these.
    this.byRuns = !source.kernel.elementwise;
    if (n > 1) this.others = contiguity(this.views.filter((l) => l !== grads), this.byRuns);
    this.tensorNumel = this.byRuns ? Float64Array.from(this.stepped, (p) => p.data.length) : null;
    this.merge();
  }

  /** Merges the lists where tensors are contiguous in all of them (`others` and the grads). */
  private merge(): void {
    const n = this.count;
    const grads = this.unmerged.grads!;
    let contiguous = this.others && this.others.slice();
    if (contiguous && !joinsInto(contiguous, grads, this.unmerged.params!, this.byRuns)) contiguous = null;
    this.contiguous = contiguous;
    const runStart = contiguous ? runStarts(contiguous, []) : [];
    this.runs = contiguous ? runStart.length : n;
    if (this.byRuns) this.runTensors = Float64Array.from(runStart, (t, r) => (r + 1 < runStart.length ? runStart[r + 1] : n) - t);
    this.buffers = [];
    this.byteLengths = [];
    this.broadcasts.clear();
    this.runCache = { runStart: [], merged: [], joined: [] };
    if (this.runs === n) {
      this.merged = this.unmerged;
      return;
    }
    this.merged = {};
    for (const [key, l] of Object.entries(this.unmerged)) {
      const views = l && mergeRuns(l, runStart);
      this.merged[key] = views;
      views?.forEach((v, r) => {
        if (v === l![runStart[r]] || this.buffers.includes(v.buffer)) return;
        this.buffers.push(v.buffer);
        this.byteLengths.push(v.buffer.byteLength);
      });
    }
  }

  /**
   * The stepped parameters' new gradients (each a parameter that had one and has another),
   * checked as at the build, and the lists merged again; false when one fails the check (the
   * plan is then rebuilt, and the step reports it).
   */
  private takeGrads(): boolean {
    const { stepped } = this;
    for (let j = 0; j < this.count; j++) {
      const g = stepped[j].grad;
      if (!(g instanceof Float32Array) || g.length !== stepped[j].data.length) return false;
    }
    const grads = this.unmerged.grads!;
    for (let j = 0; j < this.count; j++) grads[j] = this.gradOf[this.memberOf[j]] = stepped[j].grad!;
    this.merge();
    return true;
  }

  /** Whether this plan can hold again: not once the state Map has changed since it was built. */
  get stale(): boolean {
    return this.source.state.version !== this.version;
  }

  /**
   * Whether this plan still holds for `group` (see the file's comment): 0 when it does not,
   * else 1 or 2 (the states' numbers equal or not).
   */
  check(group: ParamGroup<object>, lists: Lists, state: StateMap): 0 | 1 | 2 {
    if (state.version !== this.version || !sameLists(lists, this.lists)) return 0;
    const list = group.params;
    const members = this.members;
    const n = members.length;
    if (list.length !== n) return 0;
    const writes = parameterWrites();
    if (this.watchedParams && writes === this.paramWrites) {
      // No Parameter was given another data or grad: the same members suffice.
      for (let i = 0; i < n; i++) if (list[i] !== members[i]) return 0;
    } else {
      const gradOf = this.gradOf;
      const dataOf = this.dataOf;
      let regrad = false;
      for (let i = 0; i < n; i++) {
        const p = list[i];
        if (p !== members[i] || p.data !== dataOf[i]) return 0;
        if (p.grad !== gradOf[i]) {
          // Another gradient where there was one: only the grads list changes.
          if (p.grad == null || gradOf[i] == null) return 0;
          regrad = true;
        }
      }
      if (regrad && !this.takeGrads()) return 0;
      this.paramWrites = writes;
    }
    for (let b = 0; b < this.buffers.length; b++) if (this.buffers[b].byteLength !== this.byteLengths[b]) return 0;
    // Holding: no one but this plan changed the states since it last read them.
    if (this.holding) {
      this.counting = true;
      return 1;
    }
    // Anything else may have: read them all, once the group's other plan has written back the
    // numbers it holds (every holder, when the group shares parameters with another).
    state.sync(this.source.shared ? undefined : this.scope);
    const mode = this.stateCheck(this.all, this.seen);
    this.counting = mode !== 0 && this.mayHold(mode);
    if (this.counting) Object.assign(this.shadow, this.all[0]);
    return mode;
  }

  /**
   * Whether a step whose states' numbers are `uniformity` (as `check`) may count in the shadow:
   * the numbers are equal, the plan is kept from step to step, and none of its states was
   * ever handed out (whoever has one may read or change it without the StateMap's knowledge).
   */
  private mayHold(uniformity: 0 | 1 | 2): boolean {
    if (uniformity !== 1 || !this.reusable || !reuse || this.exposed || this.source.shared) return false;
    // Handed out stays handed out: look again only when more states were handed out since.
    const count = exposureCount();
    if (this.scannedAt !== count) {
      this.exposed = anyExposed(this.all);
      this.scannedAt = count;
    }
    return !this.exposed;
  }

  /** Writes the shadow's numbers into every state (the StateMap's `sync`): they are theirs again. */
  release(): void {
    this.copyNumbers(this.all, this.shadow);
    this.holding = false;
  }

  /** Starts a step with this plan: `mode` as `check` returned it. */
  begin(mode: 1 | 2): void {
    this.states = mode === 2 ? this.all : this.counting ? this.shadowStates : this.one;
    this.ran = false;
  }

  created(key: string): Uint8Array {
    return this.createdFlags[key];
  }

  run(args: Record<string, unknown>, update?: (s: ParamState, i: number) => void): void {
    const n = this.count;
    // Per-tensor arrays: one entry standing for all tensors, or one per tensor.
    const perTensor: string[] = [];
    const given: PerTensor[] = [];
    let uniform = true;
    for (const key in args) {
      const v = args[key];
      if (!isPerTensor(v)) continue;
      if (v.length !== 1 && v.length !== n) throw new Error(`${this.source.name}: ${key} has ${v.length} entries for ${n} tensors`);
      perTensor.push(key);
      given.push(v);
      if (v.length !== 1) uniform = false;
    }
    // With equal scalars `args` becomes the call (Object.assign: spreading two objects into a
    // literal costs microseconds in V8 here, assigning a hundred nanoseconds).
    let call = args;
    if (this.byRuns) {
      // Runs: a new object (the arguments as given are the fallback's), every per-tensor array
      // at one entry per tensor.
      call = Object.assign({}, args, this.merged);
      if (this.runs < n) Object.assign(call, { run_tensors: this.runTensors, tensor_numel: this.tensorNumel });
      perTensor.forEach((key, i) => given[i].length !== n && (call[key] = this.broadcast(key, given[i], n)));
    } else if (uniform || n === 1) {
      Object.assign(call, this.merged);
      if (this.runs > 1) perTensor.forEach((key, i) => (call[key] = this.broadcast(key, given[i], this.runs)));
    } else {
      call = this.perTensorCall(args, perTensor, given);
    }
    const kernel = kernels(true)[this.source.kernel.name] as (a: object) => void;
    callMerged(kernel, call, () => (call.params === this.unmerged.params ? call : this.tensorByTensor(args, perTensor, given)));
    this.ran = true;
    const { all, states } = this;
    const counts = this.source.keys.counts;
    if (states === this.shadowStates) {
      // The step counted once, in the shadow, which stands for every state until `release`.
      const s = this.shadow;
      if (counts) s.step = (s.step as number) + 1;
      update?.(s, 0);
      if (!this.holding) {
        this.holding = true;
        this.source.state.hold(this);
      }
      return;
    }
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      if (counts) s.step = (s.step as number) + 1;
      update?.(s, states.length === 1 ? 0 : i);
    }
    for (const i of this.fresh) commitState(this.source.state, this.stepped[i], all[i]);
  }

  /**
   * `v`'s one entry `length` times (once for each merged tensor, or each tensor of a call by
   * runs): in an array of this plan's, reused from step to step (a step never starts while the
   * kernel that read the last one may still run: the optimizer refuses it during a stepAsync).
   */
  private broadcast(key: string, v: PerTensor, length: number): PerTensor {
    let out = this.broadcasts.get(key);
    if (!out || out.constructor !== v.constructor || out.length !== length) {
      out = new (v.constructor as new (n: number) => PerTensor)(length);
      this.broadcasts.set(key, out);
    }
    return out.fill(v[0]);
  }

  /** `args` with nothing merged: the lists tensor by tensor, each per-tensor array at one entry per tensor. */
  private tensorByTensor(args: Record<string, unknown>, perTensor: string[], given: PerTensor[]): Record<string, unknown> {
    const call: Record<string, unknown> = Object.assign({}, args, this.unmerged);
    perTensor.forEach((key, i) => {
      const v = given[i];
      call[key] = v.length === this.count ? v : new (v.constructor as new (n: number) => PerTensor)(this.count).fill(v[0]);
    });
    return call;
  }

  /** Per-tensor scalars that differ: merged where tensors are contiguous and their scalars equal. */
  private perTensorCall(args: Record<string, unknown>, perTensor: string[], given: PerTensor[]): Record<string, unknown> {
    const call = this.tensorByTensor(args, perTensor, given);
    if (!this.contiguous) return call;
    const values = perTensor.map((key) => call[key] as PerTensor);
    const runStart = runStarts(this.contiguous, values);
    if (runStart.length === this.count) return call;
    const merged = mergeCached(this.runCache, this.views, runStart);
    let l = 0;
    for (const key of Object.keys(this.unmerged)) if (this.unmerged[key]) call[key] = merged[l++];
    perTensor.forEach((key, i) => (call[key] = pickRuns(values[i], runStart)));
    return call;
  }
}

function sameLists(a: Lists, b: Lists): boolean {
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}
