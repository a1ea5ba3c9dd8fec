/**
 * Per-parameter state bookkeeping shared by the optimizers: where a state buffer is allocated
 * (`stateBuffer`, the one allocation hook: in the parameter's `ParameterArena` when it has one),
 * a fresh state (`step` 0 and zero buffers), and the Map that holds the states (`StateMap`),
 * which the step plans (plan.ts) read its changes from.
 */
import { arenaHome } from '../arena.js';
import type { ParamState, StateValue } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';

/**
 * A zeroed buffer of `p`'s length for state entry `key`: a view into p's `ParameterArena` (so
 * the state of the arena's parameters is contiguous too) while the arena has room, otherwise a
 * new Float32Array. Every optimizer allocates its per-parameter state buffers here.
 */
export function stateBuffer(p: ParamLike, key: string): Float32Array {
  const home = arenaHome(p.data);
  return home?.arena.claimState(key, home.index) ?? new Float32Array(p.data.length);
}

/**
 * A parameter's state before its first step: `step` 0 and one zero buffer of its length per key.
 * Add further entries with `Object.assign(freshState(...), { ... })`, not by spreading it into a
 * literal: in Node 20 a spread with extra properties gave nearly every state its own hidden
 * class, which made each access to a state megamorphic (ASGD over 2000 arena tensors: 1.5 ms a
 * step instead of 0.2).
 */
export function freshState(p: ParamLike, ...buffers: string[]): ParamState {
  const s: ParamState = { step: 0 };
  for (const key of buffers) s[key] = stateBuffer(p, key);
  return s;
}

/**
 * Where `loadStateDict` puts a loaded buffer (`values`, already a copy of the right length):
 * for an arena parameter, into its current buffer for `key` when that is in the arena (in
 * place), else into a new arena slot; for any other parameter, `values` itself.
 */
export function adoptStateBuffer(p: ParamLike, key: string, values: Float32Array, current: StateValue | undefined): Float32Array {
  const home = arenaHome(p.data);
  if (!home) return values;
  const target = current instanceof Float32Array && current.length === values.length && home.arena.contains(current) ? current : stateBuffer(p, key);
  target.set(values);
  return target;
}

/** What a StateMap asks of a plan that holds its states' numbers (a `GroupPlan`). */
export interface Holder {
  /**
   * The param group whose states it holds, which no other group shares: `sync(scope)` releases
   * the holders of one group. (A group that shares a parameter with another, put there by hand,
   * never holds, and releases every holder before it reads its states.)
   */
  readonly scope: object;
  /** Writes the numbers it holds into its states, which it then no longer holds. */
  release(): void;
}

/** The state objects handed out by an optimizer's `state` Map (see `StateMap`). */
const exposed = new WeakSet<ParamState>();
let exposures = 0;

function expose(s: ParamState | undefined): void {
  if (s !== undefined && !exposed.has(s)) {
    exposed.add(s);
    exposures++;
  }
}

/** Whether any of `states` was ever handed out by a `StateMap` (its holder may change it). */
export function anyExposed(states: readonly ParamState[]): boolean {
  for (let i = 0; i < states.length; i++) if (exposed.has(states[i])) return true;
  return false;
}

/** How many state objects `StateMap`s have handed out: `anyExposed` stays false while this does not change. */
export function exposureCount(): number {
  return exposures;
}

/**
 * An optimizer's `state`: a Map that tells the step plans (plan.ts) what they need to know
 * without reading every state at every step.
 * - It counts the changes made through it (`set`, `delete`, `clear`): a plan tells in one
 *   compare that no parameter's state object was replaced, added or removed since it was built.
 *   The plans store the states they create with `commitState`, which counts only a state that
 *   replaces another: a plan that holds a parameter's state holds the one the Map has, so a
 *   parameter that had none is in no plan.
 * - It remembers which state objects it has handed out (`get`, `set`, iteration, `values`,
 *   `entries`, `forEach`): whoever holds one may change it between steps. A state no one was
 *   given can change only through the optimizer, so a plan whose states were never handed out
 *   need not read them: it may keep their numbers (step counts, NAdam's `mu_product`, ...),
 *   equal across its states, in one object of its own and count one step there instead of in
 *   each state (a `Holder`).
 * - Before anything reads or changes a state through it, it has every holder write its numbers
 *   back (`sync`), so what the Map shows is always up to date. The library reads its own states
 *   with `peek` and `peekEntries`, which do not count as handing them out, and stores them with
 *   `store`.
 */
export class StateMap extends Map<ParamLike, ParamState> {
  /** Incremented by every `set`, `delete` and `clear`. */
  version = 0;
  /** The plans that hold the numbers of some of these states. */
  private readonly holders: Holder[] = [];

  /** Registers a plan that holds numbers of these states until `sync`. */
  hold(holder: Holder): void {
    this.holders.push(holder);
  }

  /** Every holder (of the group `scope`, if given) writes its numbers back into its states. */
  sync(scope?: object): void {
    const { holders } = this;
    if (holders.length === 0) return;
    let kept = 0;
    for (let i = 0; i < holders.length; i++) {
      const h = holders[i];
      if (scope === undefined || h.scope === scope) h.release();
      else holders[kept++] = h;
    }
    holders.length = kept;
  }

  /** A state, up to date, not counted as handed out (the library's own reads). */
  peek(p: ParamLike): ParamState | undefined {
    this.sync();
    return super.get(p);
  }

  /** Every entry, up to date, not counted as handed out (the library's own reads). */
  peekEntries(): IterableIterator<[ParamLike, ParamState]> {
    this.sync();
    return super.entries();
  }

  /** `set` for a state the library made (not handed out). */
  store(p: ParamLike, s: ParamState): void {
    this.sync();
    this.version++;
    super.set(p, s);
  }

  override get(p: ParamLike): ParamState | undefined {
    this.sync();
    const s = super.get(p);
    expose(s);
    return s;
  }

  override set(p: ParamLike, s: ParamState): this {
    this.sync();
    this.version++;
    expose(s);
    return super.set(p, s);
  }

  override delete(p: ParamLike): boolean {
    this.sync();
    this.version++;
    return super.delete(p);
  }

  override clear(): void {
    this.sync();
    this.version++;
    super.clear();
  }

  override forEach(fn: (s: ParamState, p: ParamLike, map: Map<ParamLike, ParamState>) => void, thisArg?: unknown): void {
    for (const [p, s] of this) fn.call(thisArg, s, p, this);
  }

  override *values(): IterableIterator<ParamState> {
    for (const [, s] of this) yield s;
  }

  override entries(): IterableIterator<[ParamLike, ParamState]> {
    return this[Symbol.iterator]();
  }

  override *[Symbol.iterator](): IterableIterator<[ParamLike, ParamState]> {
    this.sync();
    for (const entry of super.entries()) {
      expose(entry[1]);
      yield entry;
    }
  }

  /** `console.log` and `util.inspect` show the states up to date (as a Map). */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspect(new Map(this.peekEntries()), options);
  }
}

/** Stores a state a step plan created, counted as a change if it replaces one (see `StateMap`). */
export function commitState(map: StateMap, p: ParamLike, s: ParamState): void {
  if (map.has(p)) map.store(p, s);
  else Map.prototype.set.call(map, p, s);
}
