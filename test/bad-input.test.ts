/**
 * The kernels never crash on bad input: wrong types, mismatched lengths, overlapping buffers
 * and detached ArrayBuffers each throw a TypeError or RangeError and change nothing. One table,
 * run against the native binding and the JS kernels alike, and against the native async
 * kernels, which refuse the same calls synchronously, before anything is queued.
 */
import { describe, expect, it } from 'vitest';

import type { AdadeltaKernelArgs, AdafactorKernelArgs, AdagradKernelArgs, AdamaxKernelArgs, AdamKernelArgs, AsgdKernelArgs, LambKernelArgs, LarsKernelArgs, LionKernelArgs, NadamKernelArgs, RadamKernelArgs, RmspropKernelArgs, RpropKernelArgs, SgdKernelArgs } from '../binding.js';
import { nativeBinding, type Kernels } from '../src/backend.js';
import * as jsKernels from '../src/kernels/index.js';

const native = nativeBinding();
const backends: [string, Kernels][] = [['js', jsKernels]];
if (native) backends.push(['native', native]);

const f32 = (n: number, v = 1) => new Float32Array(n).fill(v);
const detached = (n: number) => {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};

function adamArgs(over: Partial<Record<keyof AdamKernelArgs, unknown>> = {}): AdamKernelArgs {
  return {
    params: [f32(5), f32(9)],
    grads: [f32(5, 0.5), f32(9, 0.5)],
    exp_avg: [f32(5, 0), f32(9, 0)],
    exp_avg_sq: [f32(5, 0), f32(9, 0)],
    max_exp_avg_sq: null,
    step_size: new Float64Array([0.1, 0.1]),
    bias_correction2_sqrt: new Float64Array([0.03, 0.03]),
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weight_decay: 0,
    decay: 1,
    amsgrad: false,
    maximize: false,
    ...over,
  } as AdamKernelArgs;
}

function sgdArgs(over: Partial<Record<keyof SgdKernelArgs, unknown>> = {}): SgdKernelArgs {
  return {
    params: [f32(5), f32(17)],
    grads: [f32(5, 0.5), f32(17, 0.5)],
    momentum_buffer: [f32(5, 0), f32(17, 0)],
    momentum_buffer_init: new Uint8Array([1, 1]),
    lr: 0.1,
    momentum: 0.9,
    dampening: 0,
    weight_decay: 0,
    nesterov: false,
    maximize: false,
    ...over,
  } as SgdKernelArgs;
}

/** Two tensors (5 and 9 elements) filled with v. */
const pair = (v = 0) => [f32(5, v), f32(9, v)];

function rmspropArgs(over: Partial<Record<keyof RmspropKernelArgs, unknown>> = {}): RmspropKernelArgs {
  return { params: pair(1), grads: pair(0.5), square_avg: pair(), momentum_buffer: pair(), grad_avg: pair(), lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0.9, centered: true, maximize: false, ...over } as RmspropKernelArgs;
}

function adagradArgs(over: Partial<Record<keyof AdagradKernelArgs, unknown>> = {}): AdagradKernelArgs {
  return { params: pair(1), grads: pair(0.5), sum: pair(), clr: new Float64Array([0.1, 0.1]), eps: 1e-10, weight_decay: 0, maximize: false, ...over } as AdagradKernelArgs;
}

function adadeltaArgs(over: Partial<Record<keyof AdadeltaKernelArgs, unknown>> = {}): AdadeltaKernelArgs {
  return { params: pair(1), grads: pair(0.5), square_avg: pair(), acc_delta: pair(), lr: 1, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false, ...over } as AdadeltaKernelArgs;
}

function adamaxArgs(over: Partial<Record<keyof AdamaxKernelArgs, unknown>> = {}): AdamaxKernelArgs {
  return { params: pair(1), grads: pair(0.5), exp_avg: pair(), exp_inf: pair(), clr: new Float64Array([0.02, 0.02]), beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, maximize: false, ...over } as AdamaxKernelArgs;
}

function nadamArgs(over: Partial<Record<keyof NadamKernelArgs, unknown>> = {}): NadamKernelArgs {
  const perTensor = (v: number) => new Float64Array([v, v]);
  return { params: pair(1), grads: pair(0.5), exp_avg: pair(), exp_avg_sq: pair(), step_size_grad: perTensor(0.01), step_size_exp_avg: perTensor(0.02), bias_correction2_sqrt: perTensor(0.03), beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, decay: 1, maximize: false, ...over } as NadamKernelArgs;
}

function radamArgs(over: Partial<Record<keyof RadamKernelArgs, unknown>> = {}): RadamKernelArgs {
  return { params: pair(1), grads: pair(0.5), exp_avg: pair(), exp_avg_sq: pair(), step_size: new Float64Array([0.01, 0.01]), rectify: new Uint8Array([0, 1]), beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, decay: 1, maximize: false, ...over } as RadamKernelArgs;
}

function rpropArgs(over: Partial<Record<keyof RpropKernelArgs, unknown>> = {}): RpropKernelArgs {
  return { params: pair(1), grads: pair(0.5), prev: pair(), step_size: pair(0.01), etaminus: 0.5, etaplus: 1.2, step_size_min: 1e-6, step_size_max: 50, maximize: false, ...over } as RpropKernelArgs;
}

function asgdArgs(over: Partial<Record<keyof AsgdKernelArgs, unknown>> = {}): AsgdKernelArgs {
  return { params: pair(1), grads: pair(0.5), ax: pair(), eta: new Float64Array([0.01, 0.01]), mu: new Float64Array([1, 0.5]), lambd: 1e-4, weight_decay: 0, maximize: false, ...over } as AsgdKernelArgs;
}

function lionArgs(over: Partial<Record<keyof LionKernelArgs, unknown>> = {}): LionKernelArgs {
  return { params: pair(1), grads: pair(0.5), exp_avg: pair(), lr: 1e-4, beta1: 0.9, beta2: 0.99, decay: 1, maximize: false, ...over } as LionKernelArgs;
}

function lambArgs(over: Partial<Record<keyof LambKernelArgs, unknown>> = {}): LambKernelArgs {
  const ones = new Float64Array([1, 1]);
  return { params: pair(1), grads: pair(0.5), exp_avg: pair(), exp_avg_sq: pair(), bias_correction1: ones, bias_correction2_sqrt: ones, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6, weight_decay: 0, max_trust_ratio: Infinity, maximize: false, ...over } as LambKernelArgs;
}

function larsArgs(over: Partial<Record<keyof LarsKernelArgs, unknown>> = {}): LarsKernelArgs {
  return { params: pair(1), grads: pair(0.5), momentum_buffer: pair(), exclude: new Uint8Array([0, 1]), lr: 1, momentum: 0.9, weight_decay: 0, trust_coefficient: 1e-3, eps: 1e-8, nesterov: false, maximize: false, ...over } as LarsKernelArgs;
}

/** Adafactor over a factored 5 = 1 x 5 tensor and a 9-element vector. */
function adafactorArgs(over: Partial<Record<keyof AdafactorKernelArgs, unknown>> = {}): AdafactorKernelArgs {
  const two = (a: number, b: number) => new Float64Array([a, b]);
  return {
    params: pair(1), grads: pair(0.5), row_var: [f32(1, 0), f32(0)], col_var: [f32(5, 0), f32(0)], variance: [f32(0), f32(9, 0)],
    factored: new Uint8Array([1, 0]), batch: two(1, 0), rows: two(1, 0), cols: two(5, 0), one_minus_beta2: two(1, 1), rho: two(0.01, 0.01),
    eps1: 1e-3, eps2: 1e-3, d: 1, decay: 1, maximize: false, ...over,
  } as AdafactorKernelArgs;
}

const shared = new Float32Array(32);

/**
 * LAMB given as runs (native/binding/reader.h): three tensors of 5, 0 and 9 elements, the first
 * two in one run (one view of 5 elements), the third in a run of its own.
 */
function lambRuns(over: Partial<Record<keyof LambKernelArgs | 'run_tensors' | 'tensor_numel', unknown>> = {}): LambKernelArgs {
  const ones = new Float64Array([1, 1, 1]);
  return lambArgs({ bias_correction1: ones, bias_correction2_sqrt: ones, run_tensors: new Float64Array([2, 1]), tensor_numel: new Float64Array([5, 0, 9]), ...over });
}

type Case = [string, keyof Kernels, () => unknown, typeof TypeError | typeof RangeError, RegExp];

const cases: Case[] = [
  ['no argument object', 'adam', () => undefined, TypeError, /expected one argument object/],
  ['an array instead of an object', 'sgd', () => [], TypeError, /expected one argument object/],
  ['params not an array', 'adam', () => adamArgs({ params: f32(5) }), TypeError, /params must be an array of Float32Array/],
  ['a Float64Array param', 'adam', () => adamArgs({ params: [new Float64Array(5), f32(9)] }), TypeError, /params\[0\] must be a Float32Array/],
  ['a plain-array grad', 'sgd', () => sgdArgs({ grads: [[1, 2, 3, 4, 5], f32(17)] }), TypeError, /grads\[0\] must be a Float32Array/],
  ['a missing state list', 'adam', () => adamArgs({ exp_avg: undefined }), TypeError, /exp_avg must be an array/],
  ['fewer grads than params', 'adam', () => adamArgs({ grads: [f32(5)] }), RangeError, /grads has 1 tensors but params has 2/],
  ['a grad of another length', 'sgd', () => sgdArgs({ grads: [f32(5), f32(16)] }), RangeError, /grads\[1\] has 16 elements but params\[1\] has 17/],
  ['a state buffer of another length', 'adam', () => adamArgs({ exp_avg_sq: [f32(5), f32(10)] }), RangeError, /exp_avg_sq\[1\] has 10 elements but params\[1\] has 9/],
  ['amsgrad without max_exp_avg_sq', 'adam', () => adamArgs({ amsgrad: true }), TypeError, /max_exp_avg_sq must be an array/],
  ['momentum without its init flags', 'sgd', () => sgdArgs({ momentum_buffer_init: undefined }), TypeError, /momentum_buffer_init must be a Uint8Array/],
  ['per-tensor scalars of the wrong type', 'adam', () => adamArgs({ step_size: new Float32Array(2) }), TypeError, /step_size must be a Float64Array/],
  ['per-tensor scalars of the wrong count', 'adam', () => adamArgs({ bias_correction2_sqrt: new Float64Array(3) }), RangeError, /bias_correction2_sqrt has 3 entries but there are 2 tensors/],
  ['a missing group scalar', 'adam', () => adamArgs({ beta2: undefined }), TypeError, /beta2 must be a number/],
  ['a string scalar', 'sgd', () => sgdArgs({ lr: '0.1' }), TypeError, /lr must be a number/],
  ['a non-boolean flag', 'sgd', () => sgdArgs({ nesterov: 1 }), TypeError, /nesterov must be a boolean/],
  ['a state buffer that is its param', 'adam', () => { const a = adamArgs(); a.exp_avg[1] = a.params[1]; return a; }, RangeError, /exp_avg\[1\] and params\[1\] overlap|params\[1\] and exp_avg\[1\] overlap/],
  ['a grad overlapping its param', 'sgd', () => sgdArgs({ params: [shared.subarray(0, 5), f32(17)], grads: [shared.subarray(3, 8), f32(17)] }), RangeError, /overlap in memory/],
  ['two params overlapping', 'sgd', () => sgdArgs({ params: [shared.subarray(10, 15), shared.subarray(0, 17)] }), RangeError, /params\[0\] and params\[1\] overlap|params\[1\] and params\[0\] overlap/],
  ['a detached param', 'adam', () => adamArgs({ params: [f32(5), detached(9)] }), TypeError, /params\[1\] is backed by a detached ArrayBuffer/],
  ['a detached grad', 'sgd', () => sgdArgs({ grads: [detached(5), f32(17)] }), TypeError, /grads\[0\] is backed by a detached ArrayBuffer/],
  ['a norms output of the wrong length', 'norms', () => ({ tensors: [f32(3), f32(4)], norm_type: 2, out: new Float64Array(1) }), RangeError, /out has 1 entries but there are 2 tensors/],
  ['a non-positive norm type', 'norms', () => ({ tensors: [f32(3)], norm_type: 0, out: new Float64Array(1) }), RangeError, /norm_type must be > 0/],
  ['scaling one buffer twice', 'scale', () => ({ tensors: [shared.subarray(0, 4), shared.subarray(2, 6)], scalar: 2 }), RangeError, /overlap in memory/],
  ['axpby writing into its input', 'axpby', () => ({ y: [shared.subarray(0, 4)], x: [shared.subarray(0, 4)], a: 1, b: 1 }), RangeError, /overlap in memory/],
  ['a dot of mismatched lengths', 'dot', () => ({ x: [f32(3)], y: [f32(4)], out: new Float64Array(1) }), RangeError, /y\[0\] has 4 elements but x\[0\] has 3/],
  ['a clamp without bounds', 'clamp', () => ({ tensors: [f32(3)], min: -1 }), TypeError, /max must be a number/],
  ['detached per-tensor scalars', 'adam', () => { const s = new Float64Array(2); structuredClone(s.buffer, { transfer: [s.buffer] }); return adamArgs({ step_size: s }); }, TypeError, /step_size is backed by a detached ArrayBuffer/],
  ['RMSprop momentum without momentum_buffer', 'rmsprop', () => rmspropArgs({ momentum_buffer: null }), TypeError, /momentum_buffer must be an array/],
  ['RMSprop centered without grad_avg', 'rmsprop', () => rmspropArgs({ grad_avg: undefined }), TypeError, /grad_avg must be an array/],
  ['RMSprop a grad_avg of another length', 'rmsprop', () => rmspropArgs({ grad_avg: [f32(5), f32(8)] }), RangeError, /grad_avg\[1\] has 8 elements but params\[1\] has 9/],
  ['RMSprop a missing alpha', 'rmsprop', () => rmspropArgs({ alpha: undefined }), TypeError, /alpha must be a number/],
  ['Adagrad clr of the wrong count', 'adagrad', () => adagradArgs({ clr: new Float64Array(1) }), RangeError, /clr has 1 entries but there are 2 tensors/],
  ['Adagrad a sum that is its grad', 'adagrad', () => { const a = adagradArgs(); a.sum[0] = a.grads[0]; return a; }, RangeError, /sum\[0\] and grads\[0\] overlap|grads\[0\] and sum\[0\] overlap/],
  ['Adadelta a missing acc_delta', 'adadelta', () => adadeltaArgs({ acc_delta: undefined }), TypeError, /acc_delta must be an array/],
  ['Adadelta a non-boolean maximize', 'adadelta', () => adadeltaArgs({ maximize: 0 }), TypeError, /maximize must be a boolean/],
  ['Adamax clr of the wrong type', 'adamax', () => adamaxArgs({ clr: [0.02, 0.02] }), TypeError, /clr must be a Float64Array/],
  ['NAdam step_size_exp_avg of the wrong count', 'nadam', () => nadamArgs({ step_size_exp_avg: new Float64Array(3) }), RangeError, /step_size_exp_avg has 3 entries but there are 2 tensors/],
  ['NAdam a missing decay', 'nadam', () => nadamArgs({ decay: undefined }), TypeError, /decay must be a number/],
  ['NAdam an exp_avg_sq that is its exp_avg', 'nadam', () => { const a = nadamArgs(); a.exp_avg_sq[0] = a.exp_avg[0]; return a; }, RangeError, /exp_avg_sq\[0\] and exp_avg\[0\] overlap|exp_avg\[0\] and exp_avg_sq\[0\] overlap/],
  ['RAdam rectify flags of the wrong type', 'radam', () => radamArgs({ rectify: new Float64Array(2) }), TypeError, /rectify must be a Uint8Array/],
  ['RAdam rectify flags of the wrong count', 'radam', () => radamArgs({ rectify: new Uint8Array(1) }), RangeError, /rectify has 1 entries but there are 2 tensors/],
  ['RAdam a grad of another length', 'radam', () => radamArgs({ grads: [f32(5), f32(10)] }), RangeError, /grads\[1\] has 10 elements but params\[1\] has 9/],
  ['Rprop a missing step_size list', 'rprop', () => rpropArgs({ step_size: null }), TypeError, /step_size must be an array of Float32Array/],
  ['Rprop a prev that is its step_size', 'rprop', () => { const a = rpropArgs(); a.prev[1] = a.step_size[1]; return a; }, RangeError, /prev\[1\] and step_size\[1\] overlap|step_size\[1\] and prev\[1\] overlap/],
  ['Rprop a string etaplus', 'rprop', () => rpropArgs({ etaplus: '1.2' }), TypeError, /etaplus must be a number/],
  ['ASGD mu of the wrong count', 'asgd', () => asgdArgs({ mu: new Float64Array(1) }), RangeError, /mu has 1 entries but there are 2 tensors/],
  ['ASGD an ax that is its param', 'asgd', () => { const a = asgdArgs(); a.ax[0] = a.params[0]; return a; }, RangeError, /ax\[0\] and params\[0\] overlap|params\[0\] and ax\[0\] overlap/],
  ['ASGD a missing lambd', 'asgd', () => asgdArgs({ lambd: undefined }), TypeError, /lambd must be a number/],
  ['Lion a missing decay', 'lion', () => lionArgs({ decay: undefined }), TypeError, /decay must be a number/],
  ['Lion an exp_avg of another length', 'lion', () => lionArgs({ exp_avg: [f32(5), f32(10)] }), RangeError, /exp_avg\[1\] has 10 elements but params\[1\] has 9/],
  ['Lion an exp_avg that is its grad', 'lion', () => { const a = lionArgs(); a.exp_avg[0] = a.grads[0]; return a; }, RangeError, /exp_avg\[0\] and grads\[0\] overlap|grads\[0\] and exp_avg\[0\] overlap/],
  ['LAMB a missing max_trust_ratio', 'lamb', () => lambArgs({ max_trust_ratio: null }), TypeError, /max_trust_ratio must be a number/],
  ['LAMB bias corrections of the wrong count', 'lamb', () => lambArgs({ bias_correction1: new Float64Array(1) }), RangeError, /bias_correction1 has 1 entries but there are 2 tensors/],
  ['LAMB a missing exp_avg_sq', 'lamb', () => lambArgs({ exp_avg_sq: undefined }), TypeError, /exp_avg_sq must be an array/],
  ['LAMB exp_avg overlapping exp_avg_sq', 'lamb', () => lambArgs({ exp_avg: [shared.subarray(0, 5), f32(9)], exp_avg_sq: [shared.subarray(2, 7), f32(9)] }), RangeError, /overlap in memory/],
  ['LARS momentum without momentum_buffer', 'lars', () => larsArgs({ momentum_buffer: null }), TypeError, /momentum_buffer must be an array/],
  ['LARS exclude flags of the wrong type', 'lars', () => larsArgs({ exclude: new Float64Array(2) }), TypeError, /exclude must be a Uint8Array/],
  ['LARS exclude flags of the wrong count', 'lars', () => larsArgs({ exclude: new Uint8Array(3) }), RangeError, /exclude has 3 entries but there are 2 tensors/],
  ['LARS a missing trust_coefficient', 'lars', () => larsArgs({ trust_coefficient: undefined }), TypeError, /trust_coefficient must be a number/],
  ['LARS a momentum_buffer that is its param', 'lars', () => { const a = larsArgs(); a.momentum_buffer![1] = a.params[1]; return a; }, RangeError, /momentum_buffer\[1\] and params\[1\] overlap|params\[1\] and momentum_buffer\[1\] overlap/],
  ['Adafactor a row_var of the wrong length', 'adafactor', () => adafactorArgs({ row_var: [f32(2), f32(0)] }), RangeError, /row_var\[0\] has 2 elements but should have 1/],
  ['Adafactor a col_var for an unfactored tensor', 'adafactor', () => adafactorArgs({ col_var: [f32(5), f32(9)] }), RangeError, /col_var\[1\] has 9 elements but should have 0/],
  ['Adafactor a variance for a factored tensor', 'adafactor', () => adafactorArgs({ variance: [f32(5), f32(9)] }), RangeError, /variance\[0\] has 5 elements but should have 0/],
  ['Adafactor sizes that do not multiply to the length', 'adafactor', () => adafactorArgs({ cols: new Float64Array([4, 0]) }), RangeError, /batch\[0\] \* rows\[0\] \* cols\[0\] is not the 5 elements of params\[0\]/],
  ['Adafactor a fractional size', 'adafactor', () => adafactorArgs({ rows: new Float64Array([0.5, 0]) }), RangeError, /rows\[0\] must be an integer >= 0/],
  ['Adafactor a negative size', 'adafactor', () => adafactorArgs({ batch: new Float64Array([1, -1]) }), RangeError, /batch\[1\] must be an integer >= 0/],
  ['Adafactor sizes of the wrong type', 'adafactor', () => adafactorArgs({ cols: new Uint8Array([5, 0]) }), TypeError, /cols must be a Float64Array/],
  ['Adafactor huge sizes whose product overflows', 'adafactor', () => adafactorArgs({ batch: new Float64Array([2 ** 40, 0]), rows: new Float64Array([2 ** 40, 0]), cols: new Float64Array([0, 0]), row_var: [f32(0), f32(0)], col_var: [f32(0), f32(0)] }), RangeError, /is not the 5 elements of params\[0\]/],
  ['Adafactor a missing rho', 'adafactor', () => adafactorArgs({ rho: undefined }), TypeError, /rho must be a Float64Array/],
  ['Adafactor a row_var overlapping its col_var', 'adafactor', () => adafactorArgs({ row_var: [shared.subarray(0, 1), f32(0)], col_var: [shared.subarray(0, 5), f32(0)] }), RangeError, /overlap in memory/],
  ['Adafactor a missing variance list', 'adafactor', () => adafactorArgs({ variance: null }), TypeError, /variance must be an array of Float32Array/],
  ['runs: run_tensors of the wrong type', 'lamb', () => lambRuns({ run_tensors: new Uint8Array([2, 1]) }), TypeError, /run_tensors must be a Float64Array/],
  ['runs: no tensor_numel', 'lamb', () => lambRuns({ tensor_numel: undefined }), TypeError, /tensor_numel must be a Float64Array/],
  ['runs: a run of no tensors', 'lamb', () => lambRuns({ run_tensors: new Float64Array([0, 3]) }), RangeError, /run_tensors\[0\] must be at least 1, and the runs' tensors at most the 3 entries of tensor_numel/],
  ['runs: more tensors than tensor_numel has', 'lamb', () => lambRuns({ run_tensors: new Float64Array([2, 2]) }), RangeError, /run_tensors\[1\] must be at least 1, and the runs' tensors at most the 3 entries/],
  ['runs: fewer tensors than tensor_numel has', 'lamb', () => lambRuns({ run_tensors: new Float64Array([1, 1]) }), RangeError, /run_tensors holds 2 tensors but tensor_numel has 3/],
  ['runs: a fractional tensor length', 'lamb', () => lambRuns({ tensor_numel: new Float64Array([5, 0.5, 9]) }), RangeError, /tensor_numel\[1\] must be an integer >= 0/],
  ['runs: a fractional run', 'lamb', () => lambRuns({ run_tensors: new Float64Array([1.5, 1.5]) }), RangeError, /run_tensors\[0\] must be an integer >= 0/],
  ['runs: a view per tensor instead of per run', 'lamb', () => lambRuns({ params: [f32(5), f32(0), f32(9)] }), RangeError, /params has 3 views but run_tensors has 2 runs/],
  ['runs: a view shorter than its run', 'lamb', () => lambRuns({ params: [f32(5), f32(8)] }), RangeError, /params\[1\] has 8 elements but the 1 tensors of its run have 9/],
  ['runs: a grad view longer than its run', 'lamb', () => lambRuns({ grads: [f32(6), f32(9)] }), RangeError, /grads\[0\] has 6 elements but the 2 tensors of its run have 5/],
  ['runs: per-tensor scalars per run', 'lamb', () => lambRuns({ bias_correction1: new Float64Array([1, 1]) }), RangeError, /bias_correction1 has 2 entries but there are 3 tensors/],
  ['runs: views of two lists overlapping', 'lamb', () => lambRuns({ exp_avg: [shared.subarray(0, 5), f32(9)], exp_avg_sq: [shared.subarray(4, 9), f32(9)] }), RangeError, /overlap in memory/],
  ['runs: a detached view', 'lamb', () => lambRuns({ grads: [detached(5), f32(9)] }), TypeError, /grads\[0\] is backed by a detached ArrayBuffer/],
  ['runs: detached tensor lengths', 'lamb', () => { const n = new Float64Array([5, 0, 9]); structuredClone(n.buffer, { transfer: [n.buffer] }); return lambRuns({ tensor_numel: n }); }, TypeError, /tensor_numel is backed by a detached ArrayBuffer/],
  ['runs: an Adafactor row_var run of the wrong length', 'adafactor', () => adafactorArgs({ run_tensors: new Float64Array([2]), tensor_numel: new Float64Array([5, 9]), params: [f32(14)], grads: [f32(14)], row_var: [f32(2)], col_var: [f32(5)], variance: [f32(9)] }), RangeError, /row_var\[0\] has 2 elements but the 2 tensors of its run have 1/],
  ['Adamax exp_inf overlapping exp_avg', 'adamax', () => adamaxArgs({ exp_avg: [shared.subarray(0, 5), f32(9)], exp_inf: [shared.subarray(4, 9), f32(9)] }), RangeError, /overlap in memory/],
];

/** Copies of every Float32Array reachable from the arguments, to check nothing changed. */
function snapshot(args: unknown): Float32Array[] {
  if (!args || typeof args !== 'object') return [];
  return Object.values(args as object).flatMap((v) =>
    Array.isArray(v) ? v.filter((t) => t instanceof Float32Array && t.buffer.byteLength > 0).map((t: Float32Array) => t.slice()) : [],
  );
}

describe.each(backends)('%s kernels', (_name, kernels) => {
  it.each(cases)('refuse %s', (_label, kernel, make, ErrorType, message) => {
    const args = make();
    const before = snapshot(args);
    expect(() => kernels[kernel](args as never)).toThrow(ErrorType);
    expect(() => kernels[kernel](args as never)).toThrow(message);
    expect(snapshot(args)).toEqual(before);
    expect(shared.every((x) => x === 0)).toBe(true);
  });

  it('accept read-only buffers that share memory, and empty groups', () => {
    const g = f32(9, 0.5);
    const args = sgdArgs({ params: [f32(9), f32(9)], grads: [g, g], momentum_buffer: [f32(9), f32(9)] });
    kernels.sgd(args);
    expect(Array.from(args.params[0])).toEqual(Array.from(args.params[1]));
    expect(args.params[0][0]).toBeCloseTo(1 - 0.1 * 0.5, 6);
    expect(() => kernels.adam(adamArgs({ params: [], grads: [], exp_avg: [], exp_avg_sq: [], step_size: new Float64Array(0), bias_correction2_sqrt: new Float64Array(0) }))).not.toThrow();
  });
});

describe.runIf(native)('native async kernels', () => {
  it.each(cases)('refuse %s synchronously, queueing nothing', (_label, kernel, make, ErrorType, message) => {
    const args = make();
    const before = snapshot(args);
    const call = () => native!.async[kernel](args as never);
    expect(call).toThrow(ErrorType);
    expect(call).toThrow(message);
    expect(snapshot(args)).toEqual(before);
    expect(shared.every((x) => x === 0)).toBe(true);
  });

  it('accept what the sync kernels accept, with the same results', async () => {
    const sync = sgdArgs({ params: [f32(9), f32(9)], grads: [f32(9, 0.5), f32(9, 0.5)], momentum_buffer: [f32(9), f32(9)] });
    const async = sgdArgs({ params: [f32(9), f32(9)], grads: [f32(9, 0.5), f32(9, 0.5)], momentum_buffer: [f32(9), f32(9)] });
    native!.sgd(sync);
    const pending = native!.async.sgd(async);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBeUndefined();
    expect(async.params.map((p) => Array.from(p))).toEqual(sync.params.map((p) => Array.from(p)));
    await expect(native!.async.adam(adamArgs({ params: [], grads: [], exp_avg: [], exp_avg_sq: [], step_size: new Float64Array(0), bias_correction2_sqrt: new Float64Array(0) }))).resolves.toBeUndefined();
  });
});
