/**
 * Types of the raw native addon (`build/Release/fastoptim.node` or
 * `prebuilds/<platform>-<arch>/fastoptim.napi.node`), as loaded by node-gyp-build.
 *
 * Each kernel steps one whole parameter group in one call, in place. Names follow PyTorch's
 * state-dict vocabulary. The addon checks memory safety on every call (types, lengths,
 * overlapping buffers, detached ArrayBuffers) and throws a TypeError or RangeError before it
 * touches anything; it does not validate hyperparameters (the TypeScript layer does).
 */

/**
 * What every kernel call may add to give its lists as runs: each list then holds one view per
 * run of consecutive tensors that are contiguous in memory, which the addon cuts into the
 * tensors (no per-tensor cost in the binding: a ParameterArena's tensors, for the kernels that
 * reduce over each tensor). Per-tensor arrays keep one entry per tensor; the overlap check
 * compares the views as given.
 */
export interface TensorRuns {
  /** Per view: how many consecutive tensors it holds (integers >= 1, summing to the tensor count). */
  run_tensors?: Float64Array;
  /** Per tensor: its element count (integers); a view's length is the sum over its run (a sized list's: its sizes' sum). Required with `run_tensors`. */
  tensor_numel?: Float64Array;
}

/** Instruction sets the kernels are compiled for, best first. */
export type Isa = 'avx512' | 'avx2' | 'scalar';

/** Arguments of one SGD step over a parameter group (tensor `t` of every list has one length). */
export interface SgdKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  /** One buffer per tensor when `momentum != 0`, otherwise null. */
  momentum_buffer: Float32Array[] | null;
  /** Per tensor: 1 when its momentum buffer is new this step (it then starts as the gradient). Required when `momentum != 0`. */
  momentum_buffer_init?: Uint8Array;
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** Arguments of one Adam / AdamW step over a parameter group. */
export interface AdamKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  exp_avg_sq: Float32Array[];
  /** One buffer per tensor when `amsgrad`, otherwise null. */
  max_exp_avg_sq: Float32Array[] | null;
  /** Per tensor: `lr / (1 - beta1^step)`, computed in double. */
  step_size: Float64Array;
  /** Per tensor: `sqrt(1 - beta2^step)`, computed in double. */
  bias_correction2_sqrt: Float64Array;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam); 0 for AdamW. */
  weight_decay: number;
  /** Decoupled decay factor `1 - lr * weight_decay` applied to the parameter (AdamW); 1 for Adam. */
  decay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Arguments of one RMSprop step over a parameter group. */
export interface RmspropKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  square_avg: Float32Array[];
  /** One buffer per tensor when `momentum > 0` (zeros at the first step), otherwise null. */
  momentum_buffer: Float32Array[] | null;
  /** One buffer per tensor when `centered`, otherwise null. */
  grad_avg: Float32Array[] | null;
  lr: number;
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** Arguments of one Adagrad step over a parameter group. */
export interface AdagradKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  sum: Float32Array[];
  /** Per tensor: `lr / (1 + (step - 1) * lr_decay)`, computed in double. */
  clr: Float64Array;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

/** Arguments of one Adadelta step over a parameter group. */
export interface AdadeltaKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  square_avg: Float32Array[];
  acc_delta: Float32Array[];
  lr: number;
  rho: number;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

/** Arguments of one Adamax step over a parameter group. */
export interface AdamaxKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  exp_inf: Float32Array[];
  /** Per tensor: `lr / (1 - beta1^step)`, computed in double. */
  clr: Float64Array;
  beta1: number;
  beta2: number;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

/** Arguments of one NAdam step over a parameter group. */
export interface NadamKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  exp_avg_sq: Float32Array[];
  /** Per tensor: `lr * (1 - mu_t) / (1 - mu_product)` (`mu_product` = mu_1 ... mu_t), computed in double. */
  step_size_grad: Float64Array;
  /** Per tensor: `lr * mu_{t+1} / (1 - mu_product * mu_{t+1})`, computed in double. */
  step_size_exp_avg: Float64Array;
  /** Per tensor: `sqrt(1 - beta2^step)`, computed in double. */
  bias_correction2_sqrt: Float64Array;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient; 0 with decoupled weight decay. */
  weight_decay: number;
  /** Decoupled decay factor `1 - lr * weight_decay` applied to the parameter; 1 otherwise. */
  decay: number;
  maximize: boolean;
}

/** Arguments of one RAdam step over a parameter group. */
export interface RadamKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  exp_avg_sq: Float32Array[];
  /** Per tensor: `lr * rect * sqrt(1 - beta2^step) / (1 - beta1^step)` when rectified, `lr / (1 - beta1^step)` otherwise, computed in double. */
  step_size: Float64Array;
  /** Per tensor: 1 when the step is rectified (rho_t > 5): the update is `m / (sqrt(v) + eps)`, otherwise `m`. */
  rectify: Uint8Array;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient; 0 with decoupled weight decay. */
  weight_decay: number;
  /** Decoupled decay factor `1 - lr * weight_decay` applied to the parameter; 1 otherwise. */
  decay: number;
  maximize: boolean;
}

/** Arguments of one Rprop step over a parameter group. */
export interface RpropKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  /** The previous step's gradient per element (0 where its sign flipped). */
  prev: Float32Array[];
  /** The step size per element (filled with `lr` before the first step). */
  step_size: Float32Array[];
  /** Step-size factor when the gradient's sign flips, in (0, 1). */
  etaminus: number;
  /** Step-size factor when the sign holds, > 1. */
  etaplus: number;
  step_size_min: number;
  step_size_max: number;
  maximize: boolean;
}

/** Arguments of one ASGD step over a parameter group. */
export interface AsgdKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  /** The running average of each parameter. */
  ax: Float32Array[];
  /** Per tensor: the step size `eta` of the parameter's state (`lr` at its first step). */
  eta: Float64Array;
  /** Per tensor: the averaging weight `mu` of the parameter's state; 1 makes `ax` a copy of the parameter. */
  mu: Float64Array;
  lambd: number;
  weight_decay: number;
  maximize: boolean;
}

/** Arguments of one Lion step over a parameter group. */
export interface LionKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  lr: number;
  beta1: number;
  beta2: number;
  /** Decoupled decay factor `1 - lr * weight_decay` applied to the parameter; 1 without decay. */
  decay: number;
  maximize: boolean;
}

/**
 * Arguments of one LAMB step over a parameter group. The kernel computes each tensor's norms
 * itself (in double, in the same call) and scales its step by the trust ratio.
 */
export interface LambKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  exp_avg: Float32Array[];
  exp_avg_sq: Float32Array[];
  /** Per tensor: `1 - beta1^step` (1 without bias correction), computed in double. */
  bias_correction1: Float64Array;
  /** Per tensor: `sqrt(1 - beta2^step)` (1 without bias correction), computed in double. */
  bias_correction2_sqrt: Float64Array;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Added to the Adam direction: `u = r + weight_decay * p`. */
  weight_decay: number;
  /** The trust ratio is clamped to at most this; `Infinity` for no clamp. */
  max_trust_ratio: number;
  maximize: boolean;
}

/**
 * Arguments of one LARS step over a parameter group. The kernel computes each tensor's norms
 * itself (in double, in the same call) and scales its step by the local learning rate.
 */
export interface LarsKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  /** One buffer per tensor when `momentum != 0` (zeros before the first step), otherwise null. */
  momentum_buffer: Float32Array[] | null;
  /** Per tensor: 1 excludes it from weight decay and from the trust ratio (biases, norms). */
  exclude: Uint8Array;
  lr: number;
  momentum: number;
  weight_decay: number;
  trust_coefficient: number;
  eps: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Arguments of one Adafactor step over a parameter group. Tensor `t` is factored when
 * `factored[t]` is 1: it is `batch[t]` row-major matrices of `rows[t] x cols[t]`, `row_var[t]`
 * has `batch * rows` elements, `col_var[t]` `batch * cols`, and `variance[t]` is empty;
 * otherwise `variance[t]` has the parameter's length and `row_var[t]`, `col_var[t]` are empty.
 * The kernel computes the row and column mean squares and the norms itself (in double).
 */
export interface AdafactorKernelArgs extends TensorRuns {
  params: Float32Array[];
  grads: Float32Array[];
  row_var: Float32Array[];
  col_var: Float32Array[];
  variance: Float32Array[];
  /** Per tensor: 1 for a factored second moment. */
  factored: Uint8Array;
  /** Per tensor (integers): matrices, rows and columns of a factored tensor; ignored otherwise. */
  batch: Float64Array;
  rows: Float64Array;
  cols: Float64Array;
  /** Per tensor: `step^beta2_decay`, the running averages' weight, computed in double. */
  one_minus_beta2: Float64Array;
  /** Per tensor: the relative step size `min(lr, 1 / sqrt(step))`, computed in double. */
  rho: Float64Array;
  /** Floor of the variance estimate (squared) and of the row factors' mean. */
  eps1: number;
  /** Floor of the parameter's RMS in the step size. */
  eps2: number;
  /** Clipping threshold of the update's RMS. */
  d: number;
  /** Decoupled decay factor `1 - lr * weight_decay`; 1 without decay. */
  decay: number;
  maximize: boolean;
}

/** The STREAM triad `a[t] = b[t] + scalar * c[t]`: a memory-bandwidth probe. */
export interface TriadArgs extends TensorRuns {
  a: Float32Array[];
  b: Float32Array[];
  c: Float32Array[];
  scalar: number;
}

/** Per-tensor norms: `out[t] = sum |x|^p` for finite `norm_type` p, `max |x|` (NaN if any NaN) for Infinity. */
export interface NormsArgs extends TensorRuns {
  tensors: Float32Array[];
  norm_type: number;
  out: Float64Array;
}

/** Per-tensor dot products `out[t] = x[t] . y[t]`, in double. */
export interface DotArgs extends TensorRuns {
  x: Float32Array[];
  y: Float32Array[];
  out: Float64Array;
}

/** In place: `x = scalar * x`. */
export interface ScaleArgs extends TensorRuns {
  tensors: Float32Array[];
  scalar: number;
}

/** In place: `x = min(max(x, min), max)` (NaN stays NaN). */
export interface ClampArgs extends TensorRuns {
  tensors: Float32Array[];
  min: number;
  max: number;
}

/** In place: `y = a * y + b * x`; with `a = 0`, `y = b * x` (the old `y` is not read). */
export interface AxpbyArgs extends TensorRuns {
  y: Float32Array[];
  x: Float32Array[];
  a: number;
  b: number;
}

/** Every kernel of the addon: one call steps one whole group, in place. */
export interface NativeKernels {
  sgd(args: SgdKernelArgs): void;
  adam(args: AdamKernelArgs): void;
  rmsprop(args: RmspropKernelArgs): void;
  adagrad(args: AdagradKernelArgs): void;
  adadelta(args: AdadeltaKernelArgs): void;
  adamax(args: AdamaxKernelArgs): void;
  nadam(args: NadamKernelArgs): void;
  radam(args: RadamKernelArgs): void;
  rprop(args: RpropKernelArgs): void;
  asgd(args: AsgdKernelArgs): void;
  lion(args: LionKernelArgs): void;
  lamb(args: LambKernelArgs): void;
  lars(args: LarsKernelArgs): void;
  adafactor(args: AdafactorKernelArgs): void;
  triad(args: TriadArgs): void;
  norms(args: NormsArgs): void;
  dot(args: DotArgs): void;
  scale(args: ScaleArgs): void;
  clamp(args: ClampArgs): void;
  axpby(args: AxpbyArgs): void;
}

/**
 * The same kernels run off the main thread: the arguments are read and checked at once (a bad
 * call throws, synchronously, and changes nothing), the kernel runs on a libuv worker thread,
 * and the Promise resolves when it is done. Every ArrayBuffer the call uses is referenced until
 * then; one detached meanwhile makes the Promise reject (the results are then undefined).
 */
export type AsyncKernels = { [K in keyof NativeKernels]: (args: Parameters<NativeKernels[K]>[0]) => Promise<void> };

export interface NativeBinding extends NativeKernels {
  /** The kernels, run on a worker thread. */
  async: AsyncKernels;
  /** The elementwise kernels (all but the reductions): the ones whose tensors may be merged. */
  elementwise: (keyof NativeKernels)[];
  /** The instruction set in use. */
  isa(): Isa;
  /** The instruction sets this CPU supports, best first. */
  supportedIsas(): Isa[];
  /** Switch to an instruction set this CPU supports (RangeError otherwise). */
  setIsa(isa: Isa): void;
  /** Threads the kernels use (the calling thread counts as one). */
  getNumThreads(): number;
  /** Sets them: an integer from 1 to 256 (RangeError otherwise). */
  setNumThreads(n: number): void;
  /** Cores this process may run on (its CPU affinity). */
  availableCores(): number;
}
