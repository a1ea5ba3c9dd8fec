/** Bit-for-bit comparisons of whole runs: every byte of the parameters and of the state. */
import type { Optimizer, ParamLike } from '../../src/index.js';

/**
 * The parameters' bytes, then every state buffer's bytes (in state-dict order), then the rest
 * of the state (step counts and other numbers) as JSON: equal Buffers mean equal runs.
 */
export function runBytes(params: readonly ParamLike[], opt: Optimizer<object>): Buffer {
  const views: Float32Array[] = params.map((p) => p.data);
  const { state } = opt.stateDict();
  for (const entry of Object.values(state)) for (const v of Object.values(entry)) if (v instanceof Float32Array) views.push(v);
  const numbers = JSON.stringify(state, (_k, v) => (v instanceof Float32Array ? v.length : v));
  return Buffer.concat([...views.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)), Buffer.from(numbers)]);
}

/** Where two byte strings first differ (-1 when equal), so that a failure says where. */
export function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
