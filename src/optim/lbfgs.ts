import { kernels } from '../backend.js';
import { callMerged, contiguity, mergeRuns, runStarts } from '../coalesce.js';
import { Optimizer, type Closure, type ParamGroupInput, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { Lists } from './plan.js';

/** LBFGS's options: PyTorch's `torch.optim.LBFGS` names in camelCase, with its defaults. */
export interface LBFGSOptions {
  /** Learning rate (the initial step length). Default 1. */
  lr: number;
  /** Maximal number of iterations per `step()`. Default 20. */
  maxIter: number;
  /** Maximal number of function evaluations per `step()`. Default `floor(maxIter * 5 / 4)`. */
  maxEval: number;
  /** Stop when the largest absolute gradient element is at most this. Default 1e-7. */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change by less than this. Default 1e-9. */
  toleranceChange: number;
  /** How many curvature pairs (s, y) to keep. Default 100. */
  historySize: number;
  /** `'strong_wolfe'` for a line search satisfying the strong Wolfe conditions, or null for fixed steps of `lr`. Default null. */
  lineSearchFn: 'strong_wolfe' | null;
}

type Vec = Float32Array;

/**
 * L-BFGS, as PyTorch's `torch.optim.LBFGS` (itself after minFunc): a quasi-Newton method that
 * keeps the last `historySize` pairs `s = x_{k+1} - x_k`, `y = g_{k+1} - g_k` and applies the
 * inverse-Hessian approximation they define to the gradient (the two-loop recursion):
 * ```text
 * q = -g;  for i = newest..oldest: a_i = rho_i s_i.q;  q -= a_i y_i
 * r = q * (s.y / y.y)_newest;  for i = oldest..newest: b = rho_i y_i.r;  r += (a_i - b) s_i
 * x <- x + t r        (t = lr, the first iteration min(1, 1/|g|_1) lr, or a strong-Wolfe line search)
 * ```
 * with `rho_i = 1 / (y_i.s_i)`, pairs kept only when `y.s > 1e-10`. One `step(closure)` runs up
 * to `maxIter` iterations, calling `closure` (which must recompute the loss and write every
 * parameter's grad) as often as needed. One parameter group only; the vectors are flat over all
 * parameters (float32), dot products in double, through the backend's vector kernels.
 * State (kept under the first parameter, as PyTorch): `func_evals`, `n_iter`, `d`, `t`,
 * `old_dirs`, `old_stps`, `ro`, `H_diag`, `prev_flat_grad`, `prev_loss`, `al`.
 * References: Nocedal, "Updating Quasi-Newton Matrices with Limited Storage" (1980); Liu and
 * Nocedal (1989); Nocedal and Wright, "Numerical Optimization", algorithms 7.4 and 3.5-3.6.
 *
 * @example
 * ```ts
 * const xy = Parameter.from([-1.5, 2]);
 * const opt = new LBFGS([xy], { lineSearchFn: 'strong_wolfe' });
 * const rosenbrock = () => {
 *   const [x, y] = xy.data;
 *   xy.grad!.set([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]);
 *   return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
 * };
 * for (let i = 0; i < 10; i++) opt.step(rosenbrock);
 * console.log(xy.data); // ≈ [1, 1]: the minimum, to 1e-5
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: Params<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    super(
      params,
      {
        lr: 1,
        maxIter,
        maxEval: Math.floor((maxIter * 5) / 4),
        toleranceGrad: 1e-7,
        toleranceChange: 1e-9,
        historySize: 100,
        lineSearchFn: null,
        ...options,
      },
      {
        name: 'LBFGS',
        state: [
          { key: 'func_evals', kind: 'number' },
          { key: 'n_iter', kind: 'number' },
          { key: 'al', kind: 'numberList', optional: true },
          { key: 'd', kind: 'tensor', length: 'all', optional: true },
          { key: 't', kind: 'real', optional: true },
          { key: 'old_dirs', kind: 'tensorList', length: 'all', optional: true },
          { key: 'old_stps', kind: 'tensorList', length: 'all', optional: true },
          { key: 'ro', kind: 'numberList', optional: true },
          { key: 'H_diag', kind: 'real', optional: true },
          { key: 'prev_flat_grad', kind: 'tensor', length: 'all', optional: true },
          { key: 'prev_loss', kind: 'real', optional: true },
        ],
        torchGroupKeys: {},
      },
    );
  }

  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    if (this.paramGroups.length > 0) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected validate(o: LBFGSOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    for (const key of ['maxIter', 'maxEval', 'historySize'] as const) {
      const v = check.number(`${prefix}${key}`, o[key], { min: 1 });
      if (!Number.isInteger(v)) throw check.invalidParameterError(`${prefix}${key}`, 'an integer >= 1', v);
    }
    check.number(`${prefix}toleranceGrad`, o.toleranceGrad, { min: 0 });
    check.number(`${prefix}toleranceChange`, o.toleranceChange, { min: 0 });
    if (o.lineSearchFn !== null) check.oneOf(`${prefix}lineSearchFn`, o.lineSearchFn, ['strong_wolfe'] as const);
  }

  protected lists(): Lists {
    return {}; // never used: step() is LBFGS's own
  }

  protected stepGroup(): void {
    throw new Error('LBFGS.step overrides the per-group step'); // never called
  }

  /**
   * `step(closure)`, run synchronously on the main thread: an L-BFGS step is a sequence of small
   * kernel calls whose results steer the JS between them (directions, line search), around the
   * closure, which is synchronous itself, so there is nothing to move off the main thread. The
   * Promise resolves with the loss before the step (or rejects with what `step` throws).
   */
  override async stepAsync(closure?: Closure): Promise<number> {
    return this.step(closure);
  }

  /** Runs up to `maxIter` L-BFGS iterations; `closure` recomputes the loss and the gradients. Returns the loss before the step. */
  override step(closure?: Closure): number {
    if (typeof closure !== 'function') throw new TypeError('LBFGS.step needs a closure that recomputes the loss and the gradients');
    const group = this.paramGroups[0];
    this.validate(group, 'paramGroups[0].');
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const flat = new FlatParams(group.params);
    const first = group.params[0];
    const state: ParamState = this.state.get(first) ?? { func_evals: 0, n_iter: 0 };
    this.state.set(first, state);

    const origLoss = closure();
    let loss = origLoss;
    let evals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = flat.gatherGrad();
    let optCond = absMax(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let d = state.d as Vec | undefined;
    let t = state.t as number | undefined;
    let oldDirs = (state.old_dirs as Vec[] | undefined) ?? [];
    let oldStps = (state.old_stps as Vec[] | undefined) ?? [];
    let ro = (state.ro as number[] | undefined) ?? [];
    let hDiag = (state.H_diag as number | undefined) ?? 1;
    let prevFlatGrad = state.prev_flat_grad as Vec | undefined;
    let prevLoss = state.prev_loss as number | undefined;
    const k = kernels();

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter = (state.n_iter as number) + 1;

      // Descent direction.
      if (state.n_iter === 1) {
        d = scaled(flatGrad, -1);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.slice();
        k.axpby({ y: [y], x: [prevFlatGrad!], a: 1, b: -1 }); // y = g - g_prev
        const s = scaled(d!, t!); // s = t d
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y); // scale of the initial inverse Hessian
        }
        // Two-loop recursion on q = -g.
        const al: (number | null)[] = (state.al as (number | null)[] | undefined) ?? new Array(historySize).fill(null);
        state.al = al;
        const q = scaled(flatGrad, -1);
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i], q) * ro[i];
          k.axpby({ y: [q], x: [oldDirs[i]], a: 1, b: -al[i]! });
        }
        k.scale({ tensors: [q], scalar: hDiag });
        for (let i = 0; i < oldDirs.length; i++) {
          const be = dot(oldDirs[i], q) * ro[i];
          k.axpby({ y: [q], x: [oldStps[i]], a: 1, b: al[i]! - be });
        }
        d = q;
      }
      if (prevFlatGrad) prevFlatGrad.set(flatGrad);
      else prevFlatGrad = flatGrad.slice();
      prevLoss = loss;

      // Step length.
      t = state.n_iter === 1 ? Math.min(1, 1 / absSum(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break; // not a descent direction any more

      let lsEvals = 0;
      if (lineSearchFn === 'strong_wolfe') {
        const x0 = flat.cloneData();
        const evaluate = (step: number): [number, Vec] => {
          flat.addScaled(step, d!);
          const f = closure();
          const g = flat.gatherGrad();
          flat.setData(x0);
          return [f, g];
        };
        [loss, flatGrad, t, lsEvals] = strongWolfe(evaluate, t, d, loss, flatGrad, gtd);
        flat.addScaled(t, d);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        flat.addScaled(t, d);
        if (nIter !== maxIter) {
          // Re-evaluate only if another iteration follows.
          loss = closure();
          flatGrad = flat.gatherGrad();
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      state.func_evals = (state.func_evals as number) + lsEvals;

      if (nIter === maxIter || evals >= maxEval || optCond) break;
      if (absMax(d) * Math.abs(t) <= toleranceChange) break; // the step barely moves x
      if (Math.abs(loss - prevLoss) < toleranceChange) break; // the loss barely changes
    }

    Object.assign(state, { d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss });
    return origLoss;
  }
}

/** The parameters seen as one flat vector: gathers gradients, adds scaled directions, saves and restores values. */
class FlatParams {
  readonly numel: number;
  /** Each parameter's data, and where it starts in the flat vector. */
  private readonly data: Float32Array[];
  private readonly starts: number[] = [];
  /** The same merged where it is contiguous (an arena's parameters: one range), with its starts. */
  private readonly ranges: Float32Array[];
  private readonly rangeStarts: number[];

  constructor(private readonly params: ParamLike[]) {
    this.data = params.map((p) => p.data);
    this.numel = this.data.reduce((n, v) => (this.starts.push(n), n + v.length), 0);
    const contiguous = this.data.length > 1 ? contiguity([this.data]) : null;
    const runStart = contiguous ? runStarts(contiguous, []) : [];
    const merges = contiguous !== null && runStart.length < this.data.length;
    this.ranges = merges ? mergeRuns(this.data, runStart) : this.data;
    this.rangeStarts = merges ? runStart.map((t) => this.starts[t]) : this.starts;
  }

  /** The gradients, concatenated (zeros for a parameter without one). */
  gatherGrad(): Vec {
    const out = new Float32Array(this.numel);
    let offset = 0;
    for (const p of this.params) {
      if (p.grad) {
        if (p.grad.length !== p.data.length) {
          throw new RangeError(`LBFGS.step: a grad has ${p.grad.length} elements but its data has ${p.data.length}`);
        }
        out.set(p.grad, offset);
      }
      offset += p.data.length;
    }
    return out;
  }

  /** x += step * direction, one kernel call over all parameters (their contiguous ranges merged). */
  addScaled(step: number, direction: Vec): void {
    const call = (y: Float32Array[], starts: number[]) => ({ y, x: y.map((v, i) => direction.subarray(starts[i], starts[i] + v.length)), a: 1, b: step });
    const merged = call(this.ranges, this.rangeStarts);
    callMerged(kernels(true).axpby, merged, () => (this.ranges === this.data ? merged : call(this.data, this.starts)));
  }

  cloneData(): Vec[] {
    return this.params.map((p) => p.data.slice());
  }

  setData(values: Vec[]): void {
    this.params.forEach((p, i) => p.data.set(values[i]));
  }
}

function dot(x: Vec, y: Vec): number {
  const out = new Float64Array(1);
  kernels().dot({ x: [x], y: [y], out });
  return out[0];
}

function absMax(x: Vec): number {
  const out = new Float64Array(1);
  kernels().norms({ tensors: [x], norm_type: Infinity, out });
  return out[0];
}

function absSum(x: Vec): number {
  const out = new Float64Array(1);
  kernels().norms({ tensors: [x], norm_type: 1, out });
  return out[0];
}

/** a * x, as a new vector. */
function scaled(x: Vec, a: number): Vec {
  const out = new Float32Array(x.length);
  kernels().axpby({ y: [out], x: [x], a: 0, b: a });
  return out;
}

/**
 * The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
 * `bounds` (default: between x1 and x2); their midpoint when the cubic has no minimum.
 */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

/**
 * A line search along `d` from t satisfying the strong Wolfe conditions (sufficient decrease
 * c1 = 1e-4, curvature c2 = 0.9): bracket an interval, then zoom with cubic interpolation
 * (Nocedal and Wright, algorithms 3.5 and 3.6; minFunc's lswolfe). Returns the loss, gradient
 * and step length at the point found, and the number of evaluations.
 */
function strongWolfe(
  evaluate: (t: number) => [number, Vec],
  t0: number,
  d: Vec,
  f: number,
  g: Vec,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): [number, Vec, number, number] {
  const dNorm = absMax(d);
  let t = t0;
  let [fNew, gNew] = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);

  // Bracket an interval containing a point satisfying the conditions.
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let iter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Vec[] = [];
  let bracketGtd: number[] = [];
  while (iter < maxLs) {
    if (fNew > f + c1 * t * gtd || (iter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // Extrapolate by cubic interpolation within [t + 0.01 (t - tPrev), 10 t].
    const next = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
    [tPrev, fPrev, gPrev, gtdPrev] = [t, fNew, gNew, gtdNew];
    t = next;
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
  }
  if (iter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // Zoom: shrink the bracket until a point satisfies the conditions.
  let insufficientProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && iter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // Keep t at least 10% of the bracket away from its ends when progress stalls.
    const hi = Math.max(...bracket);
    const lo = Math.min(...bracket);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufficientProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      // Not enough decrease, or not below the low end: t becomes the high end.
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        // The old low end becomes the high end.
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return [bracketF[low], bracketG[low], bracket[low], evals];
}

