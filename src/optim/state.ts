/**
 * Per-parameter state bookkeeping shared by the optimizers that count steps: a fresh state
 * (`step` 0 and zero buffers) and the commit that follows a successful kernel call.
 */
import type { ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';

/** A parameter's state before its first step: `step` 0 and one zero buffer of its length per key. */
export function freshState(p: ParamLike, ...buffers: string[]): ParamState {
  const s: ParamState = { step: 0 };
  for (const key of buffers) s[key] = new Float32Array(p.data.length);
  return s;
}

/**
 * Once the kernel has succeeded: counts each parameter's step and keeps its state (`states[i]`
 * belongs to `params[i]`). New state is committed only here, so a refused call changes nothing.
 */
export function commitSteps(state: Map<ParamLike, ParamState>, params: readonly ParamLike[], states: readonly ParamState[]): void {
  states.forEach((s, i) => {
    s.step = (s.step as number) + 1;
    state.set(params[i], s);
  });
}
