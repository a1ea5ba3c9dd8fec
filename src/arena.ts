/**
 * A flat parameter arena: many parameters, their gradients and the optimizer state created for
 * them, all views into one contiguous ArrayBuffer, so that a step over thousands of small
 * tensors costs about what one step over a tensor of their total size costs.
 */
import { markAsUntransferable } from 'node:worker_threads';

import { Parameter } from './parameter.js';
import { invalidParameterError } from './validate.js';

/** Options of `ParameterArena`. */
export interface ParameterArenaOptions {
  /**
   * How many per-parameter state buffers to make room for, over all the optimizers that will
   * step these parameters: Adam and AdamW 2 (3 with amsgrad), SGD with momentum 1, RMSprop 1
   * to 3, Adagrad 1, Adadelta 2, Adamax 2. Default 2. State beyond that is allocated outside the
   * arena (correct, just not coalesced).
   */
  stateBuffers?: number;
  /** Names of the parameters (`Parameter.name`), in order. */
  names?: readonly string[];
}

/** Where a view of an arena parameter lives: its arena and its index. */
interface Home {
  arena: ParameterArena;
  index: number;
}

/** Every arena parameter's data view, to its arena and index. */
const homes = new WeakMap<Float32Array, Home>();

/** Floats per region boundary: regions start on 64-byte boundaries of the buffer. */
const REGION_ALIGN = 16;

/**
 * Many parameters in one ArrayBuffer. The buffer holds regions of the same layout: the
 * parameters' values back to back in the order given, then their gradients in the same order,
 * then `stateBuffers` regions that the optimizers' state is allocated from (one region per
 * state entry and optimizer, e.g. Adam's `exp_avg`, each parameter at the same offset as its
 * values). So for a group of the arena's parameters in arena order, every list of a kernel call
 * (params, grads, exp_avg, exp_avg_sq, ...) is one contiguous run, and the native backend
 * steps the whole group as one range (tensors that are contiguous in every list and share
 * their per-tensor scalars are coalesced before the call), with no per-tensor overhead.
 *
 * The buffer is marked untransferable (`worker_threads.markAsUntransferable`): posting it or
 * `structuredClone` with it in the transfer list copies instead of detaching it, so a
 * `stepAsync()` can never lose its memory to a transfer.
 *
 * @example
 * ```ts
 * const arena = new ParameterArena([[4, 3], [3], [3, 2], [2]]);  // a small MLP's weights and biases
 * const opt = new Adam(arena.parameters, { lr: 0.1 });           // its state goes into the arena
 * for (let step = 0; step < 3; step++) {
 *   arena.zeroGrad();                                             // one fill for every gradient
 *   for (const p of arena.parameters) p.grad!.fill(1);            // stands in for a backward pass
 *   opt.step();                                                   // the four tensors as one range
 * }
 * console.log(arena.numel, arena.parameters.length);             // 23 4
 * console.log(arena.contains(opt.state.get(arena.parameters[0])!.exp_avg as Float32Array)); // true
 * ```
 */
export class ParameterArena {
  /** The one buffer every parameter, gradient and state view of this arena belongs to. */
  readonly buffer: ArrayBuffer;
  /** The parameters, in order: `data` and `grad` are views into `buffer`. */
  readonly parameters: Parameter[];
  /** The elements of all parameters together. */
  readonly numel: number;
  /** The number of state regions (`ParameterArenaOptions.stateBuffers`). */
  readonly stateBuffers: number;

  private readonly offsets: number[];
  private readonly stride: number;
  /** Per state key, its regions in order, each with the parameters whose slot is taken. */
  private readonly regions = new Map<string, { region: number; taken: Uint8Array }[]>();
  private nextRegion = 0;

  /**
   * @param shapes One entry per parameter: its length, or its shape (row-major).
   */
  constructor(shapes: Iterable<number | readonly number[]>, options: ParameterArenaOptions = {}) {
    const list = [...shapes].map((s, i) => {
      const shape = typeof s === 'number' ? [s] : [...s];
      if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw invalidParameterError(`shapes[${i}]`, 'a length or a shape of non-negative integers', s);
      }
      return shape;
    });
    const stateBuffers = options.stateBuffers ?? 2;
    if (!Number.isInteger(stateBuffers) || stateBuffers < 0) {
      throw invalidParameterError('stateBuffers', 'an integer >= 0', stateBuffers);
    }
    if (options.names !== undefined && options.names.length !== list.length) {
      throw new RangeError(`Expected ${list.length} names for ParameterArena but received ${options.names.length}`);
    }
    this.stateBuffers = stateBuffers;
    this.offsets = [];
    let total = 0;
    for (const shape of list) {
      this.offsets.push(total);
      total += shape.reduce((a, b) => a * b, 1);
    }
    this.numel = total;
    this.stride = Math.ceil(total / REGION_ALIGN) * REGION_ALIGN;
    this.buffer = new ArrayBuffer((2 + stateBuffers) * this.stride * 4);
    markAsUntransferable(this.buffer);
    this.parameters = list.map((shape, i) => {
      const data = this.view(0, i);
      const p = new Parameter(data, { grad: this.view(1, i), shape, name: options.names?.[i] });
      homes.set(data, { arena: this, index: i });
      return p;
    });
  }

  /** Every parameter's values, in order, as one view. */
  get data(): Float32Array {
    return new Float32Array(this.buffer, 0, this.numel);
  }

  /** Every parameter's gradient, in order, as one view. */
  get grad(): Float32Array {
    return new Float32Array(this.buffer, this.stride * 4, this.numel);
  }

  /** Zeroes every gradient of the arena at once (one fill instead of one per parameter). */
  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** Whether `view` is a view into this arena's buffer. */
  contains(view: ArrayBufferView): boolean {
    return view.buffer === this.buffer;
  }

  /** State regions not yet given to a state entry. */
  get freeStateBuffers(): number {
    return this.stateBuffers - this.nextRegion;
  }

  /**
   * A zeroed slot for state entry `key` of parameter `index` that no one holds yet: in the
   * first region of that key where the slot is free, or in a new region; null when every
   * region is in use. (Slots are never handed out twice, so two optimizers stepping the same
   * parameters get their state in different regions.)
   */
  claimState(key: string, index: number): Float32Array | null {
    let list = this.regions.get(key);
    if (!list) this.regions.set(key, (list = []));
    let region = list.find((r) => !r.taken[index]);
    if (!region) {
      if (this.nextRegion >= this.stateBuffers) return null;
      region = { region: 2 + this.nextRegion++, taken: new Uint8Array(this.parameters.length) };
      list.push(region);
    }
    region.taken[index] = 1;
    return this.view(region.region, index);
  }

  private view(region: number, index: number): Float32Array {
    const length = (index + 1 < this.offsets.length ? this.offsets[index + 1] : this.numel) - this.offsets[index];
    return new Float32Array(this.buffer, (region * this.stride + this.offsets[index]) * 4, length);
  }
}

/** The arena a parameter's data lives in, with its index there, or undefined. */
export function arenaHome(data: Float32Array): Home | undefined {
  return homes.get(data);
}
