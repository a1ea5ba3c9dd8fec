import type { AxpbyArgs, ClampArgs, DotArgs, NormsArgs, ScaleArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS versions of the tensor-list operations of native/ops/ (norms, dot products, scale,
 * clamp, axpby): the oracle the native ones are tested against. Reductions in double, as the
 * native code; scalars rounded to float32 as the native code broadcasts them.
 */

export function norms(args: NormsArgs): void {
  args = checkGroup('norms', args, {
    lists: [{ key: 'tensors', written: false }],
    perTensor: [{ key: 'out', type: Float64Array }],
    numbers: ['norm_type'],
  });
  const p = args.norm_type;
  if (!(p > 0)) throw new RangeError('norms: norm_type must be > 0');
  args.tensors.forEach((x, t) => {
    let acc = 0;
    if (p === Infinity) {
      for (let i = 0; i < x.length; i++) {
        const a = Math.abs(x[i]);
        if (Number.isNaN(a)) {
          acc = Number.NaN;
          break;
        }
        if (a > acc) acc = a;
      }
    } else if (p === 2) {
      for (let i = 0; i < x.length; i++) acc += x[i] * x[i];
    } else if (p === 1) {
      for (let i = 0; i < x.length; i++) acc += Math.abs(x[i]);
    } else {
      for (let i = 0; i < x.length; i++) acc += Math.abs(x[i]) ** p;
    }
    args.out[t] = acc;
  });
}

export function dot(args: DotArgs): void {
  args = checkGroup('dot', args, {
    lists: [
      { key: 'x', written: false },
      { key: 'y', written: false },
    ],
    perTensor: [{ key: 'out', type: Float64Array }],
  });
  args.x.forEach((x, t) => {
    const y = args.y[t];
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += x[i] * y[i];
    args.out[t] = acc;
  });
}

export function scale(args: ScaleArgs): void {
  args = checkGroup('scale', args, { lists: [{ key: 'tensors', written: true }], numbers: ['scalar'] });
  const s = Math.fround(args.scalar);
  for (const x of args.tensors) for (let i = 0; i < x.length; i++) x[i] *= s;
}

export function clamp(args: ClampArgs): void {
  args = checkGroup('clamp', args, { lists: [{ key: 'tensors', written: true }], numbers: ['min', 'max'] });
  const lo = Math.fround(args.min);
  const hi = Math.fround(args.max);
  for (const x of args.tensors) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const up = lo > v ? lo : v; // max(lo, v): v when NaN
      x[i] = hi < up ? hi : up; // min(hi, up): up when NaN
    }
  }
}

export function axpby(args: AxpbyArgs): void {
  args = checkGroup('axpby', args, {
    lists: [
      { key: 'y', written: true },
      { key: 'x', written: false },
    ],
    numbers: ['a', 'b'],
  });
  const a = Math.fround(args.a);
  const b = Math.fround(args.b);
  args.y.forEach((y, t) => {
    const x = args.x[t];
    if (a === 0) for (let i = 0; i < y.length; i++) y[i] = b * x[i];
    else for (let i = 0; i < y.length; i++) y[i] = a * y[i] + b * x[i];
  });
}
