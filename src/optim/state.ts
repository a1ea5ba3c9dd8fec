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

/**
 * An optimizer's `state`: a Map that counts the changes made through it (`set`, `delete`,
 * `clear`), so that a step plan (plan.ts) tells in one compare that no parameter's state object
 * was replaced, added or removed since it was built. The plans store the states they create
 * with `commitState`, which counts only a state that replaces another: a plan that holds a
 * parameter's state holds the one the Map has, so a parameter that had none is in no plan.
 */
export class StateMap extends Map<ParamLike, ParamState> {
  /** Incremented by every `set`, `delete` and `clear`. */
  version = 0;

  override set(p: ParamLike, s: ParamState): this {
    this.version++;
    return super.set(p, s);
  }

  override delete(p: ParamLike): boolean {
    this.version++;
    return super.delete(p);
  }

  override clear(): void {
    this.version++;
    super.clear();
  }
}

/** Stores a state a step plan created, counted as a change if it replaces one (see `StateMap`). */
export function commitState(map: StateMap, p: ParamLike, s: ParamState): void {
  if (map.has(p)) map.set(p, s);
  else Map.prototype.set.call(map, p, s);
}
