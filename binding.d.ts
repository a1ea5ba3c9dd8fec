/**
 * Types of the raw native addon (`build/Release/fastoptim.node` or
 * `prebuilds/<platform>-<arch>/fastoptim.napi.node`), as loaded by node-gyp-build.
 *
 * Each kernel steps one whole parameter group in one call, in place. Names follow PyTorch's
 * state-dict vocabulary. The addon checks memory safety on every call (types, lengths,
 * overlapping buffers, detached ArrayBuffers) and throws a TypeError or RangeError before it
 * touches anything; it does not validate hyperparameters (the TypeScript layer does).
 */

/** Instruction sets the kernels are compiled for, best first. */
export type Isa = 'avx512' | 'avx2' | 'scalar';

/** Arguments of one SGD step over a parameter group (tensor `t` of every list has one length). */
export interface SgdKernelArgs {
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
export interface AdamKernelArgs {
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
export interface RmspropKernelArgs {
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
export interface AdagradKernelArgs {
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
export interface AdadeltaKernelArgs {
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
export interface AdamaxKernelArgs {
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

/** The STREAM triad `a[t] = b[t] + scalar * c[t]`: a memory-bandwidth probe. */
export interface TriadArgs {
  a: Float32Array[];
  b: Float32Array[];
  c: Float32Array[];
  scalar: number;
}

/** Per-tensor norms: `out[t] = sum |x|^p` for finite `norm_type` p, `max |x|` (NaN if any NaN) for Infinity. */
export interface NormsArgs {
  tensors: Float32Array[];
  norm_type: number;
  out: Float64Array;
}

/** Per-tensor dot products `out[t] = x[t] . y[t]`, in double. */
export interface DotArgs {
  x: Float32Array[];
  y: Float32Array[];
  out: Float64Array;
}

/** In place: `x = scalar * x`. */
export interface ScaleArgs {
  tensors: Float32Array[];
  scalar: number;
}

/** In place: `x = min(max(x, min), max)` (NaN stays NaN). */
export interface ClampArgs {
  tensors: Float32Array[];
  min: number;
  max: number;
}

/** In place: `y = a * y + b * x`; with `a = 0`, `y = b * x` (the old `y` is not read). */
export interface AxpbyArgs {
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
