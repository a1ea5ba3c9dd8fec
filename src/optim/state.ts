/**
 * Per-parameter state bookkeeping shared by the optimizers: where a state buffer is allocated
 * (`stateBuffer`, the one allocation hook: in the parameter's `ParameterArena` when it has one),
 * a fresh state (`step` 0 and zero buffers), and the commit that follows a successful kernel call.
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

/** A parameter's state before its first step: `step` 0 and one zero buffer of its length per key. */
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
 * Once the kernel has succeeded: counts each parameter's step and keeps its state (`states[i]`
 * belongs to `params[i]`). New state is committed only here, so a refused call changes nothing.
 */
export function commitSteps(state: Map<ParamLike, ParamState>, params: readonly ParamLike[], states: readonly ParamState[]): void {
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    s.step = (s.step as number) + 1;
    if (state.get(params[i]) !== s) state.set(params[i], s); // a lookup costs less than a set
  }
}
